// Audio helpers for e2e tests: a real-time sine source, a received-audio collector, and tone analysis.
import { AudioFrame, type AudioSource, type AudioStream } from '@livekit/rtc-node';

/** Options of {@link ToneGenerator}. */
export interface ToneOptions {
  frequencyHz: number;
  /** Default 48 000. */
  sampleRate?: number;
  /** Default 1; every channel carries the same tone. */
  channels?: number;
  /** Frame duration; default 10 ms. */
  frameMs?: number;
  /** Peak amplitude in [0, 1]; default 0.5. */
  amplitude?: number;
}

/**
 * Produces consecutive sine frames with continuous phase. One `AudioFrame` is allocated up front
 * and refilled by every {@link ToneGenerator.next} call: capture it (and await) before the next call.
 */
export class ToneGenerator {
  /** The reused frame. */
  readonly frame: AudioFrame;
  private phase = 0;
  private readonly step: number;
  private readonly peak: number;

  constructor(opts: ToneOptions) {
    const sampleRate = opts.sampleRate ?? 48_000;
    const channels = opts.channels ?? 1;
    const samples = Math.round((sampleRate * (opts.frameMs ?? 10)) / 1000);
    this.frame = AudioFrame.create(sampleRate, channels, samples);
    this.step = (2 * Math.PI * opts.frequencyHz) / sampleRate;
    this.peak = Math.round((opts.amplitude ?? 0.5) * 32767);
  }

  /** Refills {@link ToneGenerator.frame} with the next samples and returns it. */
  next(): AudioFrame {
    const { data, channels, samplesPerChannel } = this.frame;
    for (let i = 0; i < samplesPerChannel; i++) {
      const v = Math.round(Math.sin(this.phase) * this.peak);
      for (let c = 0; c < channels; c++) data[i * channels + c] = v;
      this.phase += this.step;
    }
    this.phase %= 2 * Math.PI;
    return this.frame;
  }
}

/**
 * Feeds `source` from `generator` until `signal` aborts. `captureFrame` blocks once the source's
 * queue is full, so this runs in real time. Resolves when stopped.
 */
export async function pumpTone(
  source: AudioSource,
  generator: ToneGenerator,
  signal: AbortSignal,
): Promise<void> {
  while (!signal.aborted) await source.captureFrame(generator.next());
}

/** Options of {@link collectAudio}. */
export interface CollectAudioOptions {
  /** How much audio to keep (after the leading silence). */
  durationMs: number;
  /** Give up after this long; default durationMs + 10 000. */
  timeoutMs?: number;
  /** Frames whose RMS is below this (0..1) are skipped until the first louder one; default 0.01. */
  silenceRms?: number;
}

/**
 * Reads frames from `stream` (must be mono or takes channel 0), drops leading silence, and returns
 * `durationMs` of samples plus the stream's sample rate. Cancels the stream when done.
 * @throws Error on timeout or if the stream ends first.
 */
export async function collectAudio(
  stream: AudioStream,
  opts: CollectAudioOptions,
): Promise<{ samples: Int16Array; sampleRate: number }> {
  const reader = stream.getReader();
  const silence = opts.silenceRms ?? 0.01;
  let samples: Int16Array | undefined;
  let filled = 0;
  let sampleRate = 0;
  const timeoutMs = opts.timeoutMs ?? opts.durationMs + 10_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`collectAudio: timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  const done = (async () => {
    while (!samples || filled < samples.length) {
      const { value: frame, done: ended } = await reader.read();
      if (ended) throw new Error('collectAudio: stream ended early');
      if (!samples) {
        if (rms(frame.data, frame.channels) < silence) continue;
        sampleRate = frame.sampleRate;
        samples = new Int16Array(Math.round((sampleRate * opts.durationMs) / 1000));
      }
      const n = Math.min(frame.samplesPerChannel, samples.length - filled);
      for (let i = 0; i < n; i++) samples[filled + i] = frame.data[i * frame.channels]!;
      filled += n;
    }
    return { samples, sampleRate };
  })();
  try {
    return await Promise.race([done, timeout]);
  } finally {
    clearTimeout(timer);
    await reader.cancel().catch(() => {});
  }
}

/** Root-mean-square level of channel 0 of interleaved samples, in [0, 1]. */
export function rms(samples: Int16Array, channels = 1): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < samples.length; i += channels) {
    const v = samples[i]! / 32768;
    sum += v * v;
    n++;
  }
  return n ? Math.sqrt(sum / n) : 0;
}

/**
 * Reads `stream` until its first frame at least `minRms` loud ({@link rms}, in [0, 1]), then cancels it.
 * Resolves true then, or false if the stream ended first. No timeout: callers wait on what it sets.
 */
export async function untilLoud(stream: AudioStream, minRms: number): Promise<boolean> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || !value) return false;
      if (rms(value.data, value.channels) >= minRms) return true;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** Amplitude (in [0, 1], for a full-scale sine ~1) of `freqHz` in mono `samples` (Goertzel). */
export function goertzelAmplitude(samples: Int16Array, sampleRate: number, freqHz: number): number {
  const coeff = 2 * Math.cos((2 * Math.PI * freqHz) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < samples.length; i++) {
    const s0 = samples[i]! / 32768 + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * Math.sqrt(Math.max(power, 0))) / samples.length;
}

/**
 * Frequency with the largest Goertzel amplitude between `minHz` and `maxHz` (coarse 10 Hz scan,
 * then 1 Hz refinement), with that amplitude.
 */
export function dominantFrequency(
  samples: Int16Array,
  sampleRate: number,
  minHz = 50,
  maxHz = 4_000,
): { frequencyHz: number; amplitude: number } {
  let best = { frequencyHz: minHz, amplitude: -1 };
  const scan = (from: number, to: number, step: number) => {
    for (let f = from; f <= to; f += step) {
      const amplitude = goertzelAmplitude(samples, sampleRate, f);
      if (amplitude > best.amplitude) best = { frequencyHz: f, amplitude };
    }
  };
  scan(minHz, maxHz, 10);
  const coarse = best.frequencyHz;
  scan(Math.max(minHz, coarse - 10), Math.min(maxHz, coarse + 10), 1);
  return best;
}

/**
 * Frequency estimate from rising zero crossings (good for one clean tone), in Hz: the sample rate over the
 * median period between crossings. The median, not the span over the count: a gap in the audio (a stall
 * of the sender under load, filled with silence or concealment) or a glitch moves only a few periods.
 */
export function zeroCrossingFrequency(samples: Int16Array, sampleRate: number): number {
  const periods: number[] = [];
  let last = -1;
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    if (a < 0 && b >= 0) {
      // Linear interpolation of the crossing point.
      const t = i - 1 + -a / (b - a);
      if (last >= 0) periods.push(t - last);
      last = t;
    }
  }
  if (!periods.length) return 0;
  periods.sort((x, y) => x - y);
  return sampleRate / periods[periods.length >> 1]!;
}
