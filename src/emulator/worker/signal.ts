// RMS level of Int16 PCM, used for the level drawn on video and for voice activity.

/** RMS of `samples[start, end)` as a fraction of Int16 full scale (0..1). Allocates nothing. */
export function rmsLevel(samples: Int16Array, start = 0, end = samples.length): number {
  if (end <= start) return 0;
  let sum = 0;
  for (let i = start; i < end; i++) {
    const v = samples[i]!;
    sum += v * v;
  }
  return Math.sqrt(sum / (end - start)) / 32768;
}
