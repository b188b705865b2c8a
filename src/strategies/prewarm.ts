// Detection off the call path, for an agent's `prewarm` (which @livekit/agents runs in every job process
// before a job is assigned to it). It probes the API only where that saves a session a refused round trip.
import { RunwayClient } from '../api/client.js';
import { RunwayOptionError } from '../errors.js';
import { learningFor, type StoredVerdict } from '../learning/cache.js';
import { log } from '../log.js';
import { type AvatarSessionOptions, resolveOptions } from '../options.js';
import { DETECTION_ORDER } from './detect.js';
import { probeStrategy } from './probe.js';
import type { StrategyName } from './strategy.js';

/** How long prewarm waits for the store's file (it is a few hundred bytes; this only bounds a sick disk). */
const STORE_READ_BUDGET_MS = 1000;

/**
 * Whether to probe ahead, given the last verdict this machine learnt (fresh ones are used as they are).
 * Pure. Only when the API was seen refusing the richest shape: then a session would pay one or two
 * refused creates to find the shape again, and the probe pays them here instead. With no verdict at all,
 * or when the richest shape was accepted, the first session's own create is the cheapest detection
 * (it succeeds at once when the API takes the richest shape), so nothing is sent.
 */
export function shouldProbeAhead(last: Pick<StoredVerdict, 'strategy'> | undefined): boolean {
  return last !== undefined && last.strategy !== DETECTION_ORDER[0];
}

/**
 * For an agent's `prewarm`: loads what this machine's job processes learnt about the API and, when the
 * verdict has expired and the API had refused the richest shape, re-detects it with
 * {@link probeStrategy} (refused requests only: nothing is created or billed). Resolves with the strategy
 * `auto` will use, or undefined when detection is left to the first session. Network and API errors are
 * logged and swallowed (detection then happens in the first session); invalid options throw
 * `RunwayOptionError`. Keep `connOptions` short: agents-js gives a prewarm 10 s
 * (`initializeProcessTimeout`).
 * @public
 */
export async function prewarmStrategy(
  options: Pick<
    AvatarSessionOptions,
    'apiKey' | 'apiUrl' | 'connOptions' | 'stateDir' | 'strategy'
  > = {},
): Promise<StrategyName | undefined> {
  const resolved = resolveOptions({ ...options, presetId: 'cat-character' });
  if (resolved.strategy !== 'auto') return resolved.strategy;
  const { baseUrl } = new RunwayClient({
    apiKey: resolved.apiKey,
    baseUrl: resolved.apiUrl,
    connOptions: resolved.connOptions,
  });
  const learning = learningFor(resolved.stateDir);
  await learning.refresh(baseUrl, STORE_READ_BUDGET_MS);
  const fresh = learning.verdict(baseUrl);
  if (fresh) return fresh.strategy;
  if (!shouldProbeAhead(learning.lastVerdict(baseUrl))) return undefined;
  try {
    return await probeStrategy(options);
  } catch (error) {
    if (RunwayOptionError.is(error)) throw error;
    log().warn(
      { error: String(error) },
      'Runway strategy probe failed in prewarm; the first session detects it',
    );
    return undefined;
  }
}
