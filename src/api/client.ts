// RunwayClient: Runway's realtime-sessions HTTP API (create / retrieve / cancel / consume) over one request().
import { type APIConnectOptions, DEFAULT_API_CONNECT_OPTIONS } from '@livekit/agents';
import type { z } from 'zod';
import { RunwayAPIError, RunwayOptionError } from '../errors.js';
import { USER_AGENT } from '../version.js';
import { type OutgoingRequest, sendWithRetries } from './dispatcher.js';
import { settle } from './outcome.js';
import type { RouteKind } from './retry_policy.js';
import {
  consumeResultSchema,
  createSessionResponseSchema,
  realtimeSessionSchema,
  UUID_V4,
} from './schemas.js';
import type { ConsumeResult, CreateSessionBody, RealtimeSession, RequestOptions } from './types.js';

/** The `X-Runway-Version` this client speaks. */
export const RUNWAY_API_VERSION = '2024-11-06';

/** Options of {@link RunwayClient}. @public */
export interface RunwayClientOptions {
  /** Runway API key (`RUNWAYML_API_SECRET`). Never logged nor put in an error. */
  apiKey: string;
  /** API base URL, e.g. `https://api.dev.runwayml.com`; a path prefix is kept. `http://` only to loopback. */
  baseUrl: string;
  /**
   * Retries and timeout. `maxRetry` = retries after the first attempt (attempts = maxRetry + 1);
   * `retryIntervalMs` = backoff scale (see retry_policy.ts); `timeoutMs` = total of EACH attempt
   * (connect + response + body). Defaults: `DEFAULT_API_CONNECT_OPTIONS` (3, 2000, 10000).
   */
  connOptions?: Partial<APIConnectOptions>;
  /** Cap on a server `Retry-After`, in ms (default 30 000). */
  retryAfterCapMs?: number;
}

interface Route {
  kind: RouteKind;
  method: 'GET' | 'POST' | 'DELETE';
  /** Path below the base URL, starting with `/v1/`. */
  path: string;
  /** Bearer token: the API key, or the sessionKey for consume. */
  token: string;
  body?: unknown;
}

const LOOPBACK_NAMES = new Set(['localhost', '[::1]']);

function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_NAMES.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

function parseBaseUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RunwayOptionError('apiUrl', 'apiUrl must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new RunwayOptionError('apiUrl', `apiUrl must use https:// (got ${url.protocol}//)`);
  if (url.username || url.password)
    throw new RunwayOptionError('apiUrl', 'apiUrl must not carry credentials; pass apiKey instead');
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname))
    throw new RunwayOptionError(
      'apiUrl',
      `apiUrl http://${url.host} would send the API key in clear text: use https://, or http:// only to a loopback host (127.0.0.0/8, ::1, localhost)`,
    );
  return url;
}

function checkConnOptions(options: APIConnectOptions): APIConnectOptions {
  const { maxRetry, retryIntervalMs, timeoutMs } = options;
  if (!Number.isInteger(maxRetry) || maxRetry < 0)
    throw new RunwayOptionError(
      'connOptions.maxRetry',
      `connOptions.maxRetry must be an integer >= 0 (got ${maxRetry})`,
    );
  if (!Number.isFinite(retryIntervalMs) || retryIntervalMs < 0)
    throw new RunwayOptionError(
      'connOptions.retryIntervalMs',
      `connOptions.retryIntervalMs must be a number >= 0 (got ${retryIntervalMs})`,
    );
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new RunwayOptionError(
      'connOptions.timeoutMs',
      `connOptions.timeoutMs must be a number > 0 (got ${timeoutMs})`,
    );
  return { maxRetry, retryIntervalMs, timeoutMs };
}

function checkToken(option: 'apiKey' | 'sessionKey', token: string): void {
  // Never echo the value: only say what is wrong with it.
  if (typeof token !== 'string' || token.length === 0 || /[^!-~]/.test(token))
    throw new RunwayOptionError(
      option,
      `${option} must be a non-empty string of printable ASCII without spaces`,
    );
}

function sessionPath(id: string, suffix = ''): string {
  if (typeof id !== 'string' || !UUID_V4.test(id))
    // The value is not echoed: a sessionKey passed in the wrong argument must not end up in a message.
    throw new RunwayOptionError(
      'sessionId',
      `sessionId must be a UUID v4 (got ${typeof id === 'string' ? `a string of ${id.length} characters` : typeof id})`,
    );
  return `/v1/realtime_sessions/${encodeURIComponent(id)}${suffix}`;
}

/**
 * Client of Runway's realtime-sessions API. One keep-alive connection pool per origin is shared by every
 * client in the process. Each method validates its input before any network call.
 *
 * Retries (see retry_policy.ts): up to `connOptions.maxRetry` retries after the first attempt, so at most
 * `maxRetry + 1` attempts; each attempt has its own total timeout `connOptions.timeoutMs` (connect +
 * response + body). Between attempts: ~200 ms first, then exponential from `retryIntervalMs / 4` capped at
 * `2 * retryIntervalMs`, plus 0–50 % jitter; a server `Retry-After` overrides it (capped at 30 s).
 * `createSession` and `consumeSession` are retried only when Runway cannot have acted (no connection,
 * 429, 503). `opts.signal` cancels the request and any pending retry wait at once (an `AbortError`),
 * except a create already sent: that one is awaited (bounded by `timeoutMs`) and its session returned,
 * so the caller can end it — aborting it would leave a billed session nobody knows of.
 * @public
 */
export class RunwayClient {
  /** Normalised base URL: origin plus path prefix, no trailing slash. */
  readonly baseUrl: string;
  /** Origin of the base URL (scheme, host, port). */
  readonly origin: string;
  readonly #apiKey: string;
  readonly #prefix: string;
  readonly #conn: APIConnectOptions;
  readonly #retryAfterCapMs: number | undefined;

  constructor(options: RunwayClientOptions) {
    checkToken('apiKey', options.apiKey);
    const url = parseBaseUrl(options.baseUrl);
    this.origin = url.origin;
    this.#prefix = url.pathname.replace(/\/+$/, '');
    this.baseUrl = `${this.origin}${this.#prefix}`;
    this.#apiKey = options.apiKey;
    this.#conn = checkConnOptions({ ...DEFAULT_API_CONNECT_OPTIONS, ...options.connOptions });
    const cap = options.retryAfterCapMs;
    if (cap !== undefined && !(Number.isFinite(cap) && cap >= 0))
      throw new RunwayOptionError(
        'retryAfterCapMs',
        `retryAfterCapMs must be a number >= 0 (got ${cap})`,
      );
    this.#retryAfterCapMs = cap;
  }

  /** `POST /v1/realtime_sessions`: creates (and starts billing) a session. Retried only per the create rule. */
  async createSession(body: CreateSessionBody, opts?: RequestOptions): Promise<{ id: string }> {
    const route: Route = {
      kind: 'create',
      method: 'POST',
      path: '/v1/realtime_sessions',
      token: this.#apiKey,
      body,
    };
    return this.#request(route, createSessionResponseSchema, opts);
  }

  /** `GET /v1/realtime_sessions/{id}`: the session's current status (READY carries the `sessionKey`). */
  async retrieveSession(id: string, opts?: RequestOptions): Promise<RealtimeSession> {
    const route: Route = {
      kind: 'retrieve',
      method: 'GET',
      path: sessionPath(id),
      token: this.#apiKey,
    };
    return this.#request(route, realtimeSessionSchema, opts);
  }

  /** `DELETE /v1/realtime_sessions/{id}`: `'cancelled'` on 2xx, `'gone'` on 404 (already ended); else throws. */
  async cancelSession(id: string, opts?: RequestOptions): Promise<'cancelled' | 'gone'> {
    const route: Route = {
      kind: 'cancel',
      method: 'DELETE',
      path: sessionPath(id),
      token: this.#apiKey,
    };
    try {
      await this.#request(route, null, opts);
      return 'cancelled';
    } catch (err) {
      if (RunwayAPIError.is(err) && err.statusCode === 404) return 'gone';
      throw err;
    }
  }

  /** `POST /v1/realtime_sessions/{id}/consume` with the READY `sessionKey` (not the API key). One-shot. */
  async consumeSession(
    id: string,
    sessionKey: string,
    opts?: RequestOptions,
  ): Promise<ConsumeResult> {
    checkToken('sessionKey', sessionKey);
    const route: Route = {
      kind: 'consume',
      method: 'POST',
      path: sessionPath(id, '/consume'),
      token: sessionKey,
      body: {},
    };
    return this.#request(route, consumeResultSchema, opts);
  }

  async #request<T>(route: Route, schema: z.ZodType<T> | null, opts?: RequestOptions): Promise<T> {
    const label = `${route.method} ${route.path}`;
    const headers: Record<string, string> = {
      authorization: `Bearer ${route.token}`,
      'x-runway-version': RUNWAY_API_VERSION,
      accept: 'application/json',
      'user-agent': USER_AGENT,
    };
    const req: OutgoingRequest = {
      origin: this.origin,
      method: route.method,
      path: `${this.#prefix}${route.path}`,
      headers,
    };
    if (route.body !== undefined) {
      headers['content-type'] = 'application/json';
      req.body = JSON.stringify(route.body);
    }
    const settings = {
      ...this.#conn,
      ...(this.#retryAfterCapMs === undefined ? {} : { retryAfterCapMs: this.#retryAfterCapMs }),
    };
    // A create already sent is awaited even after an abort: its answer names a billed session.
    const abortInFlight = route.kind !== 'create';
    const result = await sendWithRetries(
      route.kind,
      label,
      req,
      settings,
      opts?.signal,
      abortInFlight,
    );
    const context = {
      kind: route.kind,
      label,
      origin: this.origin,
      timeoutMs: this.#conn.timeoutMs,
    };
    return settle(context, result, schema);
  }
}
