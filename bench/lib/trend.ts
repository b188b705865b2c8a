// Pure least-squares line through (x, y) points: the soak's memory growth per cycle.

/** A fitted line `y = intercept + slope · x`, and how much of y's variance it explains. */
export interface LinearFit {
  n: number;
  slope: number;
  intercept: number;
  /** Coefficient of determination, 0..1; NaN when y does not vary. */
  r2: number;
}

/** Ordinary least squares over the points; NaN slope for fewer than 2 distinct x. */
export function linearFit(xs: readonly number[], ys: readonly number[]): LinearFit {
  if (xs.length !== ys.length) throw new RangeError('xs and ys differ in length');
  const n = xs.length;
  const nan = Number.NaN;
  if (n === 0) return { n, slope: nan, intercept: nan, r2: nan };
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i]!;
    sy += ys[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx === 0) return { n, slope: nan, intercept: nan, r2: nan };
  const slope = sxy / sxx;
  return {
    n,
    slope,
    intercept: my - slope * mx,
    r2: syy === 0 ? nan : (sxy * sxy) / (sxx * syy),
  };
}

/**
 * Theil–Sen slope: the median of the slopes between every pair of points with distinct x. Robust to a
 * few outliers (RSS moves in steps when the allocator returns pages). NaN for fewer than 2 distinct x.
 */
export function theilSenSlope(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length !== ys.length) throw new RangeError('xs and ys differ in length');
  const slopes: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) {
      const dx = xs[j]! - xs[i]!;
      if (dx !== 0) slopes.push((ys[j]! - ys[i]!) / dx);
    }
  }
  if (slopes.length === 0) return Number.NaN;
  slopes.sort((a, b) => a - b);
  const mid = slopes.length >> 1;
  return slopes.length % 2 === 1 ? slopes[mid]! : (slopes[mid - 1]! + slopes[mid]!) / 2;
}
