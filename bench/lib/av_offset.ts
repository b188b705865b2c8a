// Picture–sound offset at a viewer of the emulated worker: each video frame carries the level of the audio
// the worker played at that moment (src/emulator/worker/frame_code.ts); the viewer also logs the energy of
// every audio frame it receives. The lag that best lines the two up is the offset. Pure.

/** One decoded video frame's level and arrival, ms on the viewer's clock. */
export interface LevelSample {
  atMs: number;
  /** 0..1: the frame code's level (RMS of the audio the worker played when it drew the frame). */
  level: number;
}

/** What a viewer logs: video levels, and one RMS per received 10 ms audio frame with its arrival. */
export interface AvLog {
  video: LevelSample[];
  /** Arrival of each audio frame, ms, in order. */
  audioAtMs: number[];
  /** RMS (0..1) of each audio frame. */
  audioRms: number[];
  /** Duration of each audio frame, ms (rtc-node delivers 10 ms). */
  audioFrameMs: number;
}

/** The offset estimate. */
export interface AvOffset {
  /** Sound arrival − picture arrival of the same moment, ms: positive = the picture leads the sound. */
  offsetMs: number;
  /** Pearson correlation at that lag (≥ ~0.5 means the speech envelope was clearly matched). */
  correlation: number;
  /** Video frames used. */
  frames: number;
}

/**
 * Audio frames arrive through a JavaScript event loop, sometimes in bunches. Their content plays out at a
 * steady 10 ms per frame, so each frame's time is placed on that steady clock, anchored at the least
 * delayed frame of a sliding window of {@link CLOCK_WINDOW} frames.
 */
const CLOCK_WINDOW = 200;

/** Steady times of the audio frames (see {@link CLOCK_WINDOW}). */
export function steadyAudioTimes(atMs: readonly number[], frameMs: number): Float64Array {
  const n = atMs.length;
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let base = Number.POSITIVE_INFINITY;
    const from = Math.max(0, j - CLOCK_WINDOW);
    for (let k = from; k <= j; k++) base = Math.min(base, atMs[k]! - (k - from) * frameMs);
    out[j] = base + (j - from) * frameMs;
  }
  return out;
}

function pearson(x: Float64Array, y: Float64Array, n: number): number {
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i]!;
    sy += y[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let cov = 0;
  let vx = 0;
  let vy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    cov += dx * dy;
    vx += dx * dx;
    vy += dy * dy;
  }
  return vx > 0 && vy > 0 ? cov / Math.sqrt(vx * vy) : 0;
}

/**
 * Estimates the offset over video frames in `[fromMs, toMs]`, trying lags from `-maxLagMs` to `maxLagMs`
 * in 5 ms steps: for each, the audio energy at (frame arrival + lag) is read off the steady audio clock
 * and correlated with the frames' levels. `undefined` when there are too few frames or no speech.
 */
export function estimateAvOffset(
  log: AvLog,
  fromMs: number,
  toMs: number,
  maxLagMs = 800,
): AvOffset | undefined {
  const video = log.video.filter((v) => v.atMs >= fromMs && v.atMs <= toMs);
  if (video.length < 25 || log.audioAtMs.length < 100) return undefined;
  const times = steadyAudioTimes(log.audioAtMs, log.audioFrameMs);
  const levels = Float64Array.from(video, (v) => v.level);
  const heard = new Float64Array(video.length);
  const rmsAt = (t: number): number => {
    // Binary search for the audio frame playing at t (the frame whose steady time is the last ≤ t).
    let lo = 0;
    let hi = times.length - 1;
    if (t < times[0]! || t > times[hi]! + log.audioFrameMs) return Number.NaN;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (times[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return log.audioRms[lo]!;
  };
  let best: AvOffset | undefined;
  for (let lag = -maxLagMs; lag <= maxLagMs; lag += 5) {
    let n = 0;
    const x = new Float64Array(video.length);
    for (let i = 0; i < video.length; i++) {
      const r = rmsAt(video[i]!.atMs + lag);
      if (Number.isNaN(r)) continue;
      x[n] = levels[i]!;
      heard[n] = r;
      n++;
    }
    if (n < 25) continue;
    const c = pearson(x, heard, n);
    if (!best || c > best.correlation) best = { offsetMs: lag, correlation: c, frames: n };
  }
  return best;
}
