// The avatar's video in the agent's room: one VideoSource published at Runway's size, fed with Runway's
// frames as they come, lower layers scaled up so the call keeps its size, and republished when Runway's
// picture really changes size.
import {
  LocalVideoTrack,
  TrackPublishOptions,
  TrackSource,
  VideoBufferType,
  VideoFrame,
  type VideoRotation,
  VideoSource,
} from '@livekit/rtc-node';
import { I420Scaler, i420Bytes } from './scale_i420.js';
import { ResizeWatch, type Size, sameSize } from './video_size.js';

/** Name of the bridged video track in the agent's room (the same as Runway's worker uses). */
export const BRIDGED_VIDEO_TRACK = 'runway_video';

/** What {@link BridgedVideo} needs from the agent's room. */
export interface VideoPublisher {
  /** Publishes `track` and resolves with its sid. */
  publish(track: LocalVideoTrack, options: TrackPublishOptions): Promise<string>;
  unpublish(sid: string): Promise<void>;
  /** Receives a confirmed size change (for logs and stats). */
  onResize(from: Size, to: Size): void;
}

/** Counters {@link BridgedVideo} keeps. */
export interface BridgedVideoCounters {
  /** Frames scaled to the published size (a lower layer, or frames during a resize). */
  scaled: number;
  /** Times the track was republished at a new size. */
  resizes: number;
}

/** Publish options of the bridged video: a camera, simulcast like any LiveKit publisher. */
function videoPublishOptions(): TrackPublishOptions {
  return new TrackPublishOptions({ source: TrackSource.SOURCE_CAMERA, simulcast: true });
}

/** The bridged video track. Publish once with {@link publish}; then {@link capture} every frame. */
export class BridgedVideo {
  readonly counters: BridgedVideoCounters = { scaled: 0, resizes: 0 };
  #source: VideoSource | undefined;
  #sid: string | undefined;
  #size: Size | undefined;
  #publishing: Promise<void> | undefined;
  #resizing = false;
  #closed = false;
  /** Frame at the published size that scaled frames are written into (allocated per size). */
  #scaled: VideoFrame | undefined;
  readonly #scaler = new I420Scaler();
  readonly #watch = new ResizeWatch();

  constructor(private readonly publisher: VideoPublisher) {}

  /** The size the track is published at; `undefined` before {@link publish} completes. */
  get size(): Size | undefined {
    return this.#source ? this.#size : undefined;
  }

  /** Publishes the track at `size` (once; later calls return the first publication). */
  publish(size: Size): Promise<void> {
    this.#publishing ??= this.#open(size).then((opened) => {
      this.#swapIn(opened);
    });
    return this.#publishing;
  }

  async #open(size: Size): Promise<{ source: VideoSource; sid: string; size: Size }> {
    const source = new VideoSource(size.width, size.height);
    try {
      const sid = await this.publisher.publish(
        LocalVideoTrack.createVideoTrack(BRIDGED_VIDEO_TRACK, source),
        videoPublishOptions(),
      );
      return { source, sid, size: { width: size.width, height: size.height } };
    } catch (error) {
      await source.close().catch(() => {});
      throw error;
    }
  }

  #swapIn(opened: { source: VideoSource; sid: string; size: Size }): void {
    if (this.#closed) {
      void opened.source.close().catch(() => {});
      return;
    }
    this.#source = opened.source;
    this.#sid = opened.sid;
    this.#size = opened.size;
    this.#scaled = undefined;
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
    if (sameSize(frame, size)) {
      source.captureFrame(frame, timestampUs, rotation);
      return true;
    }
    const next = this.#watch.observe(frame, size);
    if (next && !this.#resizing) void this.#resize(size, next);
    source.captureFrame(this.#scaleToPublished(frame, size), timestampUs, rotation);
    this.counters.scaled++;
    return true;
  }

  #scaleToPublished(frame: VideoFrame, size: Size): VideoFrame {
    let out = this.#scaled;
    if (!out) {
      out = new VideoFrame(
        new Uint8Array(i420Bytes(size.width, size.height)),
        size.width,
        size.height,
        VideoBufferType.I420,
      );
      this.#scaled = out;
    }
    // Decoders hand over I420; anything else is converted first (allocates, but never seen in practice).
    const src = frame.type === VideoBufferType.I420 ? frame : frame.convert(VideoBufferType.I420);
    this.#scaler.scale(src, out);
    return out;
  }

  /** Publishes a new track at `to`, then unpublishes the old one: viewers never lose the avatar. */
  async #resize(from: Size, to: Size): Promise<void> {
    this.#resizing = true;
    const previous = { source: this.#source, sid: this.#sid };
    try {
      const opened = await this.#open(to);
      this.#swapIn(opened);
      this.counters.resizes++;
      this.publisher.onResize(from, to);
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
