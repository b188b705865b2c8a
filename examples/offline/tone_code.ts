// The tone code of ToneTTS: which frequencies and duration a given text is rendered as (pure rules).

/** Sample rate of every frame ToneTTS produces (mono, int16). */
export const TONE_SAMPLE_RATE = 24_000;
/** Duration of every frame ToneTTS produces, in milliseconds. */
export const TONE_FRAME_MS = 10;
/** Milliseconds of tone per character of spoken text (markers excluded). */
export const TONE_MS_PER_CHAR = 60;
/** Shortest utterance without an explicit `[ms:…]`, in milliseconds. */
export const TONE_MIN_MS = 400;
/** Longest utterance without an explicit `[ms:…]`, in milliseconds. */
export const TONE_MAX_MS = 3_000;
/** Bounds of an explicit `[ms:…]`, in milliseconds. */
export const TONE_EXPLICIT_MS_RANGE: readonly [number, number] = [TONE_FRAME_MS, 30_000];
/** Bounds of an explicit `[tone:…]`, in Hz (values outside are clamped). */
export const TONE_EXPLICIT_HZ_RANGE: readonly [number, number] = [50, 4_000];
/** Hashed frequencies lie on this grid (Hz) between 300 and 1500, so two of them differ by 0 or ≥ 25 Hz. */
export const TONE_HASH_STEP_HZ = 25;
/** Lowest hashed frequency, in Hz. */
export const TONE_HASH_MIN_HZ = 300;
/** Highest hashed frequency, in Hz. */
export const TONE_HASH_MAX_HZ = 1_500;
/** Peak amplitude of a tone, as a fraction of int16 full scale. */
export const TONE_AMPLITUDE = 0.5;
/** Raised-cosine fade at both ends of each tone, in milliseconds (no clicks, clear boundaries). */
export const TONE_FADE_MS = 5;

const TONE_MARKER = /\[tone:\s*(\d+(?:\.\d+)?)\s*\]/gi;
const MS_MARKER = /\[ms:\s*(\d+)\s*\]/i;
const ANY_MARKER = /\[(?:tone|ms):[^\]]*\]/gi;

/** The plan of one utterance: tones played back to back, each `partsMs[i]` long. */
export interface TonePlan {
  /** Frequencies in order, Hz. */
  frequenciesHz: number[];
  /** Duration of each tone, ms (multiples of {@link TONE_FRAME_MS}); sums to `durationMs`. */
  partsMs: number[];
  /** Total duration, ms (a multiple of {@link TONE_FRAME_MS}). */
  durationMs: number;
}

/** The text without `[tone:…]` / `[ms:…]` markers, whitespace collapsed and trimmed. */
export function spokenText(text: string): string {
  return text.replace(ANY_MARKER, ' ').replace(/\s+/g, ' ').trim();
}

/** 32-bit FNV-1a of the UTF-16 code units of `text`. Stable across runs and platforms. */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function roundToFrames(ms: number): number {
  return Math.max(TONE_FRAME_MS, Math.round(ms / TONE_FRAME_MS) * TONE_FRAME_MS);
}

const clamp = (v: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, v));

/** The explicit `[tone:…]` frequencies of `text`, in order (clamped to 50..4000 Hz). */
export function explicitTones(text: string): number[] {
  return [...text.matchAll(TONE_MARKER)].map((m) => clamp(Number(m[1]), TONE_EXPLICIT_HZ_RANGE));
}

/**
 * The (first) frequency ToneTTS uses for `text`: the first `[tone:F]` marker if there is one, else
 * `300 + 25 × (stableHash(spokenText(text)) mod 49)` Hz, i.e. on a 25 Hz grid in 300..1500 Hz.
 */
export function toneFrequencyFor(text: string): number {
  const explicit = explicitTones(text);
  if (explicit.length > 0) return explicit[0]!;
  const steps = (TONE_HASH_MAX_HZ - TONE_HASH_MIN_HZ) / TONE_HASH_STEP_HZ + 1;
  return TONE_HASH_MIN_HZ + TONE_HASH_STEP_HZ * (stableHash(spokenText(text)) % steps);
}

/**
 * Total duration ToneTTS renders `text` as, in ms: the first `[ms:N]` marker (clamped to
 * 10..30000), else `60 × spokenText(text).length` clamped to 400..3000; then rounded to whole
 * 10 ms frames.
 */
export function toneDurationMs(text: string): number {
  const explicit = MS_MARKER.exec(text);
  const ms = explicit
    ? clamp(Number(explicit[1]), TONE_EXPLICIT_MS_RANGE)
    : clamp(TONE_MS_PER_CHAR * spokenText(text).length, [TONE_MIN_MS, TONE_MAX_MS]);
  return roundToFrames(ms);
}

/**
 * The complete plan for `text`: every `[tone:F]` marker in order (or the hashed frequency), sharing
 * {@link toneDurationMs} equally (whole frames; the last tone takes the remainder).
 */
export function tonePlan(text: string): TonePlan {
  const explicit = explicitTones(text);
  const frequenciesHz = explicit.length > 0 ? explicit : [toneFrequencyFor(text)];
  const durationMs = toneDurationMs(text);
  const frames = durationMs / TONE_FRAME_MS;
  const n = Math.min(frequenciesHz.length, frames);
  const each = Math.floor(frames / n);
  const partsMs = frequenciesHz
    .slice(0, n)
    .map((_, i) => (i < n - 1 ? each : frames - each * (n - 1)) * TONE_FRAME_MS);
  return { frequenciesHz: frequenciesHz.slice(0, n), partsMs, durationMs };
}
