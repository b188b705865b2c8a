// The emulator's own control routes (not Runway's): make a session's hosted character call or emit a
// tool over HTTP, for the CLI and for tests in another process. Under CONTROL_PREFIX, API key only.
import type { ToolCallRequestOptions } from './driver.js';
import { errorResponse, jsonResponse, noContent } from './responses.js';
import { sameSecret } from './tokens.js';
import {
  NoRunningCharacter,
  type ToolArgs,
  type ToolCallOutcome,
  ToolCallRefused,
} from './tools.js';

/** Path prefix of the control routes; Runway has no such path. @public */
export const CONTROL_PREFIX = '/_emulator';

/** What the control routes act on (the Emulator's methods). */
export interface ControlHooks {
  apiKey: string;
  callTool(
    sessionId: string,
    name: string,
    args: ToolArgs,
    opts?: ToolCallRequestOptions,
  ): Promise<ToolCallOutcome>;
  emitClientEvent(
    sessionId: string,
    name: string,
    args: ToolArgs,
    opts?: ToolCallRequestOptions,
  ): Promise<void>;
}

/** Body of both control routes. */
interface ToolRequest {
  tool: string;
  args: ToolArgs;
  unchecked: boolean;
}

function parseToolRequest(text: string): ToolRequest | string {
  let raw: unknown;
  try {
    raw = text.trim() === '' ? undefined : JSON.parse(text);
  } catch {
    return 'body must be JSON';
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return 'body must be a JSON object {"tool": string, "args"?: object, "unchecked"?: boolean}';
  }
  const { tool, args = {}, unchecked = false } = raw as Record<string, unknown>;
  if (typeof tool !== 'string' || tool === '') return '"tool" must be a non-empty string';
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    return '"args" must be an object';
  }
  if (typeof unchecked !== 'boolean') return '"unchecked" must be a boolean';
  return { tool, args: args as ToolArgs, unchecked };
}

function failure(err: unknown): Response {
  if (err instanceof NoRunningCharacter) {
    const status = err.reason === 'unknown_session' ? 404 : 409;
    return errorResponse(status, err.message);
  }
  if (err instanceof ToolCallRefused) {
    return errorResponse(422, err.message, { reason: err.reason, tool: err.tool });
  }
  return errorResponse(500, 'Internal server error');
}

/**
 * Answers a control request, or returns undefined when the path is not under {@link CONTROL_PREFIX}:
 * - `POST /_emulator/realtime_sessions/{id}/tool_calls` `{"tool", "args"?, "unchecked"?}` → 200
 *   with the `ToolCallOutcome` (the handler's result, error or timeout);
 * - `POST /_emulator/realtime_sessions/{id}/client_events` (same body) → 204 once sent.
 * 401 without the API key; 400 bad body; 404 unknown session; 409 no running hosted character;
 * 422 refused (tool not declared, wrong type, args not fitting: `reason` says which).
 */
export async function handleControl(
  hooks: ControlHooks,
  request: Request,
): Promise<Response | undefined> {
  const { pathname } = new URL(request.url);
  if (pathname !== CONTROL_PREFIX && !pathname.startsWith(`${CONTROL_PREFIX}/`)) return undefined;
  const key = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '')?.[1];
  if (!key || !sameSecret(key, hooks.apiKey)) return errorResponse(401, 'Invalid API key');
  const m = /^\/_emulator\/realtime_sessions\/([^/]+)\/(tool_calls|client_events)$/.exec(pathname);
  if (!m) return errorResponse(404, 'Not found');
  if (request.method.toUpperCase() !== 'POST') {
    return errorResponse(405, 'Method not allowed', {}, { allow: 'POST' });
  }
  const body = parseToolRequest(await request.text());
  if (typeof body === 'string') return errorResponse(400, body);
  let id = m[1] as string;
  try {
    id = decodeURIComponent(id);
  } catch {
    // kept as sent: it then names no session
  }
  const opts = { unchecked: body.unchecked };
  try {
    if (m[2] === 'tool_calls') {
      return jsonResponse(200, await hooks.callTool(id, body.tool, body.args, opts));
    }
    await hooks.emitClientEvent(id, body.tool, body.args, opts);
    return noContent();
  } catch (err) {
    return failure(err);
  }
}
