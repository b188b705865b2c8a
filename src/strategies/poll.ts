// Adaptive READY poller for hosted sessions: dense polls around the expected provisioning time, a budget
// of about 2 requests per second overall, and a clear error for FAILED, CANCELLED, expiry and timeout.
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunwayClient } from '../api/client.js';
import type { RealtimeSession } from '../api/types.js';
import {
  RunwayAPIError,
  RunwayAvatarError,
  RunwayConnectionError,
  RunwayTimeoutError,
} from '../errors.js';
import { defaultLearning } from '../learning/cache.js';

/** Poll interval inside the window where READY is expected, ms. */
export const DENSE_INTERVAL_MS = 100;
/** Longest interval between polls, ms (the interval Runway's own client uses). */
export const MAX_INTERVAL_MS = 1000;
/** Average request rate the poller stays under, per second, counted from the create. */
export const MAX_RATE_PER_S = 2;

/**
 * Provisioning times (create → READY) seen per API base URL, newest last, as bounds: READY came after
 * the last NOT_READY poll (`lo`) and before the poll that saw it (`hi`). Seeds the expected window.
 * Recording the noticed time alone would drift the window later by each detection delay. Kept in the
 * learning store (src/learning), shared by every job process of the machine.
 */
export interface ProvisioningHistory {
  /** Bounds seen for `baseUrl`, oldest first (the store keeps the newest few). */
  provisioning(baseUrl: string): readonly { lo: number | undefined; hi: number }[];
  recordProvisioning(baseUrl: string, loMs: number | undefined, hiMs: number): void;
  /** Brings in what other processes learnt (bounded wait, never throws). */
  refresh(baseUrl: string): Promise<void>;
}
/** Margin around the provisioning times seen, ms. */
const WINDOW_SLACK_MS = 50;
/** How much earlier than its first poll a session that was READY at that poll moves the window, ms. */
const UNBOUNDED_STEP_MS = 250;
/**
 * Before any session was seen: Runway's observed provisioning is about 1.5–2 s (runway-api.md §4). The
 * request budget affords about 4 dense polls there, so the prior centres on the typical 2 s.
 */
const PRIOR_WINDOW: [number, number] = [1600, 2100];

/** Window [from, to] (ms since create) where READY is expected for this API. */
export function expectedWindow(
  baseUrl: string,
  history: ProvisioningHistory = defaultLearning(),
): [number, number] {
  const seen = history.provisioning(baseUrl);
  if (!seen?.length) return PRIOR_WINDOW;
  const bounded = seen.filter((b): b is { lo: number; hi: number } => b.lo !== undefined);
  // Steady provisioning: every interval contains the same instant, so their intersection is tight.
  if (bounded.length > 0) {
    const lo = Math.max(...bounded.map((b) => b.lo));
    const hi = Math.min(...seen.map((b) => b.hi));
    if (lo <= hi) return [Math.max(0, lo - WINDOW_SLACK_MS / 2), hi + WINDOW_SLACK_MS / 2];
  }
  // Varying provisioning: span the likeliest READY instants (interval midpoints). READY at the first poll
  // says only that it came before that poll; taking the poll's time alone would hold the window where it
  // is (READY before the window is always seen at its first poll), so such a record also reaches earlier.
  const mid = (b: { lo: number | undefined; hi: number }) =>
    b.lo === undefined ? b.hi : (b.lo + b.hi) / 2;
  const earliest = seen.map((b) => (b.lo === undefined ? b.hi - UNBOUNDED_STEP_MS : mid(b)));
  return [
    Math.max(0, Math.min(...earliest) - WINDOW_SLACK_MS),
    Math.max(...seen.map(mid)) + WINDOW_SLACK_MS,
  ];
}

/**
 * Remembers that a session became READY between `loMs` (the last NOT_READY poll; undefined when the
 * first poll already saw READY) and `hiMs` after its create.
 */
export function recordProvisioning(
  baseUrl: string,
  loMs: number | undefined,
  hiMs: number,
  history: ProvisioningHistory = defaultLearning(),
): void {
  history.recordProvisioning(baseUrl, loMs, hiMs);
}

/**
 * Delay before the next poll. Pure. `elapsedMs` since the create; `polls` made so far. Before the
 * window: wait for it; inside: the polls the budget affords spread evenly over the window, never
 * closer than {@link DENSE_INTERVAL_MS}; after: back off to {@link MAX_INTERVAL_MS}.
 * Never faster than the budget: the n-th poll is sent no earlier than n / MAX_RATE_PER_S seconds.
 */
export function nextPollDelay(elapsedMs: number, polls: number, window: [number, number]): number {
  const [from, to] = window;
  let delay: number;
  if (elapsedMs < from) delay = from - elapsedMs;
  else if (elapsedMs <= to) {
    const affordable = Math.floor((MAX_RATE_PER_S * to) / 1000) - polls;
    delay = Math.max(DENSE_INTERVAL_MS, (to - elapsedMs) / Math.max(1, affordable));
  } else delay = Math.min(MAX_INTERVAL_MS, Math.max(DENSE_INTERVAL_MS * 2, (elapsedMs - to) / 2));
  const budgetAt = ((polls + 1) / MAX_RATE_PER_S) * 1000; // earliest time the next poll fits the budget
  return Math.max(delay, budgetAt - elapsedMs, 0);
}

/** Options of {@link pollUntilReady}. */
export interface PollOptions {
  /** Give up after this long since `createdAtMs`, ms. */
  timeoutMs: number;
  /** `Date.now()` when the create was sent. */
  createdAtMs: number;
  signal?: AbortSignal;
  /** Called after every poll (benchmarks count requests). */
  onPoll?: (session: RealtimeSession) => void;
  /** Where provisioning times are learnt (default: the environment's learning store). */
  history?: ProvisioningHistory;
}

/** A READY session: the key for consume and when it expires. */
export type ReadySession = Extract<RealtimeSession, { status: 'READY' }>;

/**
 * True for a failure that a later poll may not meet: 408, 429 and 5xx answers, a connection error, a
 * request timeout. Inside the READY budget such a failure is retried, not fatal. Pure.
 */
export function isTransientFailure(error: unknown): boolean {
  if (RunwayConnectionError.is(error) || RunwayTimeoutError.is(error)) return true;
  if (!RunwayAPIError.is(error)) return false;
  const status = error.statusCode;
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Polls until READY; throws {@link RunwayAvatarError} on FAILED, CANCELLED, COMPLETED, expiry, or when
 * `timeoutMs` since the create has passed (`READY_TIMEOUT`). The budget bounds every request inside it:
 * a hanging retrieve is aborted when it runs out. Transient failures are polled through. When
 * `opts.signal` aborts, rejects with its reason.
 */
export async function pollUntilReady(
  client: RunwayClient,
  sessionId: string,
  opts: PollOptions,
): Promise<ReadySession> {
  const history = opts.history ?? defaultLearning();
  await history.refresh(client.baseUrl);
  const window = expectedWindow(client.baseUrl, history);
  const budget = AbortSignal.timeout(Math.max(0, opts.createdAtMs + opts.timeoutMs - Date.now()));
  const signal = opts.signal ? AbortSignal.any([opts.signal, budget]) : budget;
  const timedOut = () =>
    new RunwayAvatarError(
      'READY_TIMEOUT',
      `Runway session did not become READY within ${opts.timeoutMs} ms`,
      { sessionId },
    );
  let polls = 0;
  let lastNotReadyMs: number | undefined;
  let session: RealtimeSession;
  for (;;) {
    const elapsed = Date.now() - opts.createdAtMs;
    if (elapsed > opts.timeoutMs) throw timedOut();
    try {
      const delay = nextPollDelay(elapsed, polls, window);
      if (delay > 0) await sleep(delay, undefined, { signal });
      polls++;
      session = await client.retrieveSession(sessionId, { signal });
    } catch (error) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      if (budget.aborted) throw timedOut();
      if (isTransientFailure(error)) continue; // the next poll is paced by the budget as usual
      throw error;
    }
    opts.onPoll?.(session);
    switch (session.status) {
      case 'NOT_READY':
        lastNotReadyMs = Date.now() - opts.createdAtMs;
        continue;
      case 'READY':
        if (Date.parse(session.expiresAt) <= Date.now()) {
          throw new RunwayAvatarError(
            'READY_EXPIRED',
            'Runway session credentials expired before they could be used',
            { sessionId },
          );
        }
        recordProvisioning(client.baseUrl, lastNotReadyMs, Date.now() - opts.createdAtMs, history);
        return session;
      case 'FAILED':
        throw new RunwayAvatarError(
          'SESSION_FAILED',
          `Runway session failed before it was ready: ${session.failureCode} (${session.failure})`,
          { sessionId, failureCode: session.failureCode },
        );
      default:
        throw new RunwayAvatarError(
          'SESSION_ENDED',
          `Runway session is ${session.status} before it was ready`,
          { sessionId },
        );
    }
  }
}
