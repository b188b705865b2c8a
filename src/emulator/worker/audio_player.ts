// Real-time playout of received speech into a LiveKit AudioSource, with per-segment accounting.
import { AudioFrame, AudioSource } from '@livekit/rtc-node';
import { SampleRing } from './sample_ring.js';
import { rmsLevel } from './signal.js';

/** Facts about one received speech segment, filled in by the receiver as data arrives. */
export interface SegmentInfo {
  /** 1-based order of arrival in this worker. */
  index: number;
  /** Identity that sent the stream. */
  senderIdentity: string;
  /** The stream's `sample_rate` / `num_channels` attributes. */
  sampleRate: number;
  channels: number;
  /** Bytes received (and kept) for this segment. */
  bytes: number;
  /** Received audio, in seconds of input. */
  receivedSeconds: number;
}

/** One segment's place in the ring and on the playout timeline (frames at the output rate). */
export interface PlayoutSegment {
  readonly info: SegmentInfo;
  readonly ringStart: number;
  /** Ring position after its last frame; -1 while the stream is still open. */
  ringEnd: number;
  /** Timeline position of its first / after its last frame; -1 until known. */
  timelineStart: number;
  timelineEnd: number;
  /** Set once its outcome has been reported; the receiver stops writing to it. */
  done: boolean;
}

/** How a segment ended: seconds actually played and whether it was cut short. */
export interface SegmentOutcome {
  playbackPositionSeconds: number;
  interrupted: boolean;
}

/** Options of {@link AudioPlayer}. */
export interface AudioPlayerOptions {
  sampleRate: number;
  channels: number;
  /** Audio queued ahead in the native source; also the playout latency. */
  queueMs: number;
  /** Received audio held ahead of playout before the receiver is paused. */
  bufferMs: number;
  /** Duration of each captured frame; default {@link DEFAULT_CHUNK_MS}. */
  chunkMs?: number;
  /** Called once per segment, when it has played out or was interrupted. */
  onSegmentDone: (segment: PlayoutSegment, outcome: SegmentOutcome) => void;
}

/** Default duration of each frame captured into the source, ms. */
export const DEFAULT_CHUNK_MS = 10;
/** Levels remembered per 10 ms chunk (must exceed the queue). */
const LEVEL_SLOTS = 512;

/**
 * Pushes 10 ms frames into an {@link AudioSource} in a loop: queued speech when there is some,
 * silence otherwise. The source's backpressure paces the loop at real time, `queueMs` ahead of
 * what listeners hear; the player keeps its own estimate of that queue to know what is audible
 * now (for the level shown on video and for playback positions). One frame buffer, reused.
 */
export class AudioPlayer {
  readonly source: AudioSource;
  readonly ring: SampleRing;
  readonly sampleRate: number;
  readonly channels: number;
  readonly #opts: AudioPlayerOptions;
  readonly #chunkFrames: number;
  readonly #chunkMs: number;
  readonly #frame: AudioFrame;
  readonly #levels = new Float32Array(LEVEL_SLOTS);
  #segments: PlayoutSegment[] = [];
  #pushed = 0;
  #chunks = 0;
  #queueMs = 0;
  #lastCaptureMs = 0;
  #running = false;
  #loop: Promise<void> = Promise.resolve();
  #spaceWaiters: Array<() => void> = [];
  /** Audio frames captured into the source so far. */
  framesCaptured = 0;

  constructor(opts: AudioPlayerOptions) {
    this.#opts = opts;
    this.sampleRate = opts.sampleRate;
    this.channels = opts.channels;
    this.#chunkMs = opts.chunkMs ?? DEFAULT_CHUNK_MS;
    this.#chunkFrames = (opts.sampleRate * this.#chunkMs) / 1000;
    if (!Number.isInteger(this.#chunkFrames) || this.#chunkFrames < 1)
      throw new RangeError('sample rate × chunk duration is not a whole number of frames');
    this.source = new AudioSource(opts.sampleRate, opts.channels, opts.queueMs);
    this.ring = new SampleRing(Math.ceil((opts.sampleRate * opts.bufferMs) / 1000), opts.channels);
    this.#frame = AudioFrame.create(opts.sampleRate, opts.channels, this.#chunkFrames);
  }

  /** Starts the playout loop. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Registers a new segment starting at the ring's write position. */
  openSegment(info: SegmentInfo): PlayoutSegment {
    const seg: PlayoutSegment = {
      info,
      ringStart: this.ring.written,
      ringEnd: -1,
      timelineStart: -1,
      timelineEnd: -1,
      done: false,
    };
    this.#segments.push(seg);
    return seg;
  }

  /** Marks the end of a segment's data: it is reported once its last frame has been heard. */
  closeSegment(seg: PlayoutSegment): void {
    if (seg.done || seg.ringEnd >= 0) return;
    seg.ringEnd = this.ring.written;
  }

  /** Resolves when the ring has room for `frames` frames, or the player stopped. */
  async waitForSpace(frames: number): Promise<void> {
    while (this.#running && this.ring.free < frames) {
      await new Promise<void>((resolve) => this.#spaceWaiters.push(resolve));
    }
  }

  /** Whether the loop is running. */
  get running(): boolean {
    return this.#running;
  }

  /** Segments not yet reported. */
  get pendingSegments(): number {
    return this.#segments.length;
  }

  /** RMS level (0..1) of the audio listeners hear now. */
  levelNow(): number {
    const played = this.#pushed - this.#queuedFrames(performance.now());
    const chunk = Math.floor(played / this.#chunkFrames);
    if (chunk < 0 || chunk >= this.#chunks) return 0;
    return this.#levels[chunk % LEVEL_SLOTS]!;
  }

  /**
   * Interrupts playout: drops everything queued, reports every pending segment as interrupted at
   * the position actually heard, and returns how many segments were reported.
   */
  interruptAll(): number {
    const played = this.#pushed - this.#queuedFrames(performance.now());
    const segments = this.#segments;
    this.#segments = [];
    this.ring.dropAll();
    if (!this.source.closed) this.source.clearQueue();
    this.#queueMs = 0;
    for (const seg of segments) {
      let heard = 0;
      if (seg.timelineStart >= 0) {
        const readEnd = seg.ringEnd >= 0 ? Math.min(this.ring.read, seg.ringEnd) : this.ring.read;
        heard = Math.min(Math.max(played - seg.timelineStart, 0), readEnd - seg.ringStart);
      }
      this.#finish(seg, heard, true);
    }
    this.#wakeSpaceWaiters();
    return segments.length;
  }

  /** Stops the loop and closes the source. Pending segments are dropped without reports. */
  async close(): Promise<void> {
    this.#running = false;
    this.#segments = [];
    this.#wakeSpaceWaiters();
    await this.#loop;
    await this.source.close();
  }

  async #run(): Promise<void> {
    const data = this.#frame.data;
    while (this.#running) {
      const readStart = this.ring.read;
      const n = this.ring.readInto(data, this.#chunkFrames);
      if (n < this.#chunkFrames) data.fill(0, n * this.channels);
      this.#levels[this.#chunks % LEVEL_SLOTS] = rmsLevel(data);
      this.#mapSegments(readStart, n);
      const now = performance.now();
      const elapsed = this.#lastCaptureMs === 0 ? 0 : now - this.#lastCaptureMs;
      this.#queueMs = Math.max(this.#queueMs - elapsed, 0) + this.#chunkMs;
      this.#lastCaptureMs = now;
      this.#pushed += this.#chunkFrames;
      this.#chunks++;
      if (n > 0) this.#wakeSpaceWaiters();
      try {
        await this.source.captureFrame(this.#frame);
      } catch {
        if (!this.#running) break;
        continue;
      }
      this.framesCaptured++;
      this.#finishPlayed();
    }
  }

  /** Places segment boundaries that fall within the chunk just read on the timeline. */
  #mapSegments(readStart: number, n: number): void {
    const readEnd = readStart + n;
    for (const seg of this.#segments) {
      if (seg.ringStart > readEnd) break;
      if (
        seg.timelineStart < 0 &&
        (seg.ringStart < readEnd || (seg.ringEnd >= 0 && seg.ringEnd <= readEnd))
      ) {
        seg.timelineStart = this.#pushed + Math.max(seg.ringStart - readStart, 0);
      }
      if (seg.timelineEnd < 0 && seg.ringEnd >= 0 && seg.ringEnd <= readEnd) {
        seg.timelineEnd = this.#pushed + Math.max(seg.ringEnd - readStart, 0);
      }
    }
  }

  /** Reports segments whose last frame has now been heard. */
  #finishPlayed(): void {
    const played = this.#pushed - this.#queuedFrames(performance.now());
    while (this.#segments.length > 0) {
      const seg = this.#segments[0]!;
      if (seg.timelineEnd < 0 || played < seg.timelineEnd) break;
      this.#segments.shift();
      this.#finish(seg, seg.ringEnd - seg.ringStart, false);
    }
  }

  #finish(seg: PlayoutSegment, heardFrames: number, interrupted: boolean): void {
    seg.done = true;
    this.#opts.onSegmentDone(seg, {
      playbackPositionSeconds: heardFrames / this.sampleRate,
      interrupted,
    });
  }

  #queuedFrames(now: number): number {
    const ms = Math.max(this.#queueMs - (now - this.#lastCaptureMs), 0);
    return Math.round((ms * this.sampleRate) / 1000);
  }

  #wakeSpaceWaiters(): void {
    if (this.#spaceWaiters.length === 0) return;
    const waiters = this.#spaceWaiters;
    this.#spaceWaiters = [];
    for (const w of waiters) w();
  }
}
