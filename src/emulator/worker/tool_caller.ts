// The character's side of Runway tools: a backend_rpc call over real LiveKit RPC, a client_event on
// the data channel. Checks (declared, type, args) are made first, by the pure tools.ts.
import { type LocalParticipant, RpcError } from '@livekit/rtc-node';
import type { ToolCallRequestOptions } from '../driver.js';
import {
  clientEventMessage,
  type EmulatedTool,
  resolveToolCall,
  rpcPayload,
  type ToolArgs,
  type ToolCallOutcome,
} from '../tools.js';

/** LiveKit's codes for "no answer in time": not acknowledged (1501) or not answered (1502). */
const TIMEOUT_CODES: ReadonlySet<number> = new Set([
  RpcError.ErrorCode.CONNECTION_TIMEOUT,
  RpcError.ErrorCode.RESPONSE_TIMEOUT,
]);

/** Options of a call the emulated character makes. */
export type ToolCallOptions = ToolCallRequestOptions;

/** Where the calls come from and go to. */
export interface ToolCallContext {
  participant: LocalParticipant;
  tools: readonly EmulatedTool[];
  /** The hidden backend handler's identity (`backend:<sessionId>`): RPC is routed by identity. */
  backendIdentity: string;
}

/**
 * Calls the declared `backend_rpc` tool `name` over LiveKit RPC: method = the tool's name, payload
 * `{"args": …}`, response timeout `timeoutSeconds × 1000`. Resolves with the outcome (a handler's
 * error, LiveKit's error or a timeout are outcomes); throws `ToolCallRefused` before any RPC.
 */
export async function callBackendTool(
  ctx: ToolCallContext,
  name: string,
  args: ToolArgs,
  opts: ToolCallOptions = {},
): Promise<ToolCallOutcome> {
  const tool = resolveToolCall(ctx.tools, name, 'backend_rpc', args, opts.unchecked);
  const timeoutMs = Math.round((tool.timeoutSeconds ?? 4) * 1000);
  const base = {
    tool: name,
    args,
    callerIdentity: ctx.participant.identity,
    destinationIdentity: ctx.backendIdentity,
    timeoutMs,
  };
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const payload = await ctx.participant.performRpc({
      destinationIdentity: ctx.backendIdentity,
      method: name,
      payload: rpcPayload(args),
      responseTimeout: timeoutMs,
    });
    let result: unknown = payload;
    let json = false;
    try {
      result = JSON.parse(payload);
      json = true;
    } catch {
      // Not JSON: the outcome carries the raw string.
    }
    return { ...base, elapsedMs: elapsed(), kind: 'result', payload, result, json };
  } catch (err) {
    if (err instanceof RpcError) {
      // rtc-node types `code` loosely (the code table or a number); on the wire it is a number.
      const code = Number(err.code);
      const kind = TIMEOUT_CODES.has(code) ? 'timeout' : 'error';
      return { ...base, elapsedMs: elapsed(), kind, code, message: err.message };
    }
    // The character left the room while waiting (rtc-node aborts the wait on disconnect).
    const message = err instanceof Error ? err.message : String(err);
    return { ...base, elapsedMs: elapsed(), kind: 'error', code: 0, message };
  }
}

/**
 * Emits the declared `client_event` tool `name`: `{"type":"client_event","tool":…,"args":…}` as a
 * reliable data message to the whole room, as transcriptions are sent. Throws `ToolCallRefused`.
 */
export async function emitClientEvent(
  ctx: ToolCallContext,
  name: string,
  args: ToolArgs,
  opts: ToolCallOptions = {},
): Promise<void> {
  resolveToolCall(ctx.tools, name, 'client_event', args, opts.unchecked);
  const data = new TextEncoder().encode(clientEventMessage(name, args));
  await ctx.participant.publishData(data, { reliable: true });
}
