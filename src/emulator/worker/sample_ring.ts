// A fixed-size ring of interleaved Int16 audio frames with absolute read/write positions.

/**
 * Single-producer, single-consumer ring of audio frames (`channels` interleaved Int16 samples each).
 * Positions (`written`, `read`) count frames since creation, so they can mark segment boundaries.
 * Allocates once; nothing on the hot path.
 */
export class SampleRing {
  /** Capacity in frames. */
  readonly capacity: number;
  /** Interleaved channels per frame. */
  readonly channels: number;
  readonly #buf: Int16Array;
  #written = 0;
  #read = 0;

  constructor(capacityFrames: number, channels: number) {
    this.capacity = capacityFrames;
    this.channels = channels;
    this.#buf = new Int16Array(capacityFrames * channels);
  }

  /** Frames written since creation. */
  get written(): number {
    return this.#written;
  }

  /** Frames read (or dropped) since creation. */
  get read(): number {
    return this.#read;
  }

  /** Frames waiting to be read. */
  get available(): number {
    return this.#written - this.#read;
  }

  /** Frames that can be written without overwriting unread ones. */
  get free(): number {
    return this.capacity - this.available;
  }

  /** Appends one frame whose every channel is `value`. The caller checks {@link free} first. */
  pushFrame(value: number): void {
    const ch = this.channels;
    let i = (this.#written % this.capacity) * ch;
    for (let c = 0; c < ch; c++) this.#buf[i++] = value;
    this.#written++;
  }

  /**
   * Moves up to `frames` frames into `dst` (interleaved, from index 0) and returns how many were
   * moved.
   */
  readInto(dst: Int16Array, frames: number): number {
    const n = Math.min(frames, this.available);
    const ch = this.channels;
    let start = this.#read % this.capacity;
    let done = 0;
    while (done < n) {
      const run = Math.min(n - done, this.capacity - start);
      dst.set(this.#buf.subarray(start * ch, (start + run) * ch), done * ch);
      done += run;
      start = 0;
    }
    this.#read += n;
    return n;
  }

  /** Drops every unread frame. */
  dropAll(): void {
    this.#read = this.#written;
  }
}
