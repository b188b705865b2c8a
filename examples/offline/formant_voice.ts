// A tiny, deterministic "speech-like" voice: a pulse train through three vowel formants, one
// syllable per vowel group of the text, with a falling pitch contour and pauses at punctuation.
import { stableHash } from './tone_code.js';
import type { UtteranceRenderer } from './tone_render.js';

/** Formant frequencies (F1, F2, F3, Hz) of the vowels the voice can say. */
const VOWELS: Record<string, readonly [number, number, number]> = {
  a: [730, 1090, 2440],
  e: [530, 1840, 2480],
  i: [270, 2290, 3010],
  o: [570, 840, 2410],
  u: [300, 870, 2240],
};
const BANDWIDTHS_HZ = [90, 110, 140] as const;
const FORMANT_GAINS = [1, 0.55, 0.25] as const;
const WORD_GAP_MS = 40;
const COMMA_GAP_MS = 160;
const STOP_GAP_MS = 320;
const MAX_UTTERANCE_MS = 30_000;
const BASE_PITCH_HZ = 125;

interface Segment {
  samples: number;
  /** Formants, or undefined for a pause. */
  formants?: readonly [number, number, number];
  /** Samples of noise burst at the start (a consonant). */
  noise: number;
  /** Stressed syllable (first of a word): a little louder and higher. */
  stressed: boolean;
}

function vowelOf(group: string): readonly [number, number, number] {
  const base = group
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
  const ch = base[0] === 'y' ? 'i' : base[0];
  return VOWELS[ch ?? 'e'] ?? VOWELS.e!;
}

/** Syllables and pauses of `text`, in order. */
function segmentsOf(text: string, sampleRate: number): Segment[] {
  const ms = (v: number) => Math.round((v * sampleRate) / 1000);
  const out: Segment[] = [];
  let total = 0;
  const push = (s: Segment) => {
    if (total + s.samples > ms(MAX_UTTERANCE_MS)) return;
    total += s.samples;
    out.push(s);
  };
  for (const m of text.matchAll(/([\p{L}\p{N}']+)|([.!?]+)|([,;:]+)/gu)) {
    if (m[2]) push({ samples: ms(STOP_GAP_MS), noise: 0, stressed: false });
    else if (m[3]) push({ samples: ms(COMMA_GAP_MS), noise: 0, stressed: false });
    else {
      const word = m[1]!;
      const groups = word.match(/[aeiouyàáâäèéêëìíîïòóôöùúûü]+/giu) ?? ['e'];
      const startsWithConsonant = !/^[aeiouy]/i.test(word.normalize('NFD'));
      groups.forEach((g, i) => {
        const h = stableHash(`${word}#${i}`);
        push({
          samples: ms(120 + (h % 80)),
          formants: vowelOf(g),
          noise: i > 0 || startsWithConsonant ? ms(18 + (h % 15)) : 0,
          stressed: i === 0,
        });
      });
      push({ samples: ms(WORD_GAP_MS), noise: 0, stressed: false });
    }
  }
  return out;
}

/** Renders text with the formant voice. Allocates nothing per sample or per frame. */
export class FormantRenderer implements UtteranceRenderer {
  readonly totalSamples: number;
  readonly #sr: number;
  readonly #segments: Segment[];
  readonly #voicedTotal: number;
  readonly #c1 = new Float64Array(3);
  readonly #c2 = new Float64Array(3);
  readonly #g = new Float64Array(3);
  readonly #y1 = new Float64Array(3);
  readonly #y2 = new Float64Array(3);
  #seg = -1;
  #segPos = 0;
  #pos = 0;
  #phase = 0;
  #prevPulse = 0;
  #prevNoise = 0;
  #rng: number;

  constructor(text: string, sampleRate: number, frameSamples: number) {
    this.#sr = sampleRate;
    this.#segments = segmentsOf(text, sampleRate);
    if (this.#segments.length === 0) {
      this.#segments.push({ samples: Math.round(sampleRate * 0.2), noise: 0, stressed: false });
    }
    const sum = this.#segments.reduce((a, s) => a + s.samples, 0);
    this.totalSamples = Math.ceil(sum / frameSamples) * frameSamples;
    this.#voicedTotal = Math.max(1, sum);
    this.#rng = stableHash(text) | 1;
  }

  #enter(index: number): void {
    this.#seg = index;
    this.#segPos = 0;
    const formants = this.#segments[index]?.formants;
    if (!formants) return;
    for (let j = 0; j < 3; j++) {
      const r = Math.exp((-Math.PI * BANDWIDTHS_HZ[j]!) / this.#sr);
      const theta = (2 * Math.PI * formants[j]!) / this.#sr;
      this.#c1[j] = 2 * r * Math.cos(theta);
      this.#c2[j] = -r * r;
      // Normalises each resonator's peak gain to about 1, then weights it.
      this.#g[j] = (1 - r) * Math.sqrt(1 - 2 * r * Math.cos(2 * theta) + r * r) * FORMANT_GAINS[j]!;
    }
  }

  #noise(): number {
    // xorshift32: deterministic noise for consonant bursts.
    let x = this.#rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#rng = x;
    return (x >>> 0) / 0xffffffff - 0.5;
  }

  fill(out: Int16Array): void {
    for (let i = 0; i < out.length; i++) {
      while (this.#seg < 0 || this.#segPos >= (this.#segments[this.#seg]?.samples ?? Infinity)) {
        if (this.#seg + 1 >= this.#segments.length) {
          this.#seg = this.#segments.length;
          break;
        }
        this.#enter(this.#seg + 1);
      }
      const seg = this.#segments[this.#seg];
      out[i] = seg?.formants ? this.#voiced(seg) : 0;
      this.#segPos++;
      this.#pos++;
    }
  }

  #voiced(seg: Segment): number {
    const t = this.#segPos / seg.samples;
    const progress = this.#pos / this.#voicedTotal;
    const lift = 1 + (seg.stressed ? 0.09 : 0.04) * Math.sin(Math.PI * t);
    const f0 = BASE_PITCH_HZ * (1.12 - 0.25 * progress) * lift;
    this.#phase += f0 / this.#sr;
    if (this.#phase >= 1) this.#phase -= 1;
    // Glottal pulse (raised cosine over 60 % of the period); its derivative excites the formants.
    const pulse = this.#phase < 0.6 ? 0.5 - 0.5 * Math.cos((2 * Math.PI * this.#phase) / 0.6) : 0;
    let x = (pulse - this.#prevPulse) * 8;
    this.#prevPulse = pulse;
    if (this.#segPos < seg.noise) {
      const n = this.#noise();
      x += (n - this.#prevNoise) * 0.6 * (1 - this.#segPos / seg.noise);
      this.#prevNoise = n;
    }
    let y = 0;
    for (let j = 0; j < 3; j++) {
      const v = this.#g[j]! * x + this.#c1[j]! * this.#y1[j]! + this.#c2[j]! * this.#y2[j]!;
      this.#y2[j] = this.#y1[j]!;
      this.#y1[j] = v;
      y += v;
    }
    const attack = Math.min(1, this.#segPos / (0.025 * this.#sr));
    const release = Math.min(1, (seg.samples - this.#segPos) / (0.04 * this.#sr));
    const env = Math.min(attack, release) * (seg.stressed ? 1 : 0.8);
    return Math.round(Math.tanh(6 * y * env) * 0.6 * 32767);
  }
}
