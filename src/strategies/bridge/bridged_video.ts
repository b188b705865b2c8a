// The avatar's video in the agent's room: one VideoSource published at Runway's size, fed with Runway's
// frames as they come, lower layers scaled up so the call keeps its size, and republished when Runway's
// picture really changes size. Each track is published muted when the publisher can mute (viewers learn
// of it and subscribe before there is a picture to send) and unmuted at its first frame, whose first
// frames go out a little shorter (the primer) so that viewers get a key frame at once.
import {
  LocalVideoTrack,
  TrackPublishOptions,
  TrackSource,
  VideoBufferType,
  VideoFrame,
  type VideoRotation,
  VideoSource,
} from '@livekit/rtc-node';
import { cropTopI420, I420Scaler, i420Bytes } from './scale_i420.js';
import { primerSize, ResizeWatch, type Size, sameSize } from './video_size.js';

/**
 * Frames sent at {@link primerSize} after each unmute. While muted, the track's encoder has only had
 * rtc-node's black frames (see {@link BridgedVideo.quiet}), so Runway's first picture would go out as a
 * change from black, on which a viewer just unmuted cannot start, and its key-frame requests are
 * throttled (1 s on the top layers): the bridge's hand-over → the user's first frame took 663 ms at the
 * median, over 100 ms in 16 of 20 starts. The primer's change of size makes libwebrtc send a key frame on
 * every layer with the first picture, and again with the switch back to the published size 4 frames
 * later, for a viewer the first one missed (the server processed its unmute after that key frame): 20 ms
 * at the median and at most 35 ms in 20 starts, with the black frames ended first (BENCHMARKS.md §4,
 * "The primer"). They show the avatar without its top 16 rows.
 */
export const PRIMER_FRAMES = 4;

/** Name of the bridged video track in the agent's room (the same as Runway's worker uses). */
export const BRIDGED_VIDEO_TRACK = 'runway_video';

/** What {@link BridgedVideo} needs from the agent's room. */
export interface VideoPublisher {
  /** Publishes `track` and resolves with its sid. */
  publish(track: LocalVideoTrack, options: TrackPublishOptions): Promise<string>;
  unpublish(sid: string): Promise<void>;
  /** Receives a confirmed size change (for logs and stats). */
  onResize(from: Size, to: Size): void;
  /**
   * Mutes or unmutes a track, published or not; false when it cannot. Without it (or when it answers
   * false before a publication) tracks are published unmuted.
   */
  setMuted?(track: LocalVideoTrack, muted: boolean): boolean;
}

/** Counters {@link BridgedVideo} keeps. */
export interface BridgedVideoCounters {
  /** Frames scaled to the published size (a lower layer, or frames during a resize). */
  scaled: number;
  /** Times the track was republished at a new size. */
  resizes: number;
  /** Frames sent at the primer size after an unmute (see {@link PRIMER_FRAMES}). */
  primed: number;
}

/** A published track and what it was published with. */
interface Opened {
  source: VideoSource;
  track: LocalVideoTrack;
  size: Size;
  sid: string;
  /** Published muted (unmuted at its first frame). */
  muted: boolean;
}

/** Publish options of the bridged video: a camera, simulcast like any LiveKit publisher. */
function videoPublishOptions(): TrackPublishOptions {
  return new TrackPublishOptions({ source: TrackSource.SOURCE_CAMERA, simulcast: true });
}

/** An all-zero I420 frame of `size`: a buffer for scaled or primer frames, or a black frame. */
function blankI420(size: Size): VideoFrame {
  const { width, height } = size;
  return new VideoFrame(
    new Uint8Array(i420Bytes(width, height)),
    width,
    height,
    VideoBufferType.I420,
  );
}

/** The bridged video track. Publish once with {@link publish}; then {@link capture} every frame. */
export class BridgedVideo {
  readonly counters: BridgedVideoCounters = { scaled: 0, resizes: 0, primed: 0 };
  #source: VideoSource | undefined;
  #track: LocalVideoTrack | undefined;
  /** The current track was published muted and has had no frame yet: unmuted at its first frame. */
  #muted = false;
  #sid: string | undefined;
  #size: Size | undefined;
  #publishing: Promise<void> | undefined;
  #resizing = false;
  #closed = false;
  /** Frame at the published size that scaled frames are written into (allocated per size). */
  #scaled: VideoFrame | undefined;
  /** Primer frames still to send after the last unmute, and the frame they are written into. */
  #primerLeft = 0;
  #primer: VideoFrame | undefined;
  /** The current track's native black frames were ended ({@link quiet}). */
  #quieted = false;
  readonly #scaler = new I420Scaler();
  readonly #watch = new ResizeWatch();

  constructor(private readonly publisher: VideoPublisher) {}

  /** The size the track is published at; `undefined` before {@link publish} completes. */
  get size(): Size | undefined {
    return this.#source ? this.#size : undefined;
  }

  /**
   * Publishes the track at `size` before Runway's picture exists (during provisioning), muted, and
   * returns that publication. Returns undefined, publishing nothing, when the publisher cannot mute (an
   * unmuted track would show viewers rtc-node's black frames meanwhile) or a publication exists already.
   */
  prepublish(size: Size): Promise<void> | undefined {
    if (this.#publishing || !this.publisher.setMuted) return undefined;
    const track = this.#newTrack(size);
    if (!this.publisher.setMuted(track.track, true)) {
      void track.source.close().catch(() => {});
      return undefined;
    }
    this.#publishing = this.#open(track, 'muted').then(
      (opened) => this.#swapIn(opened),
      (error: unknown) => {
        this.#publishing = undefined; // publish() at Runway's size tries again
        throw error;
      },
    );
    return this.#publishing;
  }

  /**
   * Publishes the track at `size` (once; later calls return the first publication). A track published
   * ahead ({@link prepublish}) at another size that has shown nothing yet is replaced by one at `size`
   * at once, rather than every frame scaled until a resize is confirmed.
   */
  publish(size: Size): Promise<void> {
    this.#publishing ??= this.#open(this.#newTrack(size)).then((opened) => this.#swapIn(opened));
    return this.#publishing.then(async () => {
      const current = this.#size;
      if (current && this.#muted && !sameSize(size, current) && !this.#resizing) {
        await this.#replace(current, size, { resize: false });
      }
    });
  }

  #newTrack(size: Size): { source: VideoSource; track: LocalVideoTrack; size: Size } {
    const source = new VideoSource(size.width, size.height);
    const track = LocalVideoTrack.createVideoTrack(BRIDGED_VIDEO_TRACK, source);
    return { source, track, size: { width: size.width, height: size.height } };
  }

  /**
   * Publishes `t`: `muted` (muted already), `unmuted`, or `try-muted` (muted if the publisher can). Closes
   * its source if the publication fails.
   */
  async #open(
    t: { source: VideoSource; track: LocalVideoTrack; size: Size },
    mode: 'muted' | 'unmuted' | 'try-muted' = 'try-muted',
  ): Promise<Opened> {
    const muted =
      mode === 'muted' ||
      (mode === 'try-muted' && (this.publisher.setMuted?.(t.track, true) ?? false));
    try {
      const sid = await this.publisher.publish(t.track, videoPublishOptions());
      return { ...t, sid, muted };
    } catch (error) {
      await t.source.close().catch(() => {});
      throw error;
    }
  }

  #swapIn(opened: Opened): void {
    if (this.#closed) {
      void opened.source.close().catch(() => {});
      return;
    }
    this.#source = opened.source;
    this.#track = opened.track;
    this.#muted = opened.muted;
    this.#sid = opened.sid;
    this.#size = opened.size;
    this.#scaled = undefined;
    this.#primer = undefined;
    this.#quieted = false;
  }

  /**
   * Hands one of Runway's frames to the published source, with Runway's timestamp and rotation. Frames
   * of another size are scaled to the published size; a lasting change of Runway's size republishes.
   * Returns false (frame not shown) while nothing is published yet.
   */
  capture(frame: VideoFrame, timestampUs: bigint, rotation: VideoRotation): boolean {
    const source = this.#source;
    const size = this.#size;
    if (!source || !size || this.#closed) return false;
    if (this.#muted) this.#unmute(size);
    if (this.#primerLeft > 0) {
      source.captureFrame(this.#toPrimer(frame, size), timestampUs, rotation);
      return true;
    }
    if (sameSize(frame, size)) {
      source.captureFrame(frame, timestampUs, rotation);
      return true;
    }
    const next = this.#watch.observe(frame, size);
    if (next && !this.#resizing) void this.#replace(size, next, { resize: true });
    source.captureFrame(this.#scaleToPublished(frame, size), timestampUs, rotation);
    this.counters.scaled++;
    return true;
  }

  /**
   * Ends the black frames rtc-node's native source sends (10 per second) until its first captured frame,
   * while the track is still muted and has shown nothing; call it once Runway's first picture is near
   * (its video track is known). On the muted track the server drops them, but they are what made it
   * announce the track (it does so at a track's first packets, muted or not), so they run until then.
   * Left running up to the unmute, one of them could be the key frame that starts a viewer: a black
   * flash before the avatar (3 of 10 runs of `bridge_ahead`; 0 of 16 after this). Also allocates the
   * primer's frame, which the first picture is cropped into: allocated at the first picture, it took
   * 3 ms of the hand-over (0.15 ms without it; BENCHMARKS.md §4, "The process's first start"). No-op
   * otherwise.
   */
  quiet(): void {
    if (!this.#muted || this.#quieted || !this.#source || !this.#size || this.#closed) return;
    this.#quieted = true;
    this.#source.captureFrame(blankI420(this.#size));
    this.#primerBuffer(this.#size);
  }

  /**
   * `frame` at the primer size (one buffer for the few primer frames, allocated by {@link quiet} when it
   * ran, released after the last): a frame at the published size loses its top rows (three block copies;
   * scaling it took 6 ms, median of 10 starts, on the first picture's path: BENCHMARKS.md §4), any other
   * is scaled.
   */
  #toPrimer(frame: VideoFrame, size: Size): VideoFrame {
    const out = this.#primerBuffer(size);
    if (frame.type === VideoBufferType.I420 && sameSize(frame, size)) cropTopI420(frame, out);
    else this.#scaleInto(frame, out);
    this.counters.primed++;
    if (--this.#primerLeft === 0) this.#primer = undefined;
    return out;
  }

  /** The primer frames' buffer for the published `size`, allocated once per unmute. */
  #primerBuffer(size: Size): VideoFrame {
    this.#primer ??= blankI420(primerSize(size));
    return this.#primer;
  }

  #scaleToPublished(frame: VideoFrame, size: Size): VideoFrame {
    this.#scaled ??= blankI420(size);
    return this.#scaleInto(frame, this.#scaled);
  }

  #scaleInto(frame: VideoFrame, out: VideoFrame): VideoFrame {
    // Decoders hand over I420; anything else is converted first (allocates, but never seen in practice).
    const src = frame.type === VideoBufferType.I420 ? frame : frame.convert(VideoBufferType.I420);
    this.#scaler.scale(src, out);
    return out;
  }

  /** Unmutes the current track at its first frame; republishes it unmuted if the unmute fails. */
  #unmute(size: Size): void {
    this.#muted = false;
    const track = this.#track;
    if (track && this.publisher.setMuted?.(track, false)) {
      this.#primerLeft = PRIMER_FRAMES;
      return;
    }
    // Never observed; a track left muted would hide the avatar for the whole call.
    if (!this.#resizing) void this.#replace(size, size, { resize: false, unmuted: true });
  }

  /**
   * Publishes a new track at `to` and swaps it in, then unpublishes the old one: viewers never lose the
   * avatar. `resize`: Runway's picture changed size (counted and reported); else a track published ahead
   * (or one whose unmute failed) is being replaced.
   */
  async #replace(
    from: Size,
    to: Size,
    opts: { resize: boolean; unmuted?: boolean },
  ): Promise<void> {
    this.#resizing = true;
    const previous = { source: this.#source, sid: this.#sid };
    try {
      this.#swapIn(await this.#open(this.#newTrack(to), opts.unmuted ? 'unmuted' : 'try-muted'));
      if (opts.resize) {
        this.counters.resizes++;
        this.publisher.onResize(from, to);
      }
      if (previous.sid) await this.publisher.unpublish(previous.sid).catch(() => {});
      await previous.source?.close().catch(() => {});
    } catch {
      // Keep showing frames scaled to the old size; the next confirmed change tries again.
    } finally {
      this.#resizing = false;
    }
  }

  /** Closes the source (the room's disconnect unpublishes the track). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#publishing?.catch(() => {});
    const source = this.#source;
    this.#source = undefined;
    await source?.close().catch(() => {});
  }
}
