// What the simulated user sees: avatar frames counted, their frame codes decoded, snapshots kept for a contact sheet.
import { type RemoteTrack, VideoBufferType, type VideoFrame, VideoStream } from '@livekit/rtc-node';
import {
  decodeFrame,
  type FrameCode,
  frameCounterDistance,
} from '../../src/emulator/worker/frame_code.js';

/** One kept frame: its luma, downscaled, with when it arrived and what its code said. */
export interface Snapshot {
  /** Milliseconds since the first avatar frame. */
  atMs: number;
  width: number;
  height: number;
  /** Greyscale (the frame's Y plane), `width × height` bytes. */
  luma: Uint8Array;
  counter: number | null;
  level: number | null;
}

/** Counters of the avatar video as received. */
export interface VideoStats {
  framesReceived: number;
  /** Frames whose frame code decoded (counter + level, CRC checked). */
  framesDecoded: number;
  framesUndecodable: number;
  /** Counter slots missing between consecutive decoded frames (skipped by the worker or lost). */
  framesDropped: number;
  /** Decoded frames whose counter did not move forward (repeats, reordering). */
  framesOutOfOrder: number;
  /** Received frames per second, first to last frame. */
  fps: number;
  /** `Date.now()` of the first frame, if any. */
  firstFrameAtMs: number | undefined;
  lastFrameAtMs: number | undefined;
  firstCounter: number | undefined;
  lastCounter: number | undefined;
  /** Largest level read from a decoded frame (the worker draws the audio it is playing). */
  maxLevel: number;
  /** Decoded frames drawn while the avatar was speaking (level above 0.02). */
  framesSpeaking: number;
  resolutions: string[];
}

/** Snapshot width; every frame is scaled to it (nearest pixel), keeping its aspect ratio. */
const TILE_WIDTH = 272;
/** A decoded level above this means the avatar is speaking in that frame (its "mouth" is open). */
const SPEAKING_LEVEL = 0.02;

/**
 * Reads the avatar's video track, decodes every frame's code, and keeps `snapshotCount` greyscale
 * snapshots evenly spaced over `planMs` from the first frame (the last one taken at the end).
 */
export class VideoWatcher {
  readonly snapshots: Snapshot[] = [];
  readonly #reader: ReadableStreamDefaultReader<{
    frame: VideoFrame;
  }>;
  readonly #loop: Promise<void>;
  readonly #planMs: number;
  readonly #count: number;
  readonly #sizes = new Set<string>();
  #frames = 0;
  #decoded = 0;
  #undecodable = 0;
  #dropped = 0;
  #outOfOrder = 0;
  #first: number | undefined;
  #last: number | undefined;
  #firstCounter: number | undefined;
  #lastCounter: number | undefined;
  #maxLevel = 0;
  #speaking = 0;
  #onFirst: (() => void) | undefined;
  /** The latest frame (rtc-node hands out copies), for a last tile if the plan was not reached. */
  #lastFrame: VideoFrame | undefined;
  #lastFrameCode: FrameCode | null = null;
  /** Resolves at the first frame. */
  readonly firstFrame: Promise<void>;

  constructor(track: RemoteTrack, planMs: number, snapshotCount = 12) {
    this.#planMs = planMs;
    this.#count = snapshotCount;
    this.firstFrame = new Promise((resolve) => {
      this.#onFirst = resolve;
    });
    this.#reader = new VideoStream(track).getReader();
    this.#loop = this.#run();
  }

  async #run(): Promise<void> {
    for (;;) {
      const { value, done } = await this.#reader.read().catch(() => ({ done: true, value: null }));
      if (done || !value) return;
      this.#onFrame(value.frame);
    }
  }

  #onFrame(frame: VideoFrame): void {
    const now = Date.now();
    this.#frames++;
    if (this.#first === undefined) {
      this.#first = now;
      this.#onFirst?.();
    }
    this.#last = now;
    const size = `${frame.width}x${frame.height}`;
    if (!this.#sizes.has(size)) this.#sizes.add(size);
    const code = decodeFrame(frame);
    if (code) {
      this.#decoded++;
      if (code.level > this.#maxLevel) this.#maxLevel = code.level;
      if (code.level > SPEAKING_LEVEL) this.#speaking++;
      if (this.#lastCounter === undefined) this.#firstCounter = code.counter;
      else {
        const d = frameCounterDistance(this.#lastCounter, code.counter);
        // A jump of more than ~40 s of frames is a counter going backwards.
        if (d === 0 || d > 1000) this.#outOfOrder++;
        else this.#dropped += d - 1;
      }
      this.#lastCounter = code.counter;
    } else this.#undecodable++;
    const next = this.snapshots.length;
    if (next < this.#count - 1) {
      const dueMs = (this.#planMs * next) / (this.#count - 1);
      if (now - this.#first >= dueMs) this.snapshots.push(this.#snapshot(frame, now, code));
    } else if (next === this.#count - 1 && now - this.#first >= this.#planMs) {
      this.snapshots.push(this.#snapshot(frame, now, code));
    }
    this.#lastFrame = frame;
    this.#lastFrameCode = code;
  }

  #snapshot(frame: VideoFrame, now: number, code: FrameCode | null): Snapshot {
    const width = TILE_WIDTH;
    const height = Math.max(1, Math.round((TILE_WIDTH * frame.height) / frame.width));
    const luma = new Uint8Array(width * height);
    const planar =
      frame.type === VideoBufferType.I420 ||
      frame.type === VideoBufferType.I420A ||
      frame.type === VideoBufferType.NV12;
    const rgba = frame.type === VideoBufferType.RGBA || frame.type === VideoBufferType.BGRA;
    for (let y = 0; y < height; y++) {
      const row = Math.floor((y * frame.height) / height) * frame.width;
      for (let x = 0; x < width; x++) {
        const i = row + Math.floor((x * frame.width) / width);
        let v = 0;
        if (planar) v = frame.data[i] ?? 0;
        else if (rgba) {
          const j = 4 * i;
          v = ((frame.data[j] ?? 0) + 2 * (frame.data[j + 1] ?? 0) + (frame.data[j + 2] ?? 0)) >> 2;
        }
        luma[y * width + x] = v;
      }
    }
    return {
      atMs: now - (this.#first ?? now),
      width,
      height,
      luma,
      counter: code?.counter ?? null,
      level: code?.level ?? null,
    };
  }

  /** Counters so far. */
  stats(): VideoStats {
    const spanS =
      this.#first !== undefined && this.#last !== undefined ? (this.#last - this.#first) / 1000 : 0;
    return {
      framesReceived: this.#frames,
      framesDecoded: this.#decoded,
      framesUndecodable: this.#undecodable,
      framesDropped: this.#dropped,
      framesOutOfOrder: this.#outOfOrder,
      fps: spanS > 0 ? (this.#frames - 1) / spanS : 0,
      firstFrameAtMs: this.#first,
      lastFrameAtMs: this.#last,
      firstCounter: this.#firstCounter,
      lastCounter: this.#lastCounter,
      maxLevel: this.#maxLevel,
      framesSpeaking: this.#speaking,
      resolutions: [...this.#sizes],
    };
  }

  /** Stops reading. If the plan's end was not reached, the last frame seen becomes the last tile. */
  async stop(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
    await this.#loop.catch(() => {});
    if (this.snapshots.length < this.#count && this.#lastFrame && this.#last !== undefined) {
      this.snapshots.push(this.#snapshot(this.#lastFrame, this.#last, this.#lastFrameCode));
    }
    this.#lastFrame = undefined;
  }
}
