// The agent's audio sink for the avatar: @livekit/agents' DataStreamAudioOutput with three defects covered.
//  1. clearBuffer(): the lk.clear_buffer RPC's rejection is handled, and if the avatar does not confirm
//     within `clearBufferTimeoutMs` the segment is marked finished (interrupted) so no turn stalls.
//  2. lk.playback_finished is dispatched per room AND identity: upstream registers it once per process
//     (first room only) and keys handlers by identity alone, which breaks several sessions in one process.
//  3. Frames that are views into a larger buffer are compacted (upstream sends `data.buffer` whole).
//  4. Speech parked for an avatar that has not joined yet is dropped on an interruption (upstream's
//     clearBuffer does nothing before the avatar joined, so the turn stalled until the join).
//  5. When the avatar is lost, unfinished speech is reported interrupted at the position the user heard.
import { voice } from '@livekit/agents';
import {
  AudioFrame,
  type Room,
  RoomEvent,
  type RpcInvocationData,
  type TrackKind,
} from '@livekit/rtc-node';
import { log } from '../log.js';
import { assertUpstreamInstance, assertUpstreamStatics } from './upstream_internals.js';

const RPC_CLEAR_BUFFER = 'lk.clear_buffer';
const RPC_PLAYBACK_FINISHED = 'lk.playback_finished';
/** A forced finish may be followed by the avatar's late reply; ignore such replies for this long. */
const STALE_REPLY_WINDOW_MS = 5000;

type FinishedHandler = (data: RpcInvocationData) => string;

/** Per room: avatar identity → handler. Registered once per room on its local participant. */
const roomDispatchers = new WeakMap<Room, Map<string, FinishedHandler>>();

function dispatcherFor(room: Room): Map<string, FinishedHandler> | undefined {
  const existing = roomDispatchers.get(room);
  if (existing) return existing;
  const local = room.localParticipant;
  if (!local) return undefined;
  const handlers = new Map<string, FinishedHandler>();
  roomDispatchers.set(room, handlers);
  local.registerRpcMethod(RPC_PLAYBACK_FINISHED, async (data) => {
    const handler =
      handlers.get(data.callerIdentity) ??
      voice.DataStreamAudioOutput._playbackFinishedHandlers[data.callerIdentity];
    return handler ? handler(data) : 'reject';
  });
  return handlers;
}

/** Parses the snake_case payload (tolerating camelCase); bad input is a finished, uninterrupted segment. */
export function parsePlaybackFinished(payload: string): voice.PlaybackFinishedEvent {
  try {
    const raw = JSON.parse(payload) as Record<string, unknown>;
    const position = Number(raw.playback_position ?? raw.playbackPosition ?? 0);
    const transcript = raw.synchronized_transcript ?? raw.synchronizedTranscript;
    return {
      playbackPosition: Number.isFinite(position) ? position : 0,
      interrupted: raw.interrupted === true,
      ...(typeof transcript === 'string' ? { synchronizedTranscript: transcript } : {}),
    };
  } catch {
    return { playbackPosition: 0, interrupted: false };
  }
}

/** Marks the end of a segment in the parked queue. */
const SEGMENT_END = Symbol('segment end');

/** Fields of the upstream class that this subclass reads (TypeScript-private, public at runtime). */
interface UpstreamInternals {
  started: boolean;
  pushedDuration: number;
}

/** Options of {@link RunwayAudioOutput}. */
export interface RunwayAudioOutputOptions {
  room: Room;
  destinationIdentity: string;
  sampleRate: number;
  waitRemoteTrack?: TrackKind;
  clearBufferTimeoutMs: number;
  /**
   * Resolves when this session's avatar is in the room. The first frame waits for it: upstream's wait by
   * identity alone is satisfied by a previous worker still leaving, which would get (and drop) the audio.
   */
  ready?: Promise<void>;
}

/** Streams the agent's audio to the avatar over `lk.audio_stream`; see the file comment. */
export class RunwayAudioOutput extends voice.DataStreamAudioOutput {
  readonly #room: Room;
  readonly #destination: string;
  readonly #clearBufferTimeoutMs: number;
  #clearTimer: ReturnType<typeof setTimeout> | undefined;
  #staleReplies = 0;
  #staleUntil = 0;
  #logger = log();
  /**
   * Speech for an avatar that has not joined yet, in order (frames and segment ends); undefined once it
   * is ready and the queue was sent. Parking returns at once, so the agent's turn never blocks on a join.
   */
  #parked: (AudioFrame | typeof SEGMENT_END)[] | undefined;
  /** Segments begun while parked whose first frame was not sent yet (the base class has not counted them). */
  #parkedSegments = 0;
  /** A segment is open: between its first frame and its flush. */
  #capturing = false;
  /** Set when an open segment's parked speech was dropped: its remaining frames are dropped until its flush. */
  #dropping = false;
  /** When the last segment sent started reaching the avatar (ms), for the position heard at a loss. */
  #segmentStartedAt: number | undefined;
  /** The next frame sent begins a segment. */
  #sentSegmentBegins = true;

  /** Room listeners the upstream constructor added (and never removes); dropped on detach. */
  readonly #upstreamListeners: ((...args: unknown[]) => void)[];

  constructor(opts: RunwayAudioOutputOptions) {
    assertUpstreamStatics();
    // Keep upstream from registering its process-wide handler: this class registers one per room.
    voice.DataStreamAudioOutput._playbackFinishedRpcRegistered = true;
    const before = new Set(opts.room.listeners(RoomEvent.ConnectionStateChanged));
    super({
      room: opts.room,
      destinationIdentity: opts.destinationIdentity,
      sampleRate: opts.sampleRate,
      waitRemoteTrack: opts.waitRemoteTrack,
    });
    assertUpstreamInstance(this);
    this.#upstreamListeners = opts.room
      .listeners(RoomEvent.ConnectionStateChanged)
      .filter((l) => !before.has(l)) as ((...args: unknown[]) => void)[];
    this.#room = opts.room;
    this.#destination = opts.destinationIdentity;
    this.#clearBufferTimeoutMs = opts.clearBufferTimeoutMs;
    if (opts.ready) {
      this.#parked = [];
      opts.ready.then(
        () => void this.#sendParked(),
        () => {},
      );
    }
    this.#register();
    if (!opts.room.localParticipant) opts.room.once(RoomEvent.Connected, () => this.#register());
  }

  readonly #handler: FinishedHandler = (data) => this.#onRemoteFinished(data);

  #register(): void {
    dispatcherFor(this.#room)?.set(this.#destination, this.#handler);
  }

  /** Stops receiving this avatar's playback reports (a replacement output may have taken over). */
  detachFromRoom(): void {
    const handlers = roomDispatchers.get(this.#room);
    if (handlers?.get(this.#destination) === this.#handler) handlers.delete(this.#destination);
    clearTimeout(this.#clearTimer);
    // Upstream's connection listener would keep this output (and all it holds) alive with the room.
    for (const listener of this.#upstreamListeners) {
      this.#room.off(RoomEvent.ConnectionStateChanged, listener as never);
    }
  }

  override async captureFrame(frame: AudioFrame): Promise<void> {
    if (this.#dropping) return;
    const first = !this.#capturing;
    this.#capturing = true;
    if (this.#parked) {
      if (first) this.#parkedSegments++;
      // A copy: the producer may reuse its buffer before the avatar joins.
      this.#parked.push(
        new AudioFrame(
          frame.data.slice(),
          frame.sampleRate,
          frame.channels,
          frame.samplesPerChannel,
        ),
      );
      return;
    }
    return this.#send(frame);
  }

  async #send(frame: AudioFrame): Promise<void> {
    if (this.#sentSegmentBegins) {
      this.#sentSegmentBegins = false;
      this.#segmentStartedAt = Date.now();
    }
    const data = frame.data;
    if (data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength) {
      frame = new AudioFrame(
        data.slice(),
        frame.sampleRate,
        frame.channels,
        frame.samplesPerChannel,
      );
    }
    return super.captureFrame(frame);
  }

  /** The avatar is ready: sends the parked speech in order, then captures directly. */
  async #sendParked(): Promise<void> {
    const queue = this.#parked;
    if (!queue) return;
    let segmentBegins = true;
    while (queue.length > 0 && this.#parked === queue) {
      const item = queue.shift()!;
      if (item === SEGMENT_END) {
        super.flush();
        this.#sentSegmentBegins = true;
        segmentBegins = true;
        continue;
      }
      if (segmentBegins && this.#parkedSegments > 0) this.#parkedSegments--; // counted by the base now
      segmentBegins = false;
      await this.#send(item);
    }
    if (this.#parked === queue) this.#parked = undefined;
  }

  override flush(): void {
    this.#capturing = false;
    if (this.#dropping) {
      this.#dropping = false;
      return;
    }
    if (this.#parked) {
      this.#parked.push(SEGMENT_END);
      return;
    }
    super.flush();
    this.#sentSegmentBegins = true;
  }

  override clearBuffer(): void {
    const internals = this as unknown as UpstreamInternals;
    if (this.#parked?.length) {
      // Not yet sent to the avatar: dropped, and its segments finished now.
      this.#dropParked(0);
    }
    if (!internals.started) return;
    if (this.#clearTimer !== undefined) return;
    const local = this.#room.localParticipant;
    if (!local) return;
    if (this.pendingPlayoutSegments > 0) {
      this.#clearTimer = setTimeout(() => this.#forceFinish('timeout'), this.#clearBufferTimeoutMs);
    }
    local
      .performRpc({
        destinationIdentity: this.#destination,
        method: RPC_CLEAR_BUFFER,
        payload: '',
        responseTimeout: Math.max(1000, this.#clearBufferTimeoutMs),
      })
      .catch((error: unknown) => {
        this.#logger.warn({ error: String(error) }, 'avatar did not accept clear_buffer');
        this.#forceFinish('rpc_failed');
      });
  }

  /**
   * The avatar is gone: every unfinished segment is reported interrupted, the one playing at the position
   * the user heard (the avatar plays in real time from the segment's first frame, up to what was sent).
   */
  cutPlayout(): void {
    clearTimeout(this.#clearTimer);
    this.#clearTimer = undefined;
    const pushed = (this as unknown as UpstreamInternals).pushedDuration;
    const playedS =
      this.#segmentStartedAt === undefined ? 0 : (Date.now() - this.#segmentStartedAt) / 1000;
    this.#dropParked(Math.max(0, Math.min(pushed, playedS)));
  }

  /**
   * Drops the parked speech, and reports interrupted every segment the avatar has not finished: the one
   * reaching it at `positionS`, the rest at 0. Segments never sent were not counted by the base class, so
   * their end is announced to the listener (the AudioRouter) directly.
   */
  #dropParked(positionS: number): void {
    let position = positionS;
    const next = (): voice.PlaybackFinishedEvent => {
      const playbackPosition = position;
      position = 0;
      return { playbackPosition, interrupted: true };
    };
    if (this.#parked) this.#parked.length = 0;
    if (this.#capturing) this.#dropping = true;
    this.#capturing = false;
    this.#sentSegmentBegins = true;
    if (this.pendingPlayoutSegments > 0) this.abandonOpenSegment();
    while (this.pendingPlayoutSegments > 0) this.onPlaybackFinished(next());
    for (; this.#parkedSegments > 0; this.#parkedSegments--)
      this.emit(voice.AudioOutput.EVENT_PLAYBACK_FINISHED, next());
  }

  #forceFinish(reason: 'timeout' | 'rpc_failed'): void {
    if (this.#clearTimer === undefined) return;
    clearTimeout(this.#clearTimer);
    this.#clearTimer = undefined;
    if (this.pendingPlayoutSegments <= 0) return;
    this.#logger.warn(
      { reason },
      'avatar did not confirm the interruption; marking the segment finished',
    );
    this.#staleReplies++;
    this.#staleUntil = Date.now() + STALE_REPLY_WINDOW_MS;
    const position = (this as unknown as UpstreamInternals).pushedDuration;
    this.onPlaybackFinished({ playbackPosition: position, interrupted: true });
  }

  #onRemoteFinished(data: RpcInvocationData): string {
    const event = parsePlaybackFinished(data.payload);
    if (this.#staleReplies > 0 && Date.now() > this.#staleUntil) this.#staleReplies = 0;
    if (event.interrupted && this.#staleReplies > 0) {
      this.#staleReplies--;
      return 'ok';
    }
    if (event.interrupted) {
      clearTimeout(this.#clearTimer);
      this.#clearTimer = undefined;
    }
    this.onPlaybackFinished(event);
    return 'ok';
  }
}
