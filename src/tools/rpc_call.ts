// How one backend RPC call from Runway's character is read and answered: who may call, what the arguments
// are, how a result is encoded and which safe message an error gives. Pure.

/** The identity prefix of Runway's worker (reference §6): only it may call a backend tool. */
export const RUNWAY_WORKER_PREFIX = 'worker:';

/**
 * Most bytes of a JSON result sent back to the character. LiveKit RPC refuses a response payload over
 * 15 KiB; a result refused here gets a clear error instead of a transport failure.
 */
export const MAX_RESULT_BYTES = 15 * 1024;

/** The messages the character may see. Never a handler's own error text: it may hold secrets or PII. */
export const RPC_ERROR_MESSAGES = {
  forbidden: 'caller not allowed',
  badArguments: 'the arguments are not a JSON object',
  failed: 'the tool failed',
  timedOut: 'the tool timed out',
  tooLarge: 'the tool result is too large',
  notSerializable: 'the tool result is not JSON',
  closed: 'the session is ending',
} as const;

/** Why a call was not answered with a result. */
export type RpcFailure = keyof typeof RPC_ERROR_MESSAGES;

/** True when `identity` is Runway's worker (`worker:<sessionId>`). */
export function isRunwayWorker(identity: string): boolean {
  return identity.startsWith(RUNWAY_WORKER_PREFIX);
}

/**
 * The arguments of a call: the payload's `args` when it has them, else the payload itself (Runway's own
 * handler reads `parsed.args ?? parsed`). An empty payload is no arguments. `undefined` when the payload
 * is not JSON or the arguments are not an object.
 */
export function parseRpcArgs(payload: string): Record<string, unknown> | undefined {
  if (payload.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return undefined;
  }
  const args =
    isPlainObject(parsed) && parsed.args !== undefined && parsed.args !== null
      ? parsed.args
      : parsed;
  return isPlainObject(args) ? args : undefined;
}

/** The JSON sent back for a handler's result (`undefined` is `null`), or why it cannot be sent. */
export function encodeRpcResult(
  result: unknown,
): { ok: true; payload: string } | { ok: false; failure: RpcFailure } {
  let payload: string | undefined;
  try {
    payload = JSON.stringify(result === undefined ? null : result);
  } catch {
    return { ok: false, failure: 'notSerializable' };
  }
  // A function or a symbol at the top level stringifies to undefined.
  if (payload === undefined) return { ok: false, failure: 'notSerializable' };
  if (Buffer.byteLength(payload, 'utf8') > MAX_RESULT_BYTES)
    return { ok: false, failure: 'tooLarge' };
  return { ok: true, payload };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
