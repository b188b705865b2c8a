// Video helpers for e2e tests: a synthetic I420 source pumped in real time, and a frame reader.
import { VideoBufferType, VideoFrame, type VideoSource, type VideoStream } from '@livekit/rtc-node';

/**
 * Flat-colour I420 frames whose luma changes every frame (cycling through `lumaLevels`), so a
 * receiver can tell frames carry content. One frame buffer is allocated up front and refilled.
 */
export class SyntheticVideo {
  /** The reused frame. */
  readonly frame: VideoFrame;
  /** Luma values cycled through, one per frame. */
  static readonly lumaLevels = [40, 80, 120, 160, 200] as const;
  private index = 0;
  private readonly lumaBytes: number;

  constructor(width: number, height: number) {
    const ySize = width * height;
    const data = new Uint8Array(ySize + 2 * ((width >> 1) * (height >> 1)));
    data.fill(128, ySize);
    this.frame = new VideoFrame(data, width, height, VideoBufferType.I420);
    this.lumaBytes = ySize;
  }

  /** Refills the luma plane with the next level and returns the frame. */
  next(): VideoFrame {
    const levels = SyntheticVideo.lumaLevels;
    this.frame.data.fill(levels[this.index++ % levels.length]!, 0, this.lumaBytes);
    return this.frame;
  }
}

/**
 * Captures frames from `video` into `source` at `fps` (drift-corrected timer) until the returned
 * stop function is called.
 */
export function pumpVideo(source: VideoSource, video: SyntheticVideo, fps: number): () => void {
  const periodMs = 1000 / fps;
  const start = performance.now();
  let n = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    source.captureFrame(video.next(), BigInt(Math.round(n * periodMs * 1000)));
    n++;
    timer = setTimeout(tick, Math.max(0, start + n * periodMs - performance.now()));
  };
  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** What {@link VideoFrameReader} keeps per received frame. */
export interface ReceivedFrameInfo {
  /** `performance.now()` at arrival. */
  arrivedMs: number;
  timestampUs: bigint;
  width: number;
  height: number;
  /** Luma at the centre pixel (I420 frames; -1 for other buffer types). */
  centreLuma: number;
}

/** Reads a `VideoStream` in the background and records every frame's arrival time and shape. */
export class VideoFrameReader {
  readonly frames: ReceivedFrameInfo[] = [];
  private readonly reader: ReadableStreamDefaultReader<{ frame: VideoFrame; timestampUs: bigint }>;
  private readonly loop: Promise<void>;
  private stopped = false;

  constructor(stream: VideoStream) {
    this.reader = stream.getReader();
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const { value, done } = await this.reader.read();
      if (done) return;
      const { frame, timestampUs } = value;
      const centre = (frame.height >> 1) * frame.width + (frame.width >> 1);
      this.frames.push({
        arrivedMs: performance.now(),
        timestampUs,
        width: frame.width,
        height: frame.height,
        centreLuma: frame.type === VideoBufferType.I420 ? frame.data[centre]! : -1,
      });
    }
  }

  /** Frames per second over the frames that arrived in the last `windowMs`. */
  recentFps(windowMs: number): number {
    const now = performance.now();
    const recent = this.frames.filter((f) => f.arrivedMs >= now - windowMs);
    return (recent.length * 1000) / windowMs;
  }

  /** Stops reading and cancels the stream. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.reader.cancel().catch(() => {});
    await this.loop.catch(() => {});
  }
}
