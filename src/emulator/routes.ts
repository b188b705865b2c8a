// The endpoint handlers (create, retrieve, cancel, consume, connect_backend), after routing, auth and faults.
import type { ResolvedConfig } from './config.js';
import type { Lifecycle } from './lifecycle.js';
import { ERROR_TEXT, errorResponse, jsonResponse, noContent } from './responses.js';
import { isTerminal, publicView, type SessionStore } from './store.js';
import { sameSecret, type TokenMint } from './tokens.js';
import type { SessionVia } from './types.js';
import { type CreateBody, validateCreateBody, validateSessionId } from './validation.js';

/** What the handlers work on. */
export interface RouteContext {
  config: ResolvedConfig;
  store: SessionStore;
  lifecycle: Lifecycle;
  tokens: TokenMint;
}

/** A handler's answer; `sessionId` names the session it created or addressed. */
export interface RouteResult {
  response: Response;
  sessionId?: string;
}

const notFound = (): Response => errorResponse(404, ERROR_TEXT.sessionNotFound);

function viaOf(body: CreateBody): SessionVia {
  if (body.integration) return body.integration.type === 'livekit' ? 'integration' : 'elevenlabs';
  return body.livekit ? 'livekit' : 'hosted';
}

/** `POST /v1/realtime_sessions` → 200 `{id}` (Runway answers 200, not 201). */
export function createSession(ctx: RouteContext, raw: unknown): RouteResult {
  const { mode, allowInsecureLiveKitUrls, refusalWording } = ctx.config;
  const result = validateCreateBody(raw, mode, allowInsecureLiveKitUrls, refusalWording);
  if (!result.ok) return { response: result.response };
  const session = ctx.lifecycle.create(result.body, viaOf(result.body));
  return { response: jsonResponse(200, { id: session.id }), sessionId: session.id };
}

/** `GET /v1/realtime_sessions/{id}` → 200 with exactly the status's fields. */
export function retrieveSession(ctx: RouteContext, id: string): RouteResult {
  const invalid = validateSessionId(id);
  if (invalid) return { response: invalid };
  const s = ctx.store.get(id);
  if (!s) return { response: notFound() };
  return { response: jsonResponse(200, publicView(s)), sessionId: id };
}

/** `DELETE /v1/realtime_sessions/{id}` → 204 and CANCELLED; terminal: `deleteTerminalStatus`. */
export function cancelSession(ctx: RouteContext, id: string): RouteResult {
  const invalid = validateSessionId(id);
  if (invalid) return { response: invalid };
  const s = ctx.store.get(id);
  if (!s) return { response: notFound() };
  if (isTerminal(s.status)) {
    const response = ctx.config.deleteTerminalStatus === 204 ? noContent() : notFound();
    return { response, sessionId: id };
  }
  ctx.lifecycle.cancel(s);
  return { response: noContent(), sessionId: id };
}

/**
 * `POST /v1/realtime_sessions/{id}/consume` with `Authorization: Bearer <sessionKey>`.
 * Any other credential (the API key included), a session without a key yet (NOT_READY) and a
 * bring-your-own-room session answer 404; a second consume `secondConsumeStatus`; a key of a
 * session that has since ended or expired 410. `X-Runway-Version` is not required.
 */
export async function consumeSession(
  ctx: RouteContext,
  id: string,
  headers: Headers,
): Promise<RouteResult> {
  const cfg = ctx.config;
  if (cfg.consumeRequiresContentType) {
    const type = headers.get('content-type') ?? '';
    if (!/^application\/json\b/i.test(type)) {
      return { response: errorResponse(400, ERROR_TEXT.incorrectContentType) };
    }
  }
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.get('authorization') ?? '')?.[1];
  if (!bearer) return { response: errorResponse(401, ERROR_TEXT.missingAuth) };
  const invalid = validateSessionId(id);
  if (invalid) return { response: invalid };
  const s = ctx.store.get(id);
  const byo = s?.via === 'integration' || s?.via === 'livekit';
  if (!s || byo || !s.sessionKey || !sameSecret(bearer, s.sessionKey)) {
    return { response: notFound() };
  }
  if (s.consumedAtMs !== undefined) {
    const response = errorResponse(cfg.secondConsumeStatus, ERROR_TEXT.alreadyConsumed);
    return { response, sessionId: id };
  }
  if (s.status !== 'READY') {
    return { response: errorResponse(410, ERROR_TEXT.noLongerAvailable), sessionId: id };
  }
  ctx.lifecycle.consume(s);
  const ttlS = Math.ceil((cfg.joinWindowMs + s.effectiveCapMs) / 1000) + 60;
  const credentials = await ctx.tokens.consumerCredentials(id, cfg.livekit, ttlS);
  return { response: jsonResponse(200, credentials), sessionId: id };
}

/**
 * `POST /v1/realtime_sessions/{id}/connect_backend` (API key, checked before): 200
 * `{url, token, roomName}` for the hidden backend handler `backend:<id>` in the session's hosted
 * room, at any status before the end (each call answers valid credentials for the same identity;
 * LiveKit lets the newest connection with an identity replace an older one). The emulator's choices: an ended session
 * answers 410, a bring-your-own-room session 400 (its character is in the customer's room, which
 * Runway cannot hand out).
 */
export async function connectBackend(ctx: RouteContext, id: string): Promise<RouteResult> {
  const invalid = validateSessionId(id);
  if (invalid) return { response: invalid };
  const s = ctx.store.get(id);
  if (!s) return { response: notFound() };
  if (s.via === 'integration' || s.via === 'livekit') {
    return { response: errorResponse(400, ERROR_TEXT.backendNeedsHostedRoom), sessionId: id };
  }
  if (isTerminal(s.status)) {
    return { response: errorResponse(410, ERROR_TEXT.noLongerAvailable), sessionId: id };
  }
  const cfg = ctx.config;
  const ttlS = Math.ceil((cfg.readyLifetimeMs + cfg.joinWindowMs + s.effectiveCapMs) / 1000) + 60;
  const credentials = await ctx.tokens.backendCredentials(id, cfg.livekit, ttlS);
  return { response: jsonResponse(200, credentials), sessionId: id };
}
