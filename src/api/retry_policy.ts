// Pure retry rules of the Runway API client: what is retried for which route, backoff with jitter, Retry-After.
// No I/O and no clock of its own: every function takes what it needs, so every rule is unit-tested.

/**
 * The routes of the client. `retrieve` (GET) and `cancel` (DELETE) are idempotent, and so is
 * `connect_backend` in effect (a POST, but a repeat only mints another handler token for the same room);
 * `create` and `consume` (POST) are not: see {@link isRetryable}.
 */
export type RouteKind = 'create' | 'retrieve' | 'cancel' | 'consume' | 'connect_backend';

/**
 * How one attempt failed.
 * - `status`: Runway answered with a non-2xx status.
 * - `connection`: the socket failed; `reachedServer` is false only when no request byte can have been
 *   written (the connection was never established: refused, DNS failure, connect timeout).
 * - `timeout`: the per-attempt total timeout fired; `reachedServer` as above (false while still connecting).
 */
export type AttemptFailure = { kind: 'status'; statusCode: number } | TransportFailure;

/** An attempt that got no complete HTTP response (see {@link AttemptFailure}). */
export type TransportFailure =
  | { kind: 'connection'; reachedServer: boolean; code?: string }
  | { kind: 'timeout'; reachedServer: boolean };

/** Error codes that only occur before a connection exists: the request cannot have reached Runway. */
const NEVER_CONNECTED_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * True when a low-level error `code` means the connection was never established (ECONNREFUSED, DNS
 * failures, unreachable host or network, undici's connect timeout). Such a request did not reach Runway.
 */
export function isNeverConnectedCode(code: string | undefined): boolean {
  return code !== undefined && NEVER_CONNECTED_CODES.has(code);
}

/** True for the idempotent routes (`retrieve` = GET, `cancel` = DELETE, `connect_backend`). */
export function isIdempotent(route: RouteKind): boolean {
  return route === 'retrieve' || route === 'cancel' || route === 'connect_backend';
}

/** Statuses retried on the idempotent routes: 408, 409, 429 and every 5xx. */
function isRetryableStatusIdempotent(statusCode: number): boolean {
  return statusCode === 408 || statusCode === 409 || statusCode === 429 || statusCode >= 500;
}

/**
 * Statuses retried on the non-idempotent routes: only those with which Runway rejects a request before
 * doing any work: 429 (rate limited) and 503 (load shedding).
 */
function isRetryableStatusNonIdempotent(statusCode: number): boolean {
  return statusCode === 429 || statusCode === 503;
}

/**
 * Whether a failed attempt may be retried on `route`.
 *
 * THE CREATE RULE. `POST /v1/realtime_sessions` is not idempotent: Runway takes no idempotency key and
 * bills every session it creates. A create is therefore retried ONLY when Runway cannot have created a
 * session:
 * - the connection was never established (ECONNREFUSED, DNS failure, connect timeout, or the total timeout
 *   firing while still connecting): no request byte left this process;
 * - 429 (rate limited: the request was rejected) and 503 (load shedding: rejected before any work).
 *
 * A create is NOT retried after a timeout or a socket reset once the request was written, nor on 500, 502
 * or 504: Runway may have created (and will bill) a session whose id we never saw. The client's error then
 * says that a session may have been created.
 *
 * `consume` (`POST …/{id}/consume`) follows the same rule: Runway's consume is one-shot, so a retry after
 * the server may have consumed would fail on the already-consumed session.
 *
 * `retrieve` (GET) and `cancel` (DELETE) are idempotent: retried on any connection error, timeout, and on
 * 408, 409, 429 and 5xx. Every other 4xx is never retried on any route.
 */
export function isRetryable(route: RouteKind, failure: AttemptFailure): boolean {
  const idempotent = isIdempotent(route);
  switch (failure.kind) {
    case 'status':
      return idempotent
        ? isRetryableStatusIdempotent(failure.statusCode)
        : isRetryableStatusNonIdempotent(failure.statusCode);
    case 'connection':
    case 'timeout':
      return idempotent || !failure.reachedServer;
  }
}

/**
 * True when a failed create/consume may nevertheless have taken effect on Runway's side: the request was
 * written and the answer was lost (timeout, reset) or was a 500/502/504 (or any other 5xx but 503), or a
 * 408: a proxy or load balancer in front of Runway answers 408 on its own timer, possibly after it
 * forwarded the request, so nothing says the create was not processed.
 */
export function mayHaveTakenEffect(failure: AttemptFailure): boolean {
  switch (failure.kind) {
    case 'status':
      return (
        failure.statusCode === 408 || (failure.statusCode >= 500 && failure.statusCode !== 503)
      );
    case 'connection':
    case 'timeout':
      return failure.reachedServer;
  }
}

/** Upper bound of the first retry's base delay, in ms (a quick second try, as `@livekit/agents` does). */
export const FIRST_RETRY_MAX_MS = 200;

/** Runway's advice: add a random delay of up to 50 % to each backoff. */
export const JITTER_FRACTION = 0.5;

/** Default cap on a server-sent `Retry-After`, in ms: a longer wait would stall an agent's start-up. */
export const RETRY_AFTER_CAP_MS = 30_000;

/**
 * Base delay (no jitter) before retry number `retryIndex + 1` (0-based), in ms:
 * - first retry: `min(200, retryIntervalMs)`;
 * - then exponential from `retryIntervalMs / 4`, doubling each time, capped at `retryIntervalMs * 2`.
 *
 * With `@livekit/agents`' default `retryIntervalMs` 2000: 200, 500, 1000, 2000, 4000, 4000… ms.
 */
export function baseBackoffMs(retryIndex: number, retryIntervalMs: number): number {
  const interval = Math.max(0, retryIntervalMs);
  if (retryIndex <= 0) return Math.min(FIRST_RETRY_MAX_MS, interval);
  return Math.min((interval / 4) * 2 ** (retryIndex - 1), interval * 2);
}

/**
 * Backoff delay with jitter, in ms: `base * (1 + random() * 0.5)`, so within `[base, 1.5 * base)` as
 * Runway advises. `random` defaults to `Math.random` (inject one to test).
 */
export function backoffDelayMs(
  retryIndex: number,
  retryIntervalMs: number,
  random: () => number = Math.random,
): number {
  const base = baseBackoffMs(retryIndex, retryIntervalMs);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(base * (1 + r * JITTER_FRACTION));
}

const DELTA_SECONDS = /^\s*(\d+(?:\.\d+)?)\s*$/;

/**
 * Parses a `Retry-After` header value to a delay in ms: delta-seconds (`"3"`, also `"1.5"`) or an HTTP date
 * (relative to `nowMs`, a past date gives 0). Garbage, negative or empty values give `undefined`.
 * Not capped here: see {@link retryDelayMs}.
 */
export function parseRetryAfterMs(
  value: string | string[] | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return undefined;
  const seconds = DELTA_SECONDS.exec(raw);
  if (seconds?.[1] !== undefined) return Math.round(Number(seconds[1]) * 1000);
  // An HTTP date (IMF-fixdate, RFC 850 or asctime) always has an hh:mm:ss time; IMF and RFC 850 say GMT.
  // Date.parse accepts far looser text, so demand the time first.
  if (!/\b\d{2}:\d{2}:\d{2}\b/.test(raw)) return undefined;
  const at = Date.parse(raw);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * The wait before the next retry, in ms. A server `Retry-After` greater than 0 overrides the backoff and is
 * capped at `retryAfterCapMs` (default {@link RETRY_AFTER_CAP_MS}, 30 s); otherwise
 * {@link backoffDelayMs} (a `Retry-After` of 0, a past date or garbage falls back to it too).
 */
export function retryDelayMs(args: {
  retryIndex: number;
  retryIntervalMs: number;
  retryAfterMs?: number | undefined;
  retryAfterCapMs?: number;
  random?: () => number;
}): number {
  const cap = args.retryAfterCapMs ?? RETRY_AFTER_CAP_MS;
  if (args.retryAfterMs !== undefined && args.retryAfterMs > 0)
    return Math.min(args.retryAfterMs, cap);
  return backoffDelayMs(args.retryIndex, args.retryIntervalMs, args.random);
}
