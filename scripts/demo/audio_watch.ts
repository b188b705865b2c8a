// What the simulated user hears: the avatar's audio, measured for loudness and cut into utterances.
import { type AudioFrame, AudioStream, type RemoteTrack } from '@livekit/rtc-node';

/** RMS (0..1) above which a 10 ms frame counts as heard sound rather than silence. */
export const HEARD_RMS = 0.01;
/** Quiet that ends an utterance (longer than the voices' pauses between sentences). */
const UTTERANCE_END_MS = 1000;
const SAMPLE_RATE = 48_000;

/** One stretch of avatar speech as heard. */
export interface Utterance {
  /** `Date.now()` at its first loud frame. */
  startAtMs: number;
  /** From first to last loud frame. */
  durationMs: number;
  /** Loud frames in it, in ms. */
  audibleMs: number;
  /** Highest frame RMS. */
  peakRms: number;
}

/** Root-mean-square level of channel 0 of interleaved int16 samples, in [0, 1]. */
function rmsOf(data: Int16Array, channels: number): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < data.length; i += channels) {
    const v = data[i]! / 32768;
    sum += v * v;
    n++;
  }
  return n ? Math.sqrt(sum / n) : 0;
}

/**
 * Reads an audio track at 48 kHz mono: counts audible milliseconds, splits them into utterances,
 * and keeps the samples (for `heard.wav`) up to `maxRecordMs`.
 */
export class AudioWatcher {
  readonly utterances: Utterance[] = [];
  readonly #reader: ReadableStreamDefaultReader<AudioFrame>;
  readonly #loop: Promise<void>;
  readonly #recording: Int16Array;
  #recorded = 0;
  #audibleMs = 0;
  #receivedMs = 0;
  #current: Utterance | undefined;
  #quietMs = 0;
  #firstAudibleAtMs: number | undefined;
  #lastAudibleAtMs: number | undefined;
  #listeners = new Set<(u: Utterance, ended: boolean) => void>();

  constructor(track: RemoteTrack, maxRecordMs: number) {
    this.#recording = new Int16Array(Math.round((SAMPLE_RATE * maxRecordMs) / 1000));
    this.#reader = new AudioStream(track, { sampleRate: SAMPLE_RATE, numChannels: 1 }).getReader();
    this.#loop = this.#run();
  }

  async #run(): Promise<void> {
    for (;;) {
      const { value, done } = await this.#reader
        .read()
        .catch(() => ({ done: true, value: undefined }));
      if (done || !value) return;
      this.#onFrame(value);
    }
  }

  #onFrame(frame: AudioFrame): void {
    const now = Date.now();
    const ms = (frame.samplesPerChannel * 1000) / frame.sampleRate;
    this.#receivedMs += ms;
    const n = Math.min(frame.samplesPerChannel, this.#recording.length - this.#recorded);
    for (let i = 0; i < n; i++)
      this.#recording[this.#recorded + i] = frame.data[i * frame.channels]!;
    this.#recorded += n;
    const level = rmsOf(frame.data, frame.channels);
    if (level >= HEARD_RMS) {
      this.#audibleMs += ms;
      this.#firstAudibleAtMs ??= now;
      this.#lastAudibleAtMs = now;
      this.#quietMs = 0;
      if (!this.#current) {
        this.#current = { startAtMs: now, durationMs: 0, audibleMs: 0, peakRms: 0 };
        this.utterances.push(this.#current);
        for (const l of this.#listeners) l(this.#current, false);
      }
      const u = this.#current;
      u.audibleMs += ms;
      u.durationMs = now + ms - u.startAtMs;
      if (level > u.peakRms) u.peakRms = level;
    } else if (this.#current) {
      this.#quietMs += ms;
      if (this.#quietMs >= UTTERANCE_END_MS) {
        const u = this.#current;
        this.#current = undefined;
        for (const l of this.#listeners) l(u, true);
      }
    }
  }

  /** Calls `listener(utterance, ended)` when an utterance starts and when it ends. */
  onUtterance(listener: (u: Utterance, ended: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Whether an utterance is in progress. */
  get speaking(): boolean {
    return this.#current !== undefined;
  }

  /** Milliseconds of audible (above {@link HEARD_RMS}) audio so far. */
  get audibleMs(): number {
    return this.#audibleMs;
  }

  /** Milliseconds of audio frames received (silence included). */
  get receivedMs(): number {
    return this.#receivedMs;
  }

  /** `Date.now()` of the first audible frame. */
  get firstAudibleAtMs(): number | undefined {
    return this.#firstAudibleAtMs;
  }

  /** `Date.now()` of the latest audible frame. */
  get lastAudibleAtMs(): number | undefined {
    return this.#lastAudibleAtMs;
  }

  /** The recorded samples (48 kHz mono) so far. */
  recording(): { samples: Int16Array; sampleRate: number } {
    return { samples: this.#recording.subarray(0, this.#recorded), sampleRate: SAMPLE_RATE };
  }

  /** Stops reading. */
  async stop(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
    await this.#loop.catch(() => {});
  }
}

/** A 16-bit mono PCM WAV file of `samples`. */
export function wavFile(samples: Int16Array, sampleRate: number): Buffer {
  const header = Buffer.alloc(44);
  const dataBytes = samples.length * 2;
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  const body = Buffer.from(samples.buffer, samples.byteOffset, dataBytes);
  return Buffer.concat([header, body]);
}
