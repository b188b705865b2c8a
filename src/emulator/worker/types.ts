// Options, events and statistics of the emulated Runway avatar worker.
import type { SegmentReport, StreamRejectReason } from './audio_receiver.js';

/** Video published by the worker (Runway was observed at 1088×704, ~25 fps). */
export interface WorkerVideoOptions {
  /** Default 1088. */
  width?: number;
  /** Default 704. */
  height?: number;
  /** Default 25. */
  fps?: number;
  /**
   * Pause the simulcast layers nobody subscribes to (LiveKit's dynacast), as LiveKit's browser SDK does by
   * default. A new subscriber then gets a low layer first and the top one about a second later (the
   * sender resumes it on the SFU's request). Default false: every layer is sent all the time.
   */
  dynacast?: boolean;
  /**
   * For this long after publishing, draw frames at a quarter of the size (the track keeps its announced
   * size), as a sender sends while its bandwidth estimate or CPU adaptation has not reached the top
   * layer: the user-visible cause of 272×176 avatars. Default 0.
   */
  rampUpMs?: number;
}

/** Audio published by the worker (the agent's speech, played in real time). */
export interface WorkerAudioOptions {
  /** Track sample rate, a multiple of 100; default 48000. Incoming speech is resampled to it. */
  sampleRate?: number;
  /** Track channels; default 1. */
  channels?: number;
  /** Audio queued ahead in the native source (= added playout latency); default 100. */
  queueMs?: number;
  /** Received speech buffered ahead of playout before reading pauses; default 10000, min 1000. */
  bufferMs?: number;
  /**
   * Duration of each frame captured into the track; default 10. Longer frames mean fewer native calls
   * per second (many workers in one process); keep `queueMs` at least twice this.
   */
  chunkMs?: number;
}

/** Options of `startAvatarWorker`. */
export interface AvatarWorkerOptions {
  /** LiveKit signal URL of the room to join (`ws://127.0.0.1:…` in tests). */
  url: string;
  /** The avatar's token (minted by the plugin: kind agent, `lk.publish_on_behalf`). Never logged. */
  token: string;
  /** The Runway session this worker serves; carried in every event. */
  sessionId: string;
  /**
   * The agent whose audio and RPCs are accepted (Runway's `livekit.agentIdentity`). When absent:
   * the identity in the token's `lk.publish_on_behalf` attribute, else the first agent-kind
   * participant seen.
   */
  agentIdentity?: string;
  video?: WorkerVideoOptions;
  audio?: WorkerAudioOptions;
  /** How long the agent may be gone before the worker gives up (`agent_left`); default 2000. */
  graceMs?: number;
  /** How long to wait for the agent after joining (`nobody_there`); default 30000. */
  joinTimeoutMs?: number;
  /** Attempts of `lk.playback_finished` per segment; default 3. */
  rpcAttempts?: number;
  /** Response timeout of each `lk.playback_finished` attempt; default 5000. */
  rpcTimeoutMs?: number;
  /** Receives every event, synchronously, in order. Exceptions it throws are ignored. */
  onEvent?: (event: AvatarWorkerEvent) => void;
}

/** Why the worker left the room (always the last event). */
export type WorkerLeaveReason =
  /** `{"type":"END_CALL"}` from the agent. */
  | 'end_call'
  /** The agent left and did not come back within `graceMs`. */
  | 'agent_left'
  /** No agent within `joinTimeoutMs`. */
  | 'nobody_there'
  /** `stop()` (DELETE, the duration cap, shutdown); `detail` holds the caller's reason. */
  | 'stopped'
  /** `kill()`: vanished without reporting anything. */
  | 'killed'
  /** The server removed the worker (RoomService.RemoveParticipant) or deleted the room. */
  | 'removed'
  /** The connection was lost for another reason; `detail` names it. */
  | 'disconnected'
  /** The server refused the token (401/403). */
  | 'token_rejected'
  /** The room could not be joined for another reason (`detail` is redacted of tokens). */
  | 'join_failed';

/** Fields on every event. */
interface EventBase {
  sessionId: string;
  /** `Date.now()` when the event happened. */
  atMs: number;
}

/** Everything the worker reports, in order. `left` is always last and comes exactly once. */
export type AvatarWorkerEvent = EventBase &
  (
    | { type: 'joined'; identity: string; roomName: string }
    | { type: 'agent_joined'; agentIdentity: string }
    | { type: 'segment'; segment: SegmentReport }
    | { type: 'clear_buffer'; interruptedSegments: number }
    | { type: 'stream_rejected'; senderIdentity: string; reason: StreamRejectReason }
    | { type: 'end_call' }
    | { type: 'agent_left'; agentIdentity: string }
    | { type: 'nobody_there' }
    | { type: 'token_rejected' }
    | { type: 'join_failed'; detail: string }
    | { type: 'left'; reason: WorkerLeaveReason; detail?: string }
  );

/** The `left` event. */
export type WorkerLeftEvent = Extract<AvatarWorkerEvent, { type: 'left' }>;

/** Counters of one worker, live. */
export interface AvatarWorkerStats {
  /** Audio streams accepted (= speech segments). */
  segmentsReceived: number;
  /** Segments played to the end. */
  segmentsCompleted: number;
  /** Segments cut by `lk.clear_buffer`. */
  segmentsInterrupted: number;
  /** `lk.playback_finished` calls the agent answered `ok`. */
  playbackFinishedAcknowledged: number;
  /** Segments whose `lk.playback_finished` failed every attempt or was refused. */
  playbackFinishedFailed: number;
  /** `lk.clear_buffer` calls accepted. */
  clearBufferCalls: number;
  /** Audio bytes accepted from the agent. */
  bytesReceived: number;
  /** Streams refused (not from the agent, or bad attributes). */
  streamsRejected: number;
  /** Video frames captured into the published track. */
  videoFramesPublished: number;
  /** 10 ms audio frames captured into the published track (speech and silence). */
  audioFramesPublished: number;
}

/** Where the worker is in its life. */
export type AvatarWorkerState = 'joining' | 'joined' | 'left';

/** A running emulated avatar worker. */
export interface AvatarWorker {
  readonly sessionId: string;
  readonly state: AvatarWorkerState;
  /** `Date.now()` when it joined the room, if it did. */
  readonly joinedAtMs: number | undefined;
  /** The agent it serves, once known. */
  readonly agentIdentity: string | undefined;
  /** A snapshot of the counters. */
  readonly stats: AvatarWorkerStats;
  /** Resolves with the `left` event once the worker has left (never rejects). */
  readonly ended: Promise<WorkerLeftEvent>;
  /** Leaves the room cleanly (unpublish, disconnect); `reason` goes into `left.detail`. */
  stop(reason?: string): Promise<void>;
  /**
   * Simulates a crash: media stops at once, no further RPC, report or event except `left`
   * (`killed`), and the connection is dropped. LiveKit still sees a disconnect (rtc-node cannot
   * drop a connection silently), but nothing of the session's state is wound down.
   */
  kill(): Promise<void>;
}
