// 'auto': try the richest API shape first, fall through only on Runway's "Unrecognized key" refusal,
// and remember the verdict per API base URL so later sessions pay no detection round trip. The verdict
// lives in the learning store (src/learning), shared by every job process of the machine.
import { RunwayAPIError, RunwayOptionError } from '../errors.js';
import { defaultLearning, forgetAllVerdicts, type Learning } from '../learning/cache.js';
import { log } from '../log.js';
import type { ActiveAvatar, Strategy, StrategyContext, StrategyName } from './strategy.js';

/** Richest first. Each step down is taken only when the API refuses the step's key. */
export const DETECTION_ORDER: readonly StrategyName[] = ['integration', 'livekit', 'hosted'];

/** How long a detection verdict is trusted before the richer shapes are tried again. */
export const VERDICT_TTL_MS = 60 * 60 * 1000;

/** The top-level key whose refusal means the API does not know a strategy's shape. */
function shapeKey(name: StrategyName): string | undefined {
  return name === 'hosted' ? undefined : name;
}

/** True when `error` is Runway's 400 `Unrecognized key: <key>` for this strategy's shape. */
export function isShapeRefusal(error: unknown, name: StrategyName): boolean {
  const key = shapeKey(name);
  return (
    key !== undefined &&
    RunwayAPIError.is(error) &&
    error.statusCode === 400 &&
    error.runwayError === `Unrecognized key: ${key}`
  );
}

/** The cached verdict for an API base URL, if still fresh. */
export function cachedVerdict(
  baseUrl: string,
  now = Date.now(),
  learning: Learning = defaultLearning(),
): StrategyName | undefined {
  return learning.verdict(baseUrl, now)?.strategy;
}

/** Records that `strategy` works for `baseUrl`; a richer shape than the cached one upgrades it. */
export function recordSuccess(
  baseUrl: string,
  strategy: StrategyName,
  reason: string,
  learning: Learning = defaultLearning(),
): void {
  const current = cachedVerdict(baseUrl, Date.now(), learning);
  const rank = (s: StrategyName) => DETECTION_ORDER.indexOf(s);
  if (current !== undefined && rank(current) <= rank(strategy)) return;
  const now = Date.now();
  learning.setVerdict(baseUrl, {
    strategy,
    reason,
    recordedAt: now,
    expiresAt: now + VERDICT_TTL_MS,
  });
  log().info(
    { strategy, reason, upgraded: current !== undefined },
    'Runway avatar strategy selected',
  );
}

/**
 * Forgets every cached verdict, in this process and in the on-disk store it uses (tests, or after a
 * Runway API change). @public
 */
export function resetStrategyCache(): void {
  forgetAllVerdicts();
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
  const learning = ctx.learning ?? defaultLearning();
  await learning.refresh(baseUrl); // what other job processes learnt
  const cached = cachedVerdict(baseUrl, Date.now(), learning);
  const order = DETECTION_ORDER.slice(cached ? DETECTION_ORDER.indexOf(cached) : 0);
  const reasons: string[] = [];
  for (const name of order) {
    try {
      const active = await strategies[name].start(ctx);
      const reason = reasons.join('; ') || (cached ? 'cached verdict' : 'accepted');
      recordSuccess(baseUrl, name, reason, learning);
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
