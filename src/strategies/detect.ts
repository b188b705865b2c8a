// 'auto': try the richest API shape first, fall through only on Runway's "Unrecognized key" refusal,
// and remember the verdict per API base URL so later sessions pay no detection round trip.
import { isUnrecognizedKeyRefusal } from '../api/refusal.js';
import { RunwayOptionError } from '../errors.js';
import { log } from '../log.js';
import type { ActiveAvatar, Strategy, StrategyContext, StrategyName } from './strategy.js';

/** Richest first. Each step down is taken only when the API refuses the step's key. */
export const DETECTION_ORDER: readonly StrategyName[] = ['integration', 'livekit', 'hosted'];

/** How long a detection verdict is trusted before the richer shapes are tried again. */
export const VERDICT_TTL_MS = 60 * 60 * 1000;

interface Verdict {
  strategy: StrategyName;
  reason: string;
  expiresAt: number;
}

const verdicts = new Map<string, Verdict>();

/** The top-level key whose refusal means the API does not know a strategy's shape. */
function shapeKey(name: StrategyName): string | undefined {
  return name === 'hosted' ? undefined : name;
}

/** True when `error` is Runway's 400 `Unrecognized key: <key>` for this strategy's shape. */
export function isShapeRefusal(error: unknown, name: StrategyName): boolean {
  const key = shapeKey(name);
  return key !== undefined && isUnrecognizedKeyRefusal(error, key);
}

/** The cached verdict for an API base URL, if still fresh. */
export function cachedVerdict(baseUrl: string, now = Date.now()): StrategyName | undefined {
  const v = verdicts.get(baseUrl);
  if (v && v.expiresAt > now) return v.strategy;
  if (v) verdicts.delete(baseUrl);
  return undefined;
}

/** Records that `strategy` works for `baseUrl`; a richer shape than the cached one upgrades it. */
export function recordSuccess(baseUrl: string, strategy: StrategyName, reason: string): void {
  const current = cachedVerdict(baseUrl);
  const rank = (s: StrategyName) => DETECTION_ORDER.indexOf(s);
  if (current !== undefined && rank(current) <= rank(strategy)) return;
  verdicts.set(baseUrl, { strategy, reason, expiresAt: Date.now() + VERDICT_TTL_MS });
  log().info(
    { strategy, reason, upgraded: current !== undefined },
    'Runway avatar strategy selected',
  );
}

/** Forgets every cached verdict (tests, or after a Runway API change). @public */
export function resetStrategyCache(): void {
  verdicts.clear();
}

/**
 * Starts with the cached verdict (or the richest shape), falls through on shape refusals. A LiveKit URL
 * that Runway's cloud cannot reach skips the bring-your-own-room shapes (the hosted bridge needs none).
 * Any other error is surfaced as it is.
 */
export async function startAuto(
  ctx: StrategyContext,
  strategies: Record<StrategyName, Strategy>,
): Promise<ActiveAvatar> {
  const baseUrl = ctx.client.baseUrl;
  const cached = cachedVerdict(baseUrl);
  const order = DETECTION_ORDER.slice(cached ? DETECTION_ORDER.indexOf(cached) : 0);
  const reasons: string[] = [];
  for (const name of order) {
    try {
      const active = await strategies[name].start(ctx);
      recordSuccess(baseUrl, name, reasons.join('; ') || (cached ? 'cached verdict' : 'accepted'));
      return active;
    } catch (error) {
      if (isShapeRefusal(error, name)) {
        reasons.push(`API refused the ${name} key`);
        continue;
      }
      if (RunwayOptionError.is(error) && error.option === 'livekitUrl' && name !== 'hosted') {
        reasons.push('LiveKit URL not reachable by Runway');
        // Unreachable URL: no bring-your-own-room shape can work; go straight to hosted.
        const active = await strategies.hosted.start(ctx);
        log().info(
          { strategy: 'hosted', reason: reasons.join('; ') },
          'Runway avatar strategy selected',
        );
        return active;
      }
      throw error;
    }
  }
  throw new Error('unreachable: hosted is always last');
}
