// The hidden participant that answers a hosted session's backend_rpc tools in Runway's room: joins with
// connect_backend's credentials, registers one RPC method per tool, answers only Runway's worker.
import { llm } from '@livekit/agents';
import { Room, RpcError, type RpcInvocationData } from '@livekit/rtc-node';
import type { RunwayClient } from '../api/client.js';
import { log } from '../log.js';
import {
  encodeRpcResult,
  isRunwayWorker,
  parseRpcArgs,
  RPC_ERROR_MESSAGES,
  type RpcFailure,
} from '../tools/rpc_call.js';
import type { BackendRpcTool } from '../tools/types.js';
import { connectRoom } from './connect.js';

/** LiveKit RPC carries at most 256 bytes of error message. */
const MAX_ERROR_MESSAGE_BYTES = 256;

/** Runway's default wait for a backend tool, seconds (reference §8). */
export const DEFAULT_TOOL_TIMEOUT_SECONDS = 4;

/** Counters of one backend, for logs and tests. */
export interface ToolBackendStats {
  /** Calls answered with a result. */
  answered: number;
  /** Calls answered with an error (the handler threw, timed out, or its result could not be sent). */
  failed: number;
  /** Calls refused because the caller was not Runway's worker. */
  refused: number;
}

/** Options of {@link ToolBackend.connect}. */
export interface ToolBackendOptions {
  client: RunwayClient;
  sessionId: string;
  tools: readonly BackendRpcTool[];
  /** Aborting stops the connect (and leaves the room once joined). */
  signal?: AbortSignal;
}

/** A rejection that stands for one {@link RpcFailure}, so the character gets its safe message. */
class CallFailure extends Error {
  constructor(readonly failure: RpcFailure) {
    super(RPC_ERROR_MESSAGES[failure]);
  }
}

/**
 * The handler participant of one Runway session. Connected before the character can call (the hosted
 * strategy joins it before Runway's room is joined by the user's side), closed when the session ends.
 * Handler errors never escape: each becomes an application error with a safe message for the character
 * and a warning in the log.
 */
export class ToolBackend {
  readonly room = new Room();
  readonly stats: ToolBackendStats = { answered: 0, failed: 0, refused: 0 };
  /** Aborted when the backend closes: every call in flight is told to stop. */
  readonly #closing = new AbortController();
  readonly #logger;

  private constructor(
    readonly sessionId: string,
    private readonly tools: readonly BackendRpcTool[],
  ) {
    this.#logger = log().child({ sessionId });
  }

  /** `connect_backend`, then joins Runway's room as the hidden handler and registers every tool. */
  static async connect(opts: ToolBackendOptions): Promise<ToolBackend> {
    const backend = new ToolBackend(opts.sessionId, opts.tools);
    const credentials = await opts.client.connectBackend(opts.sessionId, {
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    await connectRoom(
      backend.room,
      credentials.url,
      credentials.token,
      { autoSubscribe: false, dynacast: false },
      "Runway's room (tool handler)",
      opts.signal,
    );
    backend.#register();
    backend.#logger.debug({ tools: opts.tools.map((t) => t.name) }, 'Runway tool handler joined');
    return backend;
  }

  #register(): void {
    const participant = this.room.localParticipant!;
    for (const tool of this.tools) {
      participant.registerRpcMethod(tool.name, (data) => this.#answer(tool, data));
    }
  }

  async #answer(tool: BackendRpcTool, data: RpcInvocationData): Promise<string> {
    if (!isRunwayWorker(data.callerIdentity)) {
      this.stats.refused++;
      this.#logger.warn(
        { tool: tool.name, 'lk.pii.caller_identity': data.callerIdentity },
        'Runway tool call refused: the caller is not Runway’s worker',
      );
      throw new RpcError(RpcError.ErrorCode.APPLICATION_ERROR, RPC_ERROR_MESSAGES.forbidden);
    }
    try {
      const payload = await this.#run(tool, data.payload);
      this.stats.answered++;
      return payload;
    } catch (error) {
      this.stats.failed++;
      const failure = error instanceof CallFailure ? error.failure : 'failed';
      // The handler's own message stays here, never in what the character receives.
      this.#logger.warn(
        {
          tool: tool.name,
          failure,
          error: error instanceof CallFailure ? undefined : describeError(error),
        },
        'Runway tool call failed',
      );
      // An llm.ToolError's message is written for the model (agents-js shows it to the LLM): the
      // character may hear it too. Anything else gets the safe message only.
      const message =
        error instanceof llm.ToolError && error.message !== ''
          ? truncateUtf8(error.message, MAX_ERROR_MESSAGE_BYTES)
          : RPC_ERROR_MESSAGES[failure];
      throw new RpcError(RpcError.ErrorCode.APPLICATION_ERROR, message);
    }
  }

  /** Runs the handler within the tool's timeout; resolves with the JSON to send back. */
  async #run(tool: BackendRpcTool, payload: string): Promise<string> {
    if (this.#closing.signal.aborted) throw new CallFailure('closed');
    const args = parseArgsOrFail(payload);
    const timeoutMs = (tool.timeoutSeconds ?? DEFAULT_TOOL_TIMEOUT_SECONDS) * 1000;
    const call = new AbortController();
    const timer = setTimeout(() => call.abort(new CallFailure('timedOut')), timeoutMs);
    const onClose = () => call.abort(new CallFailure('closed'));
    this.#closing.signal.addEventListener('abort', onClose, { once: true });
    try {
      // A synchronous throw becomes a rejection; a rejection after the timeout is swallowed here (it
      // would otherwise be unhandled: nobody awaits the handler any more).
      const running = Promise.resolve().then(() =>
        tool.handler(args, { tool: tool.name, sessionId: this.sessionId, signal: call.signal }),
      );
      running.catch(() => {});
      const result = await Promise.race([running, rejectOnAbort(call.signal)]);
      const encoded = encodeRpcResult(result);
      if (!encoded.ok) throw new CallFailure(encoded.failure);
      return encoded.payload;
    } finally {
      clearTimeout(timer);
      this.#closing.signal.removeEventListener('abort', onClose);
    }
  }

  /** Tells calls in flight to stop, unregisters the tools and leaves Runway's room. Never throws. */
  async close(): Promise<void> {
    if (this.#closing.signal.aborted) return;
    this.#closing.abort();
    const participant = this.room.localParticipant;
    for (const tool of this.tools) {
      try {
        participant?.unregisterRpcMethod(tool.name);
      } catch {
        // Already gone with the room.
      }
    }
    await this.room.disconnect().catch(() => {});
    this.#logger.debug({ ...this.stats }, 'Runway tool handler left');
  }
}

function parseArgsOrFail(payload: string): Record<string, unknown> {
  const args = parseRpcArgs(payload);
  if (!args) throw new CallFailure('badArguments');
  return args;
}

/** Rejects with the signal's reason when it aborts (never resolves). */
function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** `text` cut to at most `bytes` UTF-8 bytes, never in the middle of a character. */
function truncateUtf8(text: string, bytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= bytes) return text;
  let out = text.slice(0, bytes);
  while (Buffer.byteLength(out, 'utf8') > bytes) out = out.slice(0, -1);
  return out;
}

/** The error's class name only: a handler's message may carry secrets or personal data. */
function describeError(error: unknown): string {
  if (error instanceof Error) return error.name;
  return typeof error;
}
