// The seam between the emulator core and an avatar worker that joins real LiveKit rooms.
import type { ToolArgs, ToolCallOutcome } from './tools.js';
import type { SessionVia, TerminalStatus } from './types.js';

/**
 * What a worker reports back about one session. Each call returns true when it changed the
 * session, false when it did not apply (unknown session, wrong status, already ended); none throws.
 * @public
 */
export interface WorkerSignals {
  /**
   * Someone is in the room: for a bring-your-own-room session the worker itself joined the
   * customer's room; for a hosted session a consumer joined Runway's room. READY → RUNNING
   * (billing starts); later calls only mark a participant present again.
   */
  joined(): boolean;
  /** The participant left. The session stays RUNNING and keeps billing until its cap, as Runway does. */
  left(): boolean;
  /** The worker received `{"type":"END_CALL"}`: RUNNING → COMPLETED with `duration`. */
  endCall(): boolean;
  /** The worker gave up: any non-terminal status → FAILED with these fields. */
  fail(failureCode: string, failure: string): boolean;
}

/** Fields common to both kinds of worker start. @public */
export interface WorkerSessionBase {
  sessionId: string;
  via: SessionVia;
  /** The create body's `avatar`. */
  avatar: unknown;
  /** `maxDuration` from the body in seconds (default 300). */
  maxDurationS: number;
  /** min(hardCapMs, maxDuration): the emulator ends the session COMPLETED after this much RUNNING. */
  effectiveCapMs: number;
  personality?: string;
  startScript?: string;
  tools: unknown[];
  /** Aborted when the session reaches a terminal status or the emulator closes: leave the room then. */
  signal: AbortSignal;
  signals: WorkerSignals;
}

/** A bring-your-own-room start: join the customer's room with the token they sent. @public */
export interface ByoSessionStart extends WorkerSessionBase {
  via: 'integration' | 'livekit';
  livekit: { url: string; token: string; roomName: string; agentIdentity?: string };
}

/** A hosted start: join Runway's own room (named after the session) as `worker:<sessionId>`. @public */
export interface HostedSessionStart extends WorkerSessionBase {
  via: 'hosted' | 'elevenlabs';
  livekit: {
    url: string;
    token: string;
    roomName: string;
    identity: string;
    /** The hidden backend handler's identity (`backend:<sessionId>`) the character's RPCs go to. */
    backendIdentity: string;
  };
  /** Only for `via: 'elevenlabs'`. */
  elevenlabs?: { signedUrl: string };
}

/**
 * Pluggable avatar worker (`src/emulator/worker/` implements it against a real livekit-server).
 *
 * Calls, all made by the emulator core; a rejected promise fails the session with
 * `failureCode: 'INTERNAL.WORKER_ERROR'` unless the driver already reported through `signals`:
 * - `startByoSession` when a session created with LiveKit credentials becomes READY
 *   (the emulator's choice: NOT_READY → READY → RUNNING once the worker calls `signals.joined()`).
 * - `startHostedSession` when a hosted / ElevenLabs session becomes READY, only if the emulator
 *   was given `livekit` options (otherwise there is no room to join). The worker should call
 *   `signals.joined()` when a participant other than itself joins.
 * - `stop` once, when the session reaches a terminal status (DELETE, cap, join window, END_CALL,
 *   fail) or the emulator resets / closes; `signal` aborts at the same moment.
 * @public
 */
export interface WorkerDriver {
  startByoSession(start: ByoSessionStart): void | Promise<void>;
  startHostedSession(start: HostedSessionStart): void | Promise<void>;
  stop(sessionId: string, status: TerminalStatus | 'DISPOSED'): void | Promise<void>;
  /**
   * Optional: makes the session's hosted character call a declared `backend_rpc` tool and resolves
   * with the outcome. Rejects with `ToolCallRefused` or `NoRunningCharacter`.
   */
  callTool?(
    sessionId: string,
    name: string,
    args: ToolArgs,
    opts?: ToolCallRequestOptions,
  ): Promise<ToolCallOutcome>;
  /** Optional: makes the session's hosted character emit a declared `client_event` tool. */
  emitClientEvent?(
    sessionId: string,
    name: string,
    args: ToolArgs,
    opts?: ToolCallRequestOptions,
  ): Promise<void>;
}

/** Options of a tool call made on request (`Emulator.callTool`, the control route). @public */
export interface ToolCallRequestOptions {
  /** Skip the check of `args` against the declared parameters (to test a handler with bad input). */
  unchecked?: boolean;
}
