// HTTP transport of the Runway client: one keep-alive undici Agent per origin, and the attempt/retry loop.
//
// Why a small loop of our own instead of undici's `interceptors.retry` / `RetryAgent`:
// - the create rule needs to know whether the request was ever written to a connected socket; undici's
//   retry callback only sees an error code, and a total timeout firing while still connecting would be
//   indistinguishable from one firing after the body was sent;
// - the timeout is a TOTAL per attempt (connect + response + body); undici offers connect, headers and
//   idle-body timeouts, but no total, and a shared AbortSignal would span every attempt;
// - a caller's abort must end a pending retry wait at once; `request()` even waits for a connection to be
//   established before it rejects on abort.
// So each attempt is one `agent.dispatch()` with a handler that records `onRequestStart` (the request is
// about to be written on a connected socket), collects the body under a size cap, and settles once.
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, type Dispatcher } from 'undici';
import { log } from '../log.js';
import {
  type AttemptFailure,
  isNeverConnectedCode,
  isRetryable,
  parseRetryAfterMs,
  type RouteKind,
  retryDelayMs,
  type TransportFailure,
} from './retry_policy.js';

/** Responses larger than this (bytes) are cut off as a failure: Runway's bodies are a few hundred bytes. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** The failure code of a response cut off at {@link MAX_BODY_BYTES} (reported as such, not as a reset). */
export const BODY_TOO_LARGE_CODE = 'RUNWAY_BODY_TOO_LARGE';
/** undici's own connect timeout; the per-attempt total timeout usually fires first. */
const CONNECT_TIMEOUT_MS = 10_000;

const agents = new Map<string, Agent>();

/** The process-wide keep-alive Agent for `origin` (e.g. `https://api.dev.runwayml.com`), created once. */
export function agentFor(origin: string): Agent {
  let agent = agents.get(origin);
  if (!agent) {
    // Idle sockets are kept 10 s, or less when the server's Keep-Alive hint says so.
    agent = new Agent({ connect: { timeout: CONNECT_TIMEOUT_MS }, keepAliveTimeout: 10_000 });
    agents.set(origin, agent);
  }
  return agent;
}

/** Closes every Agent created by {@link agentFor} (tests, benchmarks, shutdown). New calls create new ones. */
export async function closeAllAgents(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((agent) => agent.destroy()));
}

/** A complete HTTP response of one attempt (any status). */
export interface RawResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** How one attempt ended. `cause` is the low-level error as undici gave it: never expose it as is. */
export type AttemptOutcome =
  | { type: 'response'; response: RawResponse }
  | { type: 'failure'; failure: TransportFailure; cause: unknown }
  | { type: 'aborted' };

/** One HTTP request to send (headers hold credentials: never log them). */
export interface OutgoingRequest {
  origin: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

class BodyTooLargeError extends Error {
  constructor(status: number) {
    super(`response body over ${MAX_BODY_BYTES} bytes (status ${status})`);
    this.name = 'BodyTooLargeError';
  }
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Sends one attempt with a total timeout of `timeoutMs` (connect + response + body). Never rejects: the
 * outcome says what happened. On `signal` abort it settles `aborted` at once and aborts the request.
 */
export function sendAttempt(
  req: OutgoingRequest,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<AttemptOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    let started = false;
    let controller: Dispatcher.DispatchController | null = null;
    let pendingAbort: Error | null = null;
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    let size = 0;

    const stopRequest = (reason: Error) => {
      if (controller) controller.abort(reason);
      else pendingAbort = reason;
    };
    const finish = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onAbort = () => {
      finish({ type: 'aborted' });
      stopRequest(new Error('aborted by caller'));
    };
    const timer = setTimeout(() => {
      finish({
        type: 'failure',
        failure: { kind: 'timeout', reachedServer: started },
        cause: undefined,
      });
      stopRequest(new Error('total timeout'));
    }, timeoutMs);

    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(ctrl) {
        controller = ctrl;
        if (pendingAbort) {
          ctrl.abort(pendingAbort);
          return;
        }
        started = true;
      },
      onResponseStart(_ctrl, statusCode, responseHeaders) {
        status = statusCode;
        headers = responseHeaders;
      },
      onResponseData(ctrl, chunk) {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          const err = new BodyTooLargeError(status);
          const code = BODY_TOO_LARGE_CODE;
          finish({
            type: 'failure',
            failure: { kind: 'connection', reachedServer: true, code },
            cause: err,
          });
          ctrl.abort(err);
          return;
        }
        chunks.push(chunk);
      },
      onResponseEnd() {
        const response = { statusCode: status, headers, body: Buffer.concat(chunks) };
        // undici frees a keep-alive socket for reuse only on the NEXT event-loop turn (a setImmediate it
        // schedules right after this callback); a request dispatched before that opens a second
        // connection. Settling two turns later lets an immediately following request reuse the socket.
        setImmediate(() => setImmediate(() => finish({ type: 'response', response })));
      },
      onResponseError(_ctrl, err) {
        const code = errorCode(err);
        const reachedServer = started && !isNeverConnectedCode(code);
        finish({
          type: 'failure',
          failure: { kind: 'connection', reachedServer, ...(code === undefined ? {} : { code }) },
          cause: err,
        });
      },
    };

    try {
      agentFor(req.origin).dispatch(
        {
          origin: req.origin,
          path: req.path,
          method: req.method,
          headers: req.headers,
          ...(req.body === undefined ? {} : { body: req.body }),
        },
        handler,
      );
    } catch (err) {
      finish({
        type: 'failure',
        failure: { kind: 'connection', reachedServer: false },
        cause: err,
      });
    }
  });
}

/** Retry settings of one request (from `APIConnectOptions`). */
export interface RetrySettings {
  /** Retries after the first attempt: attempts = maxRetry + 1. */
  maxRetry: number;
  retryIntervalMs: number;
  /** Total timeout of each attempt. */
  timeoutMs: number;
  retryAfterCapMs?: number;
}

/** The final outcome of a request and how many attempts it took. */
export interface SendResult {
  outcome: AttemptOutcome;
  attempts: number;
}

/** Waits `ms`, or resolves `false` at once when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function failureOf(outcome: AttemptOutcome): AttemptFailure | null {
  if (outcome.type === 'failure') return outcome.failure;
  if (
    outcome.type === 'response' &&
    (outcome.response.statusCode < 200 || outcome.response.statusCode > 299)
  )
    return { kind: 'status', statusCode: outcome.response.statusCode };
  return null;
}

/**
 * Sends `req` with retries per {@link isRetryable} for `route`. `signal` stops the request: no attempt is
 * sent after it aborts and a retry wait ends at once; an attempt in flight is aborted too, unless
 * `abortInFlight` is false (a create: its answer carries the id of a session that must then be ended,
 * so it is awaited, bounded by its own timeout). Between attempts it waits {@link retryDelayMs}
 * (a `Retry-After` on the failed response overrides the backoff). Logs every attempt at debug
 * level as `{ request, attempt, status | failure, elapsedMs }`: `label` must hold no secret.
 */
export async function sendWithRetries(
  route: RouteKind,
  label: string,
  req: OutgoingRequest,
  settings: RetrySettings,
  signal?: AbortSignal,
  abortInFlight = true,
): Promise<SendResult> {
  const maxAttempts = Math.max(0, Math.floor(settings.maxRetry)) + 1;
  for (let attempt = 1; ; attempt++) {
    // An abort before an attempt is sent means it is not sent.
    if (signal?.aborted) return { outcome: { type: 'aborted' }, attempts: attempt - 1 };
    const startedAt = performance.now();
    const outcome = await sendAttempt(req, settings.timeoutMs, abortInFlight ? signal : undefined);
    const elapsedMs = Math.round(performance.now() - startedAt);
    const failure = failureOf(outcome);
    log().debug(
      {
        request: label,
        attempt,
        maxAttempts,
        elapsedMs,
        ...(outcome.type === 'response' ? { status: outcome.response.statusCode } : {}),
        ...(outcome.type === 'failure' ? { failure: outcome.failure } : {}),
        ...(outcome.type === 'aborted' ? { aborted: true } : {}),
      },
      'Runway API attempt',
    );
    if (failure === null || attempt >= maxAttempts || !isRetryable(route, failure)) {
      return { outcome, attempts: attempt };
    }
    const retryAfter =
      outcome.type === 'response' ? outcome.response.headers['retry-after'] : undefined;
    const delayMs = retryDelayMs({
      retryIndex: attempt - 1,
      retryIntervalMs: settings.retryIntervalMs,
      retryAfterMs: parseRetryAfterMs(retryAfter),
      ...(settings.retryAfterCapMs === undefined
        ? {}
        : { retryAfterCapMs: settings.retryAfterCapMs }),
    });
    log().debug({ request: label, attempt, delayMs }, 'Runway API retry scheduled');
    if (!(await sleep(delayMs, signal))) return { outcome: { type: 'aborted' }, attempts: attempt };
  }
}
