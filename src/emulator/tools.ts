// The session's declared tools as the emulated character knows them, the checks it makes before
// calling one, and the outcome of a call. Pure: no rooms (the RPC itself is in worker/tool_caller.ts).
// The emulator keeps its own types (it imports nothing from the plugin, whose public tool types say
// the same thing from the customer's side).

/** Runway's default `timeoutSeconds` of a `backend_rpc` tool (reference §8). @public */
export const DEFAULT_TOOL_TIMEOUT_SECONDS = 4;

/** One declared parameter, as the validated create body holds it. @public */
export interface EmulatedToolParameter {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';
  required: boolean;
  enum?: string[];
  items?: { type: 'string' | 'integer' | 'number' | 'boolean' };
}

/** One declared tool of a session (`timeoutSeconds` only for `backend_rpc`, default applied). @public */
export interface EmulatedTool {
  type: 'client_event' | 'backend_rpc';
  name: string;
  description: string;
  parameters: EmulatedToolParameter[];
  timeoutSeconds?: number;
}

/** Arguments the character passes to a tool (an object, as Runway's payload `{ args }` carries). @public */
export type ToolArgs = Record<string, unknown>;

/**
 * What became of a `backend_rpc` call made by the emulated character (the emulator's shape):
 * - `result`: the handler answered; `payload` is its string, `result` that string parsed as JSON
 *   (`json: false` and `result` = the raw string when it is not JSON);
 * - `error`: the call failed with a LiveKit RPC error: the handler's (1500 `APPLICATION_ERROR`, or
 *   the code it threw) or LiveKit's own (1401 recipient not found, 1503 disconnected, …);
 * - `timeout`: no answer within `timeoutMs` (LiveKit's 1502 `RESPONSE_TIMEOUT`, or 1501
 *   `CONNECTION_TIMEOUT` when the request was not even acknowledged).
 * @public
 */
export type ToolCallOutcome = {
  tool: string;
  args: ToolArgs;
  /** The session's caller identity, `worker:<sessionId>`. */
  callerIdentity: string;
  /** The identity called, `backend:<sessionId>`. */
  destinationIdentity: string;
  /** `timeoutSeconds × 1000`, passed to LiveKit as the response timeout. */
  timeoutMs: number;
  /** From the call to its outcome. */
  elapsedMs: number;
} & (
  | { kind: 'result'; payload: string; result: unknown; json: boolean }
  | { kind: 'error'; code: number; message: string }
  | { kind: 'timeout'; code: number; message: string }
);

/** Why the character refuses to call or emit a tool (the emulator's checks, made before any RPC). @public */
export type ToolRefusalReason = 'not_declared' | 'wrong_type' | 'invalid_args';

/** Thrown (rejected) by `callTool` / `emitClientEvent` when the character refuses the call. @public */
export class ToolCallRefused extends Error {
  constructor(
    readonly tool: string,
    readonly reason: ToolRefusalReason,
    detail: string,
  ) {
    super(`tool '${tool}' refused (${reason}): ${detail}`);
    this.name = 'ToolCallRefused';
  }
}

/**
 * Thrown (rejected) by `callTool` / `emitClientEvent` when there is no hosted character to ask:
 * `unknown_session` (no such id) or `not_running` (ended, not started yet, bring-your-own-room, or
 * an emulator without a worker).
 * @public
 */
export class NoRunningCharacter extends Error {
  constructor(
    readonly sessionId: string,
    detail: string,
    readonly reason: 'unknown_session' | 'not_running' = 'not_running',
  ) {
    super(`session ${sessionId}: ${detail}`);
    this.name = 'NoRunningCharacter';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The tools of a validated create body (`WorkerSessionBase.tools`), typed. Entries that do not look
 * like a validated tool are dropped (the body was validated before, so none should be).
 */
export function readTools(raw: readonly unknown[]): EmulatedTool[] {
  const out: EmulatedTool[] = [];
  for (const t of raw) {
    if (!isRecord(t) || typeof t.name !== 'string') continue;
    if (t.type !== 'client_event' && t.type !== 'backend_rpc') continue;
    const parameters = Array.isArray(t.parameters)
      ? (t.parameters.filter(
          (p) => isRecord(p) && typeof p.name === 'string' && typeof p.type === 'string',
        ) as unknown as EmulatedToolParameter[])
      : [];
    const tool: EmulatedTool = {
      type: t.type,
      name: t.name,
      description: typeof t.description === 'string' ? t.description : '',
      parameters: parameters.map((p) => ({ ...p, required: p.required !== false })),
    };
    if (t.type === 'backend_rpc') {
      tool.timeoutSeconds =
        typeof t.timeoutSeconds === 'number' ? t.timeoutSeconds : DEFAULT_TOOL_TIMEOUT_SECONDS;
    }
    out.push(tool);
  }
  return out;
}

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isRecord(value);
    default:
      return false;
  }
}

/**
 * Checks `args` against the tool's parameters: every required one present, each given one declared
 * and of its type (string enums, array item types). Returns the first problem, or undefined.
 */
export function checkToolArgs(tool: EmulatedTool, args: unknown): string | undefined {
  if (!isRecord(args))
    return `args must be an object, got ${Array.isArray(args) ? 'array' : typeof args}`;
  const byName = new Map(tool.parameters.map((p) => [p.name, p]));
  for (const p of tool.parameters) {
    if (p.required && args[p.name] === undefined) return `missing required parameter '${p.name}'`;
  }
  for (const [name, value] of Object.entries(args)) {
    const p = byName.get(name);
    if (!p)
      return `unknown parameter '${name}' (declared: ${[...byName.keys()].join(', ') || 'none'})`;
    if (value === undefined) continue;
    if (!typeMatches(p.type, value)) return `parameter '${name}' must be ${p.type}`;
    if (p.type === 'string' && p.enum && !p.enum.includes(value as string)) {
      return `parameter '${name}' must be one of ${p.enum.join(', ')}`;
    }
    const itemType = p.type === 'array' ? p.items?.type : undefined;
    if (itemType && !(value as unknown[]).every((v) => typeMatches(itemType, v))) {
      return `parameter '${name}' must hold ${itemType} items`;
    }
  }
  return undefined;
}

/**
 * Finds `name` among the declared tools and checks it is of `type` and (unless `unchecked`) that
 * `args` fit its parameters. Throws {@link ToolCallRefused}.
 */
export function resolveToolCall(
  tools: readonly EmulatedTool[],
  name: string,
  type: EmulatedTool['type'],
  args: unknown,
  unchecked = false,
): EmulatedTool {
  const tool = tools.find((t) => t.name === name);
  if (!tool) {
    const declared = tools.map((t) => t.name).join(', ') || 'none';
    throw new ToolCallRefused(name, 'not_declared', `not declared (declared: ${declared})`);
  }
  if (tool.type !== type) {
    throw new ToolCallRefused(name, 'wrong_type', `declared as ${tool.type}, not ${type}`);
  }
  if (!unchecked) {
    const problem = checkToolArgs(tool, args);
    if (problem) throw new ToolCallRefused(name, 'invalid_args', problem);
  }
  return tool;
}

/** The data message of a `client_event` tool, as Runway's character sends it (reference §8). */
export function clientEventMessage(tool: string, args: ToolArgs): string {
  return JSON.stringify({ type: 'client_event', tool, args });
}

/** The RPC payload the character sends to a `backend_rpc` handler: `{ "args": {…} }`. */
export function rpcPayload(args: ToolArgs): string {
  return JSON.stringify({ args });
}

/** The short line the character says after a backend result (the emulator's wording). */
export function resultLine(outcome: ToolCallOutcome, maxChars = 80): string {
  if (outcome.kind === 'timeout') return `The ${outcome.tool} tool did not answer in time.`;
  if (outcome.kind === 'error') return `The ${outcome.tool} tool failed.`;
  const text = outcome.json ? JSON.stringify(outcome.result) : outcome.payload;
  const short = text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
  return `The tool said: ${short}`;
}
