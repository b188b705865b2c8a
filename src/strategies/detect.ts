// 'auto': try the richest API shape first, fall through only on the typed errors the strategies raise for
// a refused shape or an unreachable LiveKit URL, and remember the verdict per API base URL. The verdict
// lives in the learning store (src/learning), shared by every job process of the machine.
import { RunwayUnreachableLiveKitError, RunwayUnsupportedShapeError } from '../errors.js';
import { defaultLearning, forgetAllVerdicts, type Learning } from '../learning/cache.js';
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
 * Starts with the cached verdict (or the richest shape) and steps down on a
 * {@link RunwayUnsupportedShapeError}. A {@link RunwayUnreachableLiveKitError} skips the bring-your-own-room
 * shapes (the hosted bridge needs no public URL). Any other error is surfaced as it is.
 */
export async function startAuto(
  ctx: StrategyContext,
  strategies: Readonly<Record<StrategyName, Strategy>>,
): Promise<ActiveAvatar> {
  const baseUrl = ctx.client.baseUrl;
  const learning = ctx.learning ?? defaultLearning();
  await learning.refresh(baseUrl); // what other job processes learnt
  const cached = cachedVerdict(baseUrl, Date.now(), learning);
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
          learning,
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
