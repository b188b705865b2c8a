// Voice activity by RMS level with hangover: tells when someone starts and stops speaking.

/** Options of {@link VoiceActivity}. */
export interface VoiceActivityOptions {
  /** RMS level (0..1) above which a frame counts as voice; default 0.02. */
  thresholdRms?: number;
  /** Voice needed before a turn counts as started; default 150. */
  minSpeechMs?: number;
  /** Silence that ends a turn; default 600. */
  endSilenceMs?: number;
}

/** What a frame changed: a turn started, a turn ended, or nothing. */
export type VoiceChange = 'start' | 'end' | null;

/** Frame-by-frame voice activity detector; allocates nothing per frame. */
export class VoiceActivity {
  readonly #threshold: number;
  readonly #minSpeechMs: number;
  readonly #endSilenceMs: number;
  #voicedMs = 0;
  #silentMs = 0;
  #speaking = false;
  #turnMs = 0;
  /** Length of the last finished turn (ms, trailing silence excluded). */
  lastTurnMs = 0;

  constructor(opts: VoiceActivityOptions = {}) {
    this.#threshold = opts.thresholdRms ?? 0.02;
    this.#minSpeechMs = opts.minSpeechMs ?? 150;
    this.#endSilenceMs = opts.endSilenceMs ?? 600;
  }

  /** Whether a turn is in progress. */
  get speaking(): boolean {
    return this.#speaking;
  }

  /** Feeds one frame of `frameMs` at RMS `level`. */
  push(level: number, frameMs: number): VoiceChange {
    if (level >= this.#threshold) {
      this.#voicedMs += frameMs;
      this.#silentMs = 0;
    } else {
      this.#silentMs += frameMs;
      if (!this.#speaking && this.#silentMs >= this.#endSilenceMs) this.#voicedMs = 0;
    }
    if (this.#speaking) {
      this.#turnMs += frameMs;
      if (this.#silentMs >= this.#endSilenceMs) {
        this.#speaking = false;
        this.lastTurnMs = this.#turnMs - this.#silentMs;
        this.#voicedMs = 0;
        return 'end';
      }
      return null;
    }
    if (this.#voicedMs >= this.#minSpeechMs) {
      this.#speaking = true;
      this.#turnMs = this.#voicedMs;
      return 'start';
    }
    return null;
  }
}
