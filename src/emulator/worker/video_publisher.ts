// Publishes the worker's synthetic camera at a fixed rate: a face talking with the audible level, above a band
// carrying a frame counter and that level.
import { VideoBufferType, VideoFrame, VideoSource } from '@livekit/rtc-node';
import { eyesClosedAt, FacePainter } from './face.js';
import { allocateI420, encodeFrame } from './frame_code.js';

/** Options of {@link CodedVideo}. */
export interface CodedVideoOptions {
  width: number;
  height: number;
  fps: number;
  /** Level (0..1) to draw into the next frame: the audio heard right now. */
  level: () => number;
  /** For this long after start, frames are drawn at a quarter of the size (see WorkerVideoOptions). */
  rampUpMs?: number;
}

/** Divisor of each side while ramping up: a quarter of the size, the lowest simulcast layer's scale. */
const RAMP_UP_DIVISOR = 4;

/**
 * A {@link VideoSource} fed at `fps` by a drift-corrected timer with frames drawn by a
 * {@link FacePainter} (mouth open with the level, eyes blinking on the slot's time) and
 * {@link encodeFrame}. A frame's counter is its time slot (`fps` slots per second from start), so a
 * viewer can tell frames the worker skipped from frames lost on the way. One frame buffer, reused.
 */
export class CodedVideo {
  readonly source: VideoSource;
  readonly #opts: CodedVideoOptions;
  readonly #frame: VideoFrame;
  /** The smaller frame drawn while ramping up (only when `rampUpMs` is set). */
  readonly #rampFrame: VideoFrame | undefined;
  readonly #painter: FacePainter;
  readonly #rampPainter: FacePainter | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #startMs = 0;
  #running = false;
  #slot = 0;
  /** Frames captured so far. */
  framesPublished = 0;

  constructor(opts: CodedVideoOptions) {
    this.#opts = opts;
    this.source = new VideoSource(opts.width, opts.height);
    const data = allocateI420(opts.width, opts.height);
    this.#frame = new VideoFrame(data, opts.width, opts.height, VideoBufferType.I420);
    this.#painter = new FacePainter(opts.width, opts.height);
    if (opts.rampUpMs && opts.rampUpMs > 0) {
      const w = Math.max(28, Math.round(opts.width / RAMP_UP_DIVISOR / 2) * 2);
      const h = Math.max(24, Math.round(opts.height / RAMP_UP_DIVISOR / 2) * 2);
      this.#rampFrame = new VideoFrame(allocateI420(w, h), w, h, VideoBufferType.I420);
      this.#rampPainter = new FacePainter(w, h);
    }
  }

  /** Starts the frame timer. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#startMs = performance.now();
    this.#tick();
  }

  /** Stops the timer (the source stays open until {@link close}). */
  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Stops and closes the source. */
  async close(): Promise<void> {
    this.stop();
    await this.source.close();
  }

  readonly #tick = (): void => {
    if (!this.#running) return;
    const periodMs = 1000 / this.#opts.fps;
    // The counter is the frame's time slot since start; slots missed by a stalled loop are skipped.
    const elapsedMs = performance.now() - this.#startMs;
    const slot = Math.max(this.#slot, Math.floor(elapsedMs / periodMs));
    const ramping = this.#rampFrame && elapsedMs < (this.#opts.rampUpMs ?? 0);
    const frame = ramping ? this.#rampFrame! : this.#frame;
    const painter = ramping ? this.#rampPainter! : this.#painter;
    const level = this.#opts.level();
    painter.draw(frame, level, eyesClosedAt(slot * periodMs));
    encodeFrame(slot, level, frame);
    try {
      this.source.captureFrame(frame);
      this.framesPublished++;
    } catch {
      this.stop();
      return;
    }
    this.#slot = slot + 1;
    const nextAt = this.#startMs + this.#slot * periodMs;
    this.#timer = setTimeout(this.#tick, Math.max(0, nextAt - performance.now()));
  };
}
