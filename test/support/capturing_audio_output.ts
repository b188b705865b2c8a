// A voice.AudioOutput for tests: keeps every segment's frames and finishes each segment on flush.
import { voice } from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';

/** One playback segment as captured. */
export interface CapturedSegment {
  frames: AudioFrame[];
  /** True when the segment ended with clearBuffer() (interruption) rather than flush(). */
  interrupted: boolean;
}

/**
 * Captures what the agent "plays": frames are kept per segment (a segment ends at flush() or
 * clearBuffer()), playback starts on the first frame and finishes at once on flush, with the
 * segment's full duration as playback position. Cannot pause.
 */
export class CapturingAudioOutput extends voice.AudioOutput {
  /** Finished segments, in order. */
  readonly segments: CapturedSegment[] = [];
  #current: AudioFrame[] | undefined;
  #waiters: Array<{ count: number; resolve: () => void }> = [];

  constructor(sampleRate?: number) {
    super(sampleRate);
  }

  override async captureFrame(frame: AudioFrame): Promise<void> {
    await super.captureFrame(frame);
    if (!this.#current) {
      this.#current = [];
      this.onPlaybackStarted(Date.now());
    }
    this.#current.push(frame);
  }

  override flush(): void {
    super.flush();
    this.#finish(false);
  }

  clearBuffer(): void {
    this.#finish(true);
  }

  /** Resolves once `count` segments have finished. */
  waitForSegments(count: number): Promise<void> {
    if (this.segments.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  #finish(interrupted: boolean): void {
    const frames = this.#current;
    if (!frames) return;
    this.#current = undefined;
    this.segments.push({ frames, interrupted });
    const seconds = frames.reduce((s, f) => s + f.samplesPerChannel / f.sampleRate, 0);
    this.onPlaybackFinished({ playbackPosition: seconds, interrupted });
    this.#waiters = this.#waiters.filter((w) => {
      if (this.segments.length < w.count) return true;
      w.resolve();
      return false;
    });
  }
}

/** Channel 0 of `frames`, concatenated, with the (first frame's) sample rate. */
export function concatFrames(frames: readonly AudioFrame[]): {
  samples: Int16Array;
  sampleRate: number;
} {
  const total = frames.reduce((n, f) => n + f.samplesPerChannel, 0);
  const samples = new Int16Array(total);
  let at = 0;
  for (const f of frames) {
    for (let i = 0; i < f.samplesPerChannel; i++) samples[at + i] = f.data[i * f.channels]!;
    at += f.samplesPerChannel;
  }
  return { samples, sampleRate: frames[0]?.sampleRate ?? 0 };
}
