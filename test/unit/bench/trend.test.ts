// The soak's memory trend: least-squares line and the outlier-robust Theil–Sen slope.
import { describe, expect, it } from 'vitest';
import { linearFit, theilSenSlope } from '../../../bench/lib/trend.js';

describe('linearFit', () => {
  it('recovers an exact line, with r² 1', () => {
    const xs = [1, 2, 3, 4, 5];
    const fit = linearFit(
      xs,
      xs.map((x) => 10 + 2.5 * x),
    );
    expect(fit.slope).toBeCloseTo(2.5, 12);
    expect(fit.intercept).toBeCloseTo(10, 12);
    expect(fit.r2).toBeCloseTo(1, 12);
  });

  it('gives a flat slope and r² 0 for y uncorrelated with x', () => {
    const fit = linearFit([1, 2, 3, 4], [5, 7, 7, 5]);
    expect(fit.slope).toBeCloseTo(0, 12);
    expect(fit.r2).toBeCloseTo(0, 12);
  });

  it('is NaN without two distinct x, and rejects mismatched lengths', () => {
    expect(linearFit([], []).slope).toBeNaN();
    expect(linearFit([3, 3], [1, 2]).slope).toBeNaN();
    expect(linearFit([1, 2], [4, 4]).r2).toBeNaN();
    expect(() => linearFit([1, 2], [1])).toThrow(RangeError);
  });
});

describe('theilSenSlope', () => {
  it('recovers the slope of a line', () => {
    const xs = [10, 20, 30, 40];
    expect(
      theilSenSlope(
        xs,
        xs.map((x) => 7 - 0.5 * x),
      ),
    ).toBeCloseTo(-0.5, 12);
  });

  it('ignores a single step outlier that drags least squares', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const ys = xs.map(() => 100);
    ys[8] = 10_000; // one RSS jump at the end
    expect(theilSenSlope(xs, ys)).toBe(0);
    expect(linearFit(xs, ys).slope).toBeGreaterThan(100);
  });

  it('takes the mean of the two middle slopes for an even count', () => {
    // Pairs: (0,0)-(1,1) slope 1, (0,0)-(2,4) slope 2, (1,1)-(2,4) slope 3 → odd count: 2.
    expect(theilSenSlope([0, 1, 2], [0, 1, 4])).toBe(2);
    // Four points, six pairs: slopes 1, 2, 7/3, 3, 3, 3 → middle two (7/3 + 3) / 2.
    expect(theilSenSlope([0, 1, 2, 3], [0, 1, 4, 7])).toBeCloseTo((7 / 3 + 3) / 2, 12);
  });

  it('is NaN without two distinct x', () => {
    expect(theilSenSlope([1, 1], [1, 2])).toBeNaN();
    expect(theilSenSlope([], [])).toBeNaN();
  });
});
