// Runway tools (`tools[]` of a hosted session, reference §8) as the plugin's user declares them. Types only.

/** Scalar types Runway allows for a parameter, and for the items of an `array` parameter. */
export type RunwayScalarType = 'string' | 'integer' | 'number' | 'boolean';

interface ParameterBase {
  /** 1..64 characters, `^[a-zA-Z_][a-zA-Z0-9_]*$`. */
  name: string;
  /** 1..1024 characters: what the character should put there. */
  description: string;
  /** Whether the character must give it. Runway's default: `true`. */
  required?: boolean;
}

/** One parameter of a Runway tool (reference §8: one of these by `type`). */
export type RunwayToolParameter =
  | (ParameterBase & {
      type: 'string' /** At most 20 values, each ≤ 64 characters. */;
      enum?: string[];
    })
  | (ParameterBase & { type: 'integer' | 'number' | 'boolean' })
  | (ParameterBase & { type: 'array'; items: { type: RunwayScalarType } })
  | (ParameterBase & {
      type: 'object';
      /** At most 20. */
      properties: RunwayToolParameter[];
    });

interface ToolBase {
  /** 1..64 characters, `^[a-zA-Z_][a-zA-Z0-9_]*$`, unique in the session. */
  name: string;
  /** 1..1024 characters: when the character should use the tool. */
  description: string;
  /** At most 20. Default: none. */
  parameters?: RunwayToolParameter[];
}

/**
 * A tool the character "calls" by sending `{ type: 'client_event', tool, args }` on Runway's data channel.
 * The plugin emits it as the `client_event` event of `AvatarSession` (and, with `forwardClientEvents`, into
 * the agent's room).
 */
export interface ClientEventTool extends ToolBase {
  type: 'client_event';
}

/** What a backend RPC handler is told about the call it serves. */
export interface BackendRpcCall {
  /** The tool's name. */
  tool: string;
  /** The Runway session whose character called it. */
  sessionId: string;
  /**
   * Aborted when the tool's `timeoutSeconds` has passed (the character has stopped waiting) or the session
   * ends. A long handler should give up then.
   */
  signal: AbortSignal;
}

/**
 * Runs a `backend_rpc` tool. Receives the character's arguments; what it returns (or resolves to) is sent
 * back to the character as JSON. A throw, a rejection or a timeout gives the character an application
 * error with a safe message, never the error's own text.
 */
export type BackendRpcHandler = (
  args: Record<string, unknown>,
  call: BackendRpcCall,
) => unknown | Promise<unknown>;

/** A tool the character calls over LiveKit RPC; the plugin answers it with `handler`. */
export interface BackendRpcTool extends ToolBase {
  type: 'backend_rpc';
  /** How long the character waits for the answer, seconds: 1..8, Runway's default 4. */
  timeoutSeconds?: number;
  handler: BackendRpcHandler;
}

/** One tool of a hosted session. */
export type RunwayTool = ClientEventTool | BackendRpcTool;

/** A tool as sent in the create body: defaults filled in, no handler. */
export type RunwayToolWire =
  | { type: 'client_event'; name: string; description: string; parameters: RunwayToolParameter[] }
  | {
      type: 'backend_rpc';
      name: string;
      description: string;
      parameters: RunwayToolParameter[];
      timeoutSeconds: number;
    };
