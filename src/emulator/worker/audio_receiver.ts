// The worker's side of the avatar audio protocol: lk.audio_stream in, lk.clear_buffer, lk.playback_finished out.
import {
  type ByteStreamReader,
  type Room,
  RpcError,
  type RpcInvocationData,
} from '@livekit/rtc-node';
import type { AudioPlayer, PlayoutSegment, SegmentInfo, SegmentOutcome } from './audio_player.js';
import { PcmConverter } from './pcm_converter.js';

/** Byte-stream topic of the agent's speech. */
export const AUDIO_STREAM_TOPIC = 'lk.audio_stream';
/** RPC the agent calls to interrupt playout. */
export const RPC_CLEAR_BUFFER = 'lk.clear_buffer';
/** RPC the worker calls on the agent after each segment. */
export const RPC_PLAYBACK_FINISHED = 'lk.playback_finished';

/** Why an incoming audio stream was not played. */
export type StreamRejectReason = 'not_agent' | 'bad_attributes';

/** A finished segment, as reported to the agent and to the emulator. */
export interface SegmentReport extends SegmentInfo, SegmentOutcome {
  /** Whether the agent answered `lk.playback_finished` with `ok`. */
  acknowledged: boolean;
  /** Calls made (1..retries); 0 if the worker had left. */
  rpcAttempts: number;
}

/** Options of {@link AudioReceiver}. */
export interface AudioReceiverOptions {
  room: Room;
  player: AudioPlayer;
  /** Whether `identity` is the agent whose audio and RPCs are accepted. */
  isAgent: (identity: string) => boolean;
  /** Attempts of `lk.playback_finished` (default 3). */
  rpcAttempts: number;
  /** Per-attempt response timeout. */
  rpcTimeoutMs: number;
  onSegment: (report: SegmentReport) => void;
  onStreamRejected: (senderIdentity: string, reason: StreamRejectReason) => void;
  onClearBuffer: (interruptedSegments: number) => void;
}

const RETRY_DELAY_MS = 100;

/** Parses a stream attribute as an integer in [min, max]; NaN when missing or invalid. */
function intAttr(attrs: Record<string, string> | undefined, key: string, min: number, max: number) {
  const raw = attrs?.[key];
  if (raw === undefined || !/^\d+$/.test(raw)) return Number.NaN;
  const v = Number(raw);
  return v >= min && v <= max ? v : Number.NaN;
}

/** One accepted stream, from arrival until its reading ends. */
interface StreamState {
  reader: ByteStreamReader;
  info: SegmentInfo;
  seg: PlayoutSegment | undefined;
  /** Dropped by `lk.clear_buffer` or shutdown. */
  cancelled: boolean;
  /** A newer stream has arrived. */
  superseded: boolean;
  /** Wakes a pending chunk wait when superseded. */
  wake: (() => void) | undefined;
}

const SUPERSEDED = Symbol('superseded');
const IDLE = Symbol('idle');
/** After a newer stream arrived, an older one still open is ended after this long without data. */
const SUPERSEDED_IDLE_MS = 200;

/**
 * The stream's next chunk. Once a newer stream has arrived, resolves {@link IDLE} instead if no
 * chunk comes within {@link SUPERSEDED_IDLE_MS} (all of the older stream's data arrived before the
 * newer stream's header, so only a missing end is being waited for).
 */
async function nextChunk(
  st: StreamState,
  next: Promise<IteratorResult<Uint8Array>>,
): Promise<IteratorResult<Uint8Array> | typeof IDLE> {
  if (!st.superseded) {
    const r = await new Promise<IteratorResult<Uint8Array> | typeof SUPERSEDED>(
      (resolve, reject) => {
        st.wake = () => resolve(SUPERSEDED);
        next.then(resolve, reject);
      },
    );
    st.wake = undefined;
    if (r !== SUPERSEDED) return r;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      next,
      new Promise<typeof IDLE>((resolve) => {
        timer = setTimeout(() => resolve(IDLE), SUPERSEDED_IDLE_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Accepts one speech segment per byte stream from the agent only, feeds it to the
 * {@link AudioPlayer}, interrupts on `lk.clear_buffer`, and calls `lk.playback_finished` on the
 * agent after each segment with `{"playback_position": s, "interrupted": b}` (snake_case).
 * Streams are played in order of arrival; an older stream whose end never comes is ended once a
 * newer one has arrived and it has been idle for a moment (as LiveKit's Python receiver does).
 */
export class AudioReceiver {
  readonly #o: AudioReceiverOptions;
  readonly #converter: PcmConverter;
  readonly #streams = new Set<StreamState>();
  #latest: StreamState | undefined;
  #tail: Promise<void> = Promise.resolve();
  #segmentCount = 0;
  #closed = false;
  /** Streams accepted from the agent (one per speech segment). */
  get segmentsAccepted(): number {
    return this.#segmentCount;
  }
  /** Bytes accepted from the agent. */
  bytesReceived = 0;

  constructor(opts: AudioReceiverOptions) {
    this.#o = opts;
    this.#converter = new PcmConverter(opts.player.sampleRate);
  }

  /** Registers the byte-stream handler and the `lk.clear_buffer` method on the connected room. */
  attach(): void {
    const { room } = this.#o;
    room.registerByteStreamHandler(AUDIO_STREAM_TOPIC, (reader, { identity }) => {
      // A stream that fails mid-way (e.g. the room went away) just ends its segment.
      this.#onStream(reader, identity).catch(() => {});
    });
    room.localParticipant!.registerRpcMethod(RPC_CLEAR_BUFFER, (data) => this.#onClearBuffer(data));
  }

  /** Unregisters everything; in-flight streams are abandoned and no more RPCs are made. */
  detach(): void {
    if (this.#closed) return;
    this.#closed = true;
    const { room } = this.#o;
    room.unregisterByteStreamHandler(AUDIO_STREAM_TOPIC);
    room.localParticipant?.unregisterRpcMethod(RPC_CLEAR_BUFFER);
    this.#cancelAll();
  }

  /** Reports a segment's outcome to the agent (called by the player). */
  segmentDone(seg: PlayoutSegment, outcome: SegmentOutcome): void {
    void this.#reportPlaybackFinished(seg.info, outcome);
  }

  #cancelAll(): StreamState[] {
    const states = [...this.#streams];
    for (const st of states) {
      st.cancelled = true;
      void st.reader.close();
    }
    this.#streams.clear();
    this.#latest = undefined;
    return states;
  }

  async #onClearBuffer(data: RpcInvocationData): Promise<string> {
    if (!this.#o.isAgent(data.callerIdentity)) {
      throw new RpcError(RpcError.ErrorCode.APPLICATION_ERROR, 'caller is not the agent');
    }
    const states = this.#cancelAll();
    let n = this.#o.player.interruptAll();
    // Streams still waiting for an older one never reached the player: report them here.
    for (const st of states) {
      if (st.seg) continue;
      n++;
      void this.#reportPlaybackFinished(st.info, { playbackPositionSeconds: 0, interrupted: true });
    }
    this.#o.onClearBuffer(n);
    return 'ok';
  }

  async #onStream(reader: ByteStreamReader, identity: string): Promise<void> {
    if (this.#closed || !this.#o.isAgent(identity)) {
      this.#o.onStreamRejected(identity, 'not_agent');
      await reader.close();
      return;
    }
    const attrs = reader.info.attributes;
    const sampleRate = intAttr(attrs, 'sample_rate', 8000, 192000);
    const channels = intAttr(attrs, 'num_channels', 1, 8);
    if (Number.isNaN(sampleRate) || Number.isNaN(channels)) {
      this.#o.onStreamRejected(identity, 'bad_attributes');
      await reader.close();
      return;
    }
    const info: SegmentInfo = {
      index: ++this.#segmentCount,
      senderIdentity: identity,
      sampleRate,
      channels,
      bytes: 0,
      receivedSeconds: 0,
    };
    const st: StreamState = {
      reader,
      info,
      seg: undefined,
      cancelled: false,
      superseded: false,
      wake: undefined,
    };
    const older = this.#latest;
    if (older) {
      older.superseded = true;
      older.wake?.();
    }
    this.#latest = st;
    this.#streams.add(st);
    const previous = this.#tail;
    let release = () => {};
    this.#tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      await previous;
      if (!st.cancelled) await this.#read(st);
    } finally {
      this.#streams.delete(st);
      if (this.#latest === st) this.#latest = undefined;
      if (st.seg) this.#o.player.closeSegment(st.seg);
      release();
    }
  }

  async #read(st: StreamState): Promise<void> {
    const { player } = this.#o;
    const conv = this.#converter;
    const seg = player.openSegment(st.info);
    st.seg = seg;
    conv.reset(st.info.sampleRate, st.info.channels);
    const it = st.reader[Symbol.asyncIterator]();
    for (;;) {
      const r = await nextChunk(st, it.next());
      if (r === IDLE) {
        void st.reader.close();
        return;
      }
      if (r.done || st.cancelled || seg.done) return;
      const chunk = r.value;
      await player.waitForSpace(conv.maxOutputFrames(chunk.byteLength));
      if (st.cancelled || seg.done || !player.running) return;
      conv.push(chunk, player.ring);
      st.info.bytes += chunk.byteLength;
      st.info.receivedSeconds = conv.secondsOf(st.info.bytes);
      this.bytesReceived += chunk.byteLength;
    }
  }
  async #reportPlaybackFinished(info: SegmentInfo, outcome: SegmentOutcome): Promise<void> {
    const payload = JSON.stringify({
      playback_position: outcome.playbackPositionSeconds,
      interrupted: outcome.interrupted,
    });
    let acknowledged = false;
    let attempts = 0;
    while (!this.#closed && attempts < this.#o.rpcAttempts) {
      attempts++;
      try {
        const res = await this.#o.room.localParticipant!.performRpc({
          destinationIdentity: info.senderIdentity,
          method: RPC_PLAYBACK_FINISHED,
          payload,
          responseTimeout: this.#o.rpcTimeoutMs,
        });
        acknowledged = res === 'ok';
        break;
      } catch {
        if (attempts < this.#o.rpcAttempts) {
          await new Promise((r) => setTimeout(r, RETRY_DELAY_MS));
        }
      }
    }
    this.#o.onSegment({ ...info, ...outcome, acknowledged, rpcAttempts: attempts });
  }
}
