// Benchmark order statistics: quantiles by linear interpolation, summaries, ratios, bad input.
import { describe, expect, it } from 'vitest';
import { quantile, ratio, summarize } from '../../../bench/lib/stats.js';

describe('quantile', () => {
  it('interpolates between the nearest ranks (type 7)', () => {
    const sorted = [10, 20, 30, 40];
    expect(quantile(sorted, 0)).toBe(10);
    expect(quantile(sorted, 1)).toBe(40);
    expect(quantile(sorted, 0.5)).toBe(25);
    // h = 3 × 0.95 = 2.85 → 30 + 0.85 × 10
    expect(quantile(sorted, 0.95)).toBeCloseTo(38.5, 10);
  });

  it('returns the only sample for every q', () => {
    expect(quantile([7], 0)).toBe(7);
    expect(quantile([7], 0.99)).toBe(7);
  });

  it('is NaN without samples and rejects q outside [0, 1]', () => {
    expect(quantile([], 0.5)).toBeNaN();
    expect(() => quantile([1], 1.5)).toThrow(RangeError);
    expect(() => quantile([1], -0.1)).toThrow(RangeError);
    expect(() => quantile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('gives median, p95, p99, min, max and mean of unsorted samples without modifying them', () => {
    const values = [5, 1, 4, 2, 3];
    const s = summarize(values);
    expect(s).toEqual({ n: 5, median: 3, p95: 4.8, p99: 4.96, min: 1, max: 5, mean: 3 });
    expect(values).toEqual([5, 1, 4, 2, 3]);
  });

  it('takes the mean of the middle pair for an even count', () => {
    expect(summarize([4, 1, 3, 2]).median).toBe(2.5);
  });

  it('on 1..100: p95 and p99 just below the top', () => {
    const s = summarize(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(s.median).toBe(50.5);
    expect(s.p95).toBeCloseTo(95.05, 10);
    expect(s.p99).toBeCloseTo(99.01, 10);
    expect(s.min).toBe(1);
    expect(s.max).toBe(100);
  });

  it('handles negative samples', () => {
    const s = summarize([-3, -1, -2]);
    expect([s.min, s.median, s.max]).toEqual([-3, -2, -1]);
  });

  it('is NaN with n = 0 for no samples', () => {
    const s = summarize([]);
    expect(s.n).toBe(0);
    for (const key of ['median', 'p95', 'p99', 'min', 'max', 'mean'] as const) {
      expect(s[key]).toBeNaN();
    }
  });

  it('rejects non-finite samples', () => {
    expect(() => summarize([1, Number.NaN])).toThrow(TypeError);
    expect(() => summarize([Number.POSITIVE_INFINITY])).toThrow(TypeError);
  });
});

describe('ratio', () => {
  it('divides', () => {
    expect(ratio(500, 50)).toBe(10);
  });

  it('is NaN against a zero or non-finite baseline', () => {
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(Number.NaN, 1)).toBeNaN();
    expect(ratio(1, Number.POSITIVE_INFINITY)).toBeNaN();
  });
});
