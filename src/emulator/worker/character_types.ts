// Options, events and handle of the emulated Runway character (hosted sessions).

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
  /** Leaves the room; `reason` goes into `left.detail`. */
  stop(reason?: string): Promise<void>;
  /** Leaves at once without winding anything down (`left` with `killed`). */
  kill(): Promise<void>;
}
