// RunwayClient: Runway's realtime-sessions HTTP API (create / retrieve / cancel / consume / connect_backend)
// over one request().
import type { APIConnectOptions } from '@livekit/agents';
import { z } from 'zod';
import { RunwayAPIError, RunwayOptionError } from '../errors.js';
import { USER_AGENT } from '../version.js';
import { parseClientOptions, tokenSchema } from './client_options.js';
import { type OutgoingRequest, sendWithRetries } from './dispatcher.js';
import { isUuid } from './ids.js';
import { formatOptionIssues } from './option_errors.js';
import { settle } from './outcome.js';
import { rememberSecret } from './redact.js';
import type { RouteKind } from './retry_policy.js';
import {
  consumeResultSchema,
  createSessionResponseSchema,
  realtimeSessionSchema,
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

function checkToken(option: 'apiKey' | 'sessionKey', token: string): void {
  // Never echo the value: only say what is wrong with it.
  const input = { [option]: token };
  const parsed = z.object({ [option]: tokenSchema() }).safeParse(input);
  if (!parsed.success)
    throw formatOptionIssues(parsed.error, input, {
      secrets: new Set([option]),
      knownKeys: () => [],
    });
}

function sessionPath(id: string, suffix = ''): string {
  // Any UUID: Runway documents v4 today, but a session it created under another version must still be
  // retrievable and cancellable, or it would leak (and bill) until its cap.
  if (!isUuid(id)) {
    const value: unknown = id;
    // The value is not echoed: a sessionKey passed in the wrong argument must not end up in a message.
    throw new RunwayOptionError(
      'sessionId',
      `Invalid sessionId: received ${typeof value === 'string' ? `a string of ${value.length} characters` : typeof value}; expected a UUID such as "8f0c2b7e-3c1a-4d5e-9f00-1234567890ab".`,
    );
  }
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
    // The same validator as AvatarSession's options: both accept and refuse the same values.
    const settings = parseClientOptions(options);
    const url = settings.baseUrl;
    this.origin = url.origin;
    this.#prefix = url.pathname.replace(/\/+$/, '');
    this.baseUrl = `${this.origin}${this.#prefix}`;
    this.#apiKey = settings.apiKey;
    rememberSecret(settings.apiKey);
    this.#conn = settings.connOptions;
    this.#retryAfterCapMs = settings.retryAfterCapMs;
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
    rememberSecret(sessionKey);
    return this.#request(route, consumeResultSchema, opts);
  }

  /**
   * `POST /v1/realtime_sessions/{id}/connect_backend` (API key, no body): credentials for the hidden
   * participant that answers the session's `backend_rpc` tools in Runway's room.
   */
  async connectBackend(id: string, opts?: RequestOptions): Promise<ConsumeResult> {
    const route: Route = {
      kind: 'connect_backend',
      method: 'POST',
      path: sessionPath(id, '/connect_backend'),
      token: this.#apiKey,
      // Runway's own RPC helper sends Content-Type: application/json and no body; an empty object keeps
      // that header (the consume route is known to refuse a POST without it) and carries nothing.
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
      rememberBodySecrets(route.body);
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
    const value = settle(context, result, schema);
    rememberBodySecrets(value);
    return value;
  }
}

/** Registers the credentials a request or response body carries (LiveKit tokens, a sessionKey). */
function rememberBodySecrets(body: unknown): void {
  if (typeof body !== 'object' || body === null) return;
  const b = body as Record<string, unknown>;
  rememberSecret(b.sessionKey);
  rememberSecret(b.token);
  for (const nested of [b.integration, b.livekit])
    if (typeof nested === 'object' && nested !== null)
      rememberSecret((nested as Record<string, unknown>).token);
}
