// Renders a TonePlan as int16 samples, frame by frame, with raised-cosine fades at each tone's ends.
import { TONE_AMPLITUDE, TONE_FADE_MS, type TonePlan } from './tone_code.js';

/** Fills consecutive samples of one utterance into caller-provided buffers. */
export interface UtteranceRenderer {
  /** Samples in the whole utterance (a multiple of the frame size the caller uses). */
  readonly totalSamples: number;
  /** Writes the next `out.length` samples (zeros past the end). */
  fill(out: Int16Array): void;
}

/** Sine tones back to back, as planned by {@link tonePlan}. */
export class ToneRenderer implements UtteranceRenderer {
  readonly totalSamples: number;
  readonly #sampleRate: number;
  readonly #steps: Float64Array;
  readonly #ends: Int32Array;
  readonly #fade: number;
  readonly #peak = TONE_AMPLITUDE * 32767;
  #part = 0;
  #partStart = 0;
  #pos = 0;

  constructor(plan: TonePlan, sampleRate: number) {
    this.#sampleRate = sampleRate;
    this.#steps = Float64Array.from(plan.frequenciesHz, (f) => (2 * Math.PI * f) / sampleRate);
    let end = 0;
    this.#ends = Int32Array.from(plan.partsMs, (ms) => {
      end += Math.round((ms * sampleRate) / 1000);
      return end;
    });
    this.totalSamples = end;
    this.#fade = Math.max(1, Math.round((TONE_FADE_MS * this.#sampleRate) / 1000));
  }

  fill(out: Int16Array): void {
    for (let i = 0; i < out.length; i++) {
      while (this.#part < this.#ends.length && this.#pos >= this.#ends[this.#part]!) {
        this.#partStart = this.#ends[this.#part]!;
        this.#part++;
      }
      if (this.#part >= this.#ends.length) {
        out[i] = 0;
        continue;
      }
      const k = this.#pos - this.#partStart;
      const left = this.#ends[this.#part]! - this.#pos;
      const edge = Math.min(k, left - 1);
      const gain = edge < this.#fade ? 0.5 - 0.5 * Math.cos((Math.PI * edge) / this.#fade) : 1;
      out[i] = Math.round(Math.sin(this.#steps[this.#part]! * k) * this.#peak * gain);
      this.#pos++;
    }
  }
}
