// Options, events and handle of the emulated Runway character (hosted sessions).

import type { EmulatedTool, ToolArgs, ToolCallOutcome, ToolRefusalReason } from '../tools.js';
import type { ToolCallOptions } from './tool_caller.js';
import type {
  AvatarWorkerState,
  WorkerAudioOptions,
  WorkerLeaveReason,
  WorkerVideoOptions,
} from './types.js';
import type { VoiceActivityOptions } from './voice_activity.js';

/** Options of `startCharacterWorker`. */
export interface CharacterWorkerOptions {
  /** LiveKit signal URL of Runway's (the emulator's) server. */
  url: string;
  /** The worker's token for the session's room (identity `worker:<sessionId>`). Never logged. */
  token: string;
  sessionId: string;
  /** Said when the first participant arrives (the create body's `startScript`). */
  startScript?: string;
  video?: WorkerVideoOptions;
  audio?: WorkerAudioOptions;
  /** Voice activity settings for hearing participants. */
  vad?: VoiceActivityOptions;
  /** The reply to a finished user turn; '' to stay silent. Default: a sentence naming the turn. */
  reply?: (turn: number, heardMs: number) => string;
  /** The session's declared tools (the create body's `tools`, defaults applied); default none. */
  tools?: readonly EmulatedTool[];
  /** Identity of the hidden backend handler the RPCs go to; default `backend:<sessionId>`. */
  backendIdentity?: string;
  /** Leave with `nobody_there` if no participant arrives within this long; default: wait. */
  joinTimeoutMs?: number;
  /** Receives every event, synchronously, in order. Exceptions it throws are ignored. */
  onEvent?: (event: CharacterEvent) => void;
}

interface EventBase {
  sessionId: string;
  /** `Date.now()` when the event happened. */
  atMs: number;
}

/** Everything the character reports, in order. `left` is always last and comes exactly once. */
export type CharacterEvent = EventBase &
  (
    | { type: 'joined'; identity: string; roomName: string }
    | { type: 'participant_joined'; identity: string }
    | { type: 'participant_left'; identity: string }
    | { type: 'user_turn'; identity: string; turn: number; speechMs: number }
    | {
        type: 'character_speech';
        turn: number;
        text: string;
        playedMs: number;
        interrupted: boolean;
      }
    | { type: 'end_call'; identity: string }
    /** A `backend_rpc` call made, with its outcome (result, error or timeout). */
    | { type: 'tool_call'; outcome: ToolCallOutcome }
    /** A `client_event` sent on the data channel. */
    | { type: 'client_event_sent'; tool: string; args: ToolArgs }
    /** A call or emit refused before anything was sent. */
    | { type: 'tool_refused'; tool: string; reason: ToolRefusalReason; message: string }
    | { type: 'nobody_there' }
    | { type: 'token_rejected' }
    | { type: 'join_failed'; detail: string }
    | { type: 'left'; reason: WorkerLeaveReason; detail?: string }
  );

/** The character's `left` event. */
export type CharacterLeftEvent = Extract<CharacterEvent, { type: 'left' }>;

/** A running emulated character. */
export interface CharacterWorker {
  readonly sessionId: string;
  readonly state: AvatarWorkerState;
  /** User turns heard so far. */
  readonly turns: number;
  /** Resolves with the `left` event once it has left (never rejects). */
  readonly ended: Promise<CharacterLeftEvent>;
  /**
   * Calls a declared `backend_rpc` tool over LiveKit RPC (to `backendIdentity`, response timeout
   * `timeoutSeconds × 1000`) and then says a short line with the result. Resolves with the outcome;
   * rejects with `ToolCallRefused` (undeclared, not `backend_rpc`, args not fitting) or
   * `NoRunningCharacter` (not in the room).
   */
  callTool(name: string, args: ToolArgs, opts?: ToolCallOptions): Promise<ToolCallOutcome>;
  /** Sends a declared `client_event` tool's message to the room; rejects like `callTool`. */
  emitClientEvent(name: string, args: ToolArgs, opts?: ToolCallOptions): Promise<void>;
  /** Leaves the room; `reason` goes into `left.detail`. */
  stop(reason?: string): Promise<void>;
  /** Leaves at once without winding anything down (`left` with `killed`). */
  kill(): Promise<void>;
}
