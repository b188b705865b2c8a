// Synthetic "speech" for the hosted character: voiced syllable bursts with vowel-like formants.
import type { AudioPlayer, PlayoutSegment } from './audio_player.js';

const SYLLABLE_MS = 160;
const SYLLABLE_GAP_MS = 40;
const WORD_GAP_MS = 80;
const SENTENCE_GAP_MS = 250;
const HARMONICS = 12;
const AMPLITUDE = 0.3 * 32767;
/** First and second formants (Hz) of five vowels; a syllable takes one by its letters. */
const VOWELS: ReadonlyArray<readonly [number, number]> = [
  [730, 1090],
  [530, 1840],
  [270, 2290],
  [570, 840],
  [300, 870],
];

/** One unit of the utterance: a voiced syllable (with a vowel) or silence. */
interface Unit {
  ms: number;
  vowel: number;
}

/** Splits `text` into syllable bursts and pauses (about 3 letters per syllable). */
function plan(text: string): Unit[] {
  const units: Unit[] = [];
  for (const word of text.split(/\s+/)) {
    const letters = word.replace(/[^\p{L}\p{N}]/gu, '');
    if (letters.length > 0) {
      const syllables = Math.max(1, Math.round(letters.length / 3));
      for (let s = 0; s < syllables; s++) {
        units.push({
          ms: SYLLABLE_MS,
          vowel: letters.charCodeAt(s % letters.length) % VOWELS.length,
        });
        units.push({ ms: SYLLABLE_GAP_MS, vowel: -1 });
      }
      units.push({ ms: WORD_GAP_MS, vowel: -1 });
    }
    if (/[.!?]$/.test(word)) units.push({ ms: SENTENCE_GAP_MS, vowel: -1 });
  }
  return units;
}

/** How long {@link speak} takes to say `text`, in ms. */
export function speechDurationMs(text: string): number {
  return plan(text).reduce((sum, u) => sum + u.ms, 0);
}

/** Gain of harmonic frequency `f` through two resonances at `f1`, `f2`. */
function formantGain(f: number, f1: number, f2: number): number {
  const r = (fc: number, bw: number) => 1 / (1 + ((f - fc) / bw) ** 2);
  return r(f1, 120) + 0.6 * r(f2, 180) + 0.05;
}

/**
 * Writes `text` as synthetic speech into the player's ring for segment `seg` (then closes it),
 * in 100 ms pieces that wait for ring space. Stops early when `seg` is done (interrupted) or the
 * player stopped. Per-sample work only; nothing allocated per piece.
 */
export async function speak(text: string, player: AudioPlayer, seg: PlayoutSegment): Promise<void> {
  const rate = player.sampleRate;
  const ring = player.ring;
  const piece = Math.round(rate / 10);
  const gains = new Float64Array(HARMONICS);
  const phases = new Float64Array(HARMONICS);
  let syllable = 0;
  for (const unit of plan(text)) {
    const frames = Math.round((unit.ms * rate) / 1000);
    const voiced = unit.vowel >= 0;
    const f0 = 110 + 30 * Math.sin(syllable * 1.7);
    if (voiced) {
      const [f1, f2] = VOWELS[unit.vowel]!;
      let norm = 0;
      for (let k = 0; k < HARMONICS; k++) {
        gains[k] = formantGain((k + 1) * f0, f1, f2);
        norm += gains[k]!;
      }
      for (let k = 0; k < HARMONICS; k++) gains[k] = gains[k]! / norm;
      syllable++;
    }
    const fade = Math.round(rate * 0.02);
    for (let done = 0; done < frames; ) {
      const n = Math.min(piece, frames - done);
      await player.waitForSpace(n);
      if (seg.done || !player.running) return;
      for (let i = 0; i < n; i++, done++) {
        if (!voiced) {
          ring.pushFrame(0);
          continue;
        }
        const env = Math.min(1, done / fade, (frames - done) / fade);
        let v = 0;
        for (let k = 0; k < HARMONICS; k++) {
          phases[k] = (phases[k]! + (2 * Math.PI * (k + 1) * f0) / rate) % (2 * Math.PI);
          v += gains[k]! * Math.sin(phases[k]!);
        }
        ring.pushFrame(Math.round(v * env * AMPLITUDE));
      }
    }
  }
  player.closeSegment(seg);
}
