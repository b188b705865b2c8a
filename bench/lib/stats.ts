// Pure order statistics over benchmark samples: median, p95, p99, min, max (and the mean, for reference).

/** Summary of one metric's samples. Every field is NaN (and `n` 0) when there are no samples. */
export interface Summary {
  n: number;
  median: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

function checkSamples(values: readonly number[]): void {
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new TypeError(`samples must be finite numbers (got ${String(v)})`);
    }
  }
}

/**
 * The q-quantile (0 ≤ q ≤ 1) of samples sorted ascending, by linear interpolation between the two
 * nearest ranks (the "type 7" definition, NumPy's and R's default). NaN for no samples.
 */
export function quantile(sorted: readonly number[], q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile q must be within [0, 1] (got ${q})`);
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const below = sorted[lo]!;
  const above = sorted[Math.min(lo + 1, sorted.length - 1)]!;
  return below + (h - lo) * (above - below);
}

/** Median, p95, p99, min, max and mean of the samples (any order; the input is not modified). */
export function summarize(values: readonly number[]): Summary {
  checkSamples(values);
  if (values.length === 0) {
    const nan = Number.NaN;
    return { n: 0, median: nan, p95: nan, p99: nan, min: nan, max: nan, mean: nan };
  }
  const sorted = [...values].sort((a, b) => a - b);
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    mean: sum / sorted.length,
  };
}

/**
 * `numerator / denominator`, NaN when either is not finite or the denominator is 0 (a ratio against a
 * baseline that measured nothing means nothing).
 */
export function ratio(numerator: number, denominator: number): number {
  if (!Number.isFinite(numerator) || !Number.isFinite(denominator) || denominator === 0) {
    return Number.NaN;
  }
  return numerator / denominator;
}
