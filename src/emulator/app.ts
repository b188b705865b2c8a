// The emulator as a pure fetch handler: routing, faults, auth, version header, request log.
import { setTimeout as sleep } from 'node:timers/promises';
import { type ControlHooks, handleControl } from './control.js';
import { defaultFaultBody, type FaultBook, type FaultSpec, faultLabel } from './faults.js';
import { redactBody, redactHeaders } from './redact.js';
import { ERROR_TEXT, errorResponse, jsonResponse } from './responses.js';
import {
  cancelSession,
  connectBackend,
  consumeSession,
  createSession,
  type RouteContext,
  type RouteResult,
  retrieveSession,
} from './routes.js';
import type { RequestLog } from './store.js';
import { sameSecret } from './tokens.js';
import type { RecordedRequest, RouteName } from './types.js';

/** The only `X-Runway-Version` Runway accepts. @public */
export const RUNWAY_API_VERSION = '2024-11-06';

/** Thrown by the app when the socket must be destroyed (reset) or abandoned (hang, slow body). */
export class SocketFault extends Error {
  constructor(readonly reason: 'reset' | 'aborted') {
    super(`emulated socket fault: ${reason}`);
    this.name = 'SocketFault';
  }
}

/** Everything the app needs: the handlers' context plus faults, log and the close signal. */
export interface AppCore extends RouteContext {
  faults: FaultBook;
  requests: RequestLog;
  closed: AbortSignal;
  onRequest: (entry: RecordedRequest) => void;
  /** The emulator's own control routes (not Runway's: never faulted, not in the request log). */
  control: ControlHooks;
}

/** `fault`: undefined = take one from the book; null = none (the node glue already took it). */
export interface AppFetchInit {
  fault?: FaultSpec | null;
}

/** The app: a fetch-like handler. Socket faults reject with {@link SocketFault}. */
export type AppFetch = (request: Request, init?: AppFetchInit) => Promise<Response>;

/** Result of {@link matchRoute}. */
export type RouteMatch =
  | { kind: 'route'; route: RouteName; id?: string }
  | { kind: 'method'; allow: string }
  | { kind: 'none' };

const decode = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/** Maps method + path to an endpoint (405 for a known path with another method, else 404). */
export function matchRoute(method: string, pathname: string): RouteMatch {
  const pick = (table: Record<string, RouteName>, id?: string): RouteMatch => {
    const route = table[method.toUpperCase()];
    if (!route) return { kind: 'method', allow: Object.keys(table).join(', ') };
    return id === undefined ? { kind: 'route', route } : { kind: 'route', route, id };
  };
  if (pathname === '/v1/realtime_sessions') return pick({ POST: 'create' });
  const consume = /^\/v1\/realtime_sessions\/([^/]+)\/consume$/.exec(pathname);
  if (consume) return pick({ POST: 'consume' }, decode(consume[1] as string));
  const backend = /^\/v1\/realtime_sessions\/([^/]+)\/connect_backend$/.exec(pathname);
  if (backend) return pick({ POST: 'connect_backend' }, decode(backend[1] as string));
  const one = /^\/v1\/realtime_sessions\/([^/]+)$/.exec(pathname);
  if (one) return pick({ GET: 'retrieve', DELETE: 'cancel' }, decode(one[1] as string));
  return { kind: 'none' };
}

function statusFault(spec: Extract<FaultSpec, { kind: 'status' }>): Response {
  const headers: Record<string, string> = { ...spec.headers };
  if (spec.retryAfterS !== undefined) headers['retry-after'] = String(spec.retryAfterS);
  if (spec.status === 204 || spec.status === 304)
    return new Response(null, { status: spec.status, headers });
  return jsonResponse(spec.status, spec.body ?? defaultFaultBody(spec.status), headers);
}

/** Re-emits a response's body `chunkBytes` at a time, `chunkDelayMs` apart, with Content-Length. */
async function slowBody(
  res: Response,
  spec: Extract<FaultSpec, { kind: 'slow-body' }>,
  signal: AbortSignal,
): Promise<Response> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  const step = Math.max(1, spec.chunkBytes ?? 1);
  const delayMs = spec.chunkDelayMs ?? 50;
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (offset >= bytes.length) return controller.close();
      if (offset > 0) await sleep(delayMs, undefined, { signal }).catch(() => {});
      if (signal.aborted) return controller.error(new SocketFault('aborted'));
      controller.enqueue(bytes.subarray(offset, offset + step));
      offset += step;
    },
  });
  const headers = new Headers(res.headers);
  headers.set('content-length', String(bytes.length));
  return new Response(body, { status: res.status, headers });
}

function checkApiKey(core: AppCore, headers: Headers): Response | undefined {
  const authz = headers.get('authorization');
  if (!authz) return errorResponse(401, ERROR_TEXT.missingAuth);
  const key = /^Bearer\s+(\S+)\s*$/i.exec(authz)?.[1];
  if (!key || !sameSecret(key, core.config.apiKey))
    return errorResponse(401, ERROR_TEXT.invalidKey);
  if (headers.get('x-runway-version') !== RUNWAY_API_VERSION) {
    return errorResponse(400, ERROR_TEXT.invalidVersion);
  }
  return undefined;
}

async function dispatch(
  core: AppCore,
  route: RouteName,
  id: string,
  request: Request,
  body: { value: unknown; invalid: boolean },
): Promise<RouteResult> {
  if (route === 'consume') return consumeSession(core, id, request.headers);
  const denied = checkApiKey(core, request.headers);
  if (denied) return { response: denied };
  if (route === 'create') {
    if (body.invalid) return { response: errorResponse(400, ERROR_TEXT.invalidJson) };
    return createSession(core, body.value);
  }
  // No body is documented; one sent anyway is ignored (as an unknown field would be).
  if (route === 'connect_backend') return connectBackend(core, id);
  return route === 'retrieve' ? retrieveSession(core, id) : cancelSession(core, id);
}

async function readBody(request: Request, entry: RecordedRequest) {
  const text = request.body === null ? '' : await request.text();
  if (text.trim() === '') return { value: undefined, invalid: false };
  try {
    const value: unknown = JSON.parse(text);
    entry.body = redactBody(value);
    return { value, invalid: false };
  } catch {
    return { value: undefined, invalid: true };
  }
}

/** Builds the app over an emulator core. */
export function createApp(core: AppCore): AppFetch {
  return async (request, init = {}) => {
    const control = await handleControl(core.control, request).catch(() =>
      errorResponse(500, 'Internal server error'),
    );
    if (control) return control;
    const startedMs = Date.now();
    const url = new URL(request.url);
    const match = matchRoute(request.method, url.pathname);
    const entry = core.requests.push({
      at: new Date(startedMs).toISOString(),
      atMs: startedMs,
      method: request.method,
      path: url.pathname,
      route: match.kind === 'route' ? match.route : null,
      ...(match.kind === 'route' && match.id !== undefined ? { sessionId: match.id } : {}),
      headers: redactHeaders(request.headers),
      status: null,
    });
    const done = (status: number | null): void => {
      entry.status = status;
      entry.durationMs = Date.now() - startedMs;
      core.onRequest(entry);
    };
    if (match.kind === 'none') {
      done(404);
      return errorResponse(404, ERROR_TEXT.routeNotFound);
    }
    if (match.kind === 'method') {
      done(405);
      return errorResponse(405, ERROR_TEXT.methodNotAllowed, {}, { allow: match.allow });
    }
    const fault =
      init.fault === undefined ? core.faults.take(match.route) : (init.fault ?? undefined);
    if (fault) entry.fault = faultLabel(fault);
    const signal = AbortSignal.any([core.closed, request.signal]);
    try {
      if (fault?.delayMs) await sleep(fault.delayMs, undefined, { signal });
      const resetWhen = fault?.kind === 'reset' ? (fault.when ?? 'before-body') : undefined;
      if (resetWhen === 'before-body') throw new SocketFault('reset');
      const body = await readBody(request, entry);
      if (resetWhen === 'after-body') throw new SocketFault('reset');
      if (fault?.kind === 'status') {
        const response = statusFault(fault);
        done(response.status);
        return response;
      }
      if (fault?.kind === 'hang') {
        if (!signal.aborted) {
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        }
        throw new SocketFault('aborted');
      }
      const result = await dispatch(core, match.route, match.id ?? '', request, body);
      if (result.sessionId !== undefined) entry.sessionId = result.sessionId;
      if (resetWhen === 'after-processing') throw new SocketFault('reset');
      const response =
        fault?.kind === 'slow-body'
          ? await slowBody(result.response, fault, signal)
          : result.response;
      done(response.status);
      return response;
    } catch (err) {
      if (err instanceof SocketFault) {
        done(null);
        throw err;
      }
      if (signal.aborted) {
        done(null);
        throw new SocketFault('aborted');
      }
      done(500);
      return errorResponse(500, 'Internal server error');
    }
  };
}
