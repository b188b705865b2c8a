// Converts raw little-endian Int16 PCM of any rate and channel count to the playout format.
import type { SampleRing } from './sample_ring.js';

/**
 * Streams interleaved LE Int16 bytes at (`inRate`, `inChannels`) into a {@link SampleRing} at the
 * ring's rate: channels are averaged to mono, then linearly interpolated to `outRate`. Chunk
 * boundaries may split samples anywhere (a few carried bytes). Allocates nothing per chunk.
 */
export class PcmConverter {
  readonly outRate: number;
  #inRate = 16000;
  #inChannels = 1;
  #step = 1;
  #pos = 0;
  #prev = 0;
  /** A low byte waiting for its high byte from the next chunk, or -1. */
  #carry = -1;
  #frameSum = 0;
  #frameCount = 0;

  constructor(outRate: number) {
    this.outRate = outRate;
  }

  /** Starts a new stream at `inRate` Hz with `inChannels` channels (1..16). */
  reset(inRate: number, inChannels: number): void {
    this.#inRate = inRate;
    this.#inChannels = inChannels;
    this.#step = inRate / this.outRate;
    this.#pos = 0;
    this.#prev = 0;
    this.#carry = -1;
    this.#frameSum = 0;
    this.#frameCount = 0;
  }

  /** Input frames' duration in seconds for `bytes` bytes of this stream. */
  secondsOf(bytes: number): number {
    return bytes / (2 * this.#inChannels * this.#inRate);
  }

  /** Upper bound of output frames that `byteLength` more input bytes can produce. */
  maxOutputFrames(byteLength: number): number {
    const inFrames = (byteLength + 1) / (2 * this.#inChannels);
    return Math.ceil(inFrames / this.#step) + 2;
  }

  /** Converts `bytes` and appends the output to `ring` (which must have room, see above). */
  push(bytes: Uint8Array, ring: SampleRing): void {
    let i = 0;
    // Finish a sample split across chunks.
    if (this.#carry >= 0 && bytes.length > 0) {
      this.#sample(this.#carry | (bytes[0]! << 8), ring);
      this.#carry = -1;
      i = 1;
    }
    const end = bytes.length - ((bytes.length - i) & 1);
    for (; i < end; i += 2) this.#sample(bytes[i]! | (bytes[i + 1]! << 8), ring);
    if (end < bytes.length) {
      this.#carry = bytes[end]!;
    }
  }

  #sample(u16: number, ring: SampleRing): void {
    this.#frameSum += (u16 << 16) >> 16;
    if (++this.#frameCount < this.#inChannels) return;
    const x = this.#frameSum / this.#inChannels;
    this.#frameSum = 0;
    this.#frameCount = 0;
    const x0 = this.#prev;
    let pos = this.#pos;
    while (pos < 1) {
      ring.pushFrame(Math.round(x0 + (x - x0) * pos));
      pos += this.#step;
    }
    this.#pos = pos - 1;
    this.#prev = x;
  }
}
