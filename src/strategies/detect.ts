// 'auto': try the richest API shape first, fall through only on the typed errors the strategies raise for
// a refused shape or an unreachable LiveKit URL, and remember the verdict per API base URL.
import { RunwayUnreachableLiveKitError, RunwayUnsupportedShapeError } from '../errors.js';
import { log } from '../log.js';
import {
  BYO_STRATEGIES,
  type ByoStrategyName,
  DETECTION_ORDER,
  type StrategyName,
} from './registry.js';
import type { ActiveAvatar, Strategy, StrategyContext } from './strategy.js';

export { DETECTION_ORDER } from './registry.js';
export { isShapeRefusal } from './shape.js';

/** How long a detection verdict is trusted before the richer shapes are tried again. */
export const VERDICT_TTL_MS = 60 * 60 * 1000;

interface Verdict {
  strategy: StrategyName;
  reason: string;
  expiresAt: number;
}

const verdicts = new Map<string, Verdict>();

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
 * Starts with the cached verdict (or the richest shape) and steps down on a
 * {@link RunwayUnsupportedShapeError}. A {@link RunwayUnreachableLiveKitError} skips the bring-your-own-room
 * shapes (the hosted bridge needs no public URL). Any other error is surfaced as it is.
 */
export async function startAuto(
  ctx: StrategyContext,
  strategies: Readonly<Record<StrategyName, Strategy>>,
): Promise<ActiveAvatar> {
  const baseUrl = ctx.client.baseUrl;
  const cached = cachedVerdict(baseUrl);
  const order = DETECTION_ORDER.slice(cached ? DETECTION_ORDER.indexOf(cached) : 0);
  const reasons: string[] = [];
  let i = 0;
  for (;;) {
    const name = order[i]!;
    try {
      const active = await strategies[name].start(ctx);
      if (reasons.at(-1) === UNREACHABLE) {
        // Not cached: another session may well use a URL Runway can reach.
        log().info(
          { strategy: name, reason: reasons.join('; ') },
          'Runway avatar strategy selected',
        );
      } else {
        recordSuccess(
          baseUrl,
          name,
          reasons.join('; ') || (cached ? 'cached verdict' : 'accepted'),
        );
      }
      return active;
    } catch (error) {
      const hosted = order.findIndex((n) => !BYO_STRATEGIES.includes(n as ByoStrategyName));
      if (i < hosted && RunwayUnsupportedShapeError.is(error)) {
        reasons.push(`API refused the ${name} key`);
        i++;
      } else if (i < hosted && RunwayUnreachableLiveKitError.is(error)) {
        reasons.push(UNREACHABLE);
        i = hosted;
      } else throw error;
    }
  }
}

const UNREACHABLE = 'LiveKit URL not reachable by Runway';
