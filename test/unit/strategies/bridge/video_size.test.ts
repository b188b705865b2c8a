import { describe, expect, it } from 'vitest';
import {
  announcedSize,
  isLowerLayer,
  PRIMER_ROWS,
  primerSize,
  RESIZE_AFTER_FRAMES,
  ResizeWatch,
  sameAspect,
} from '../../../../src/strategies/bridge/video_size.js';

const FULL = { width: 1088, height: 704 };

describe('video size policy', () => {
  it("treats LiveKit's rounded simulcast layers as the same picture", () => {
    expect(sameAspect({ width: 556, height: 360 }, FULL)).toBe(true);
    expect(sameAspect({ width: 278, height: 180 }, FULL)).toBe(true);
    expect(sameAspect({ width: 704, height: 1088 }, FULL)).toBe(false);
    expect(sameAspect({ width: 0, height: 0 }, FULL)).toBe(false);
  });

  it('a smaller frame of the same shape is a lower layer; the full size and larger ones are not', () => {
    expect(isLowerLayer({ width: 272, height: 176 }, FULL)).toBe(true);
    expect(isLowerLayer({ width: 556, height: 360 }, FULL)).toBe(true);
    expect(isLowerLayer(FULL, FULL)).toBe(false);
    expect(isLowerLayer({ width: 1280, height: 828 }, FULL)).toBe(false);
    expect(isLowerLayer({ width: 640, height: 640 }, FULL)).toBe(false);
  });

  it("takes Runway's announced size, or nothing when it announced none", () => {
    expect(announcedSize({ width: 1088, height: 704 })).toEqual(FULL);
    expect(announcedSize({ width: 0, height: 0 })).toBeUndefined();
    expect(announcedSize({})).toBeUndefined();
  });

  it('republishes after a lasting larger or reshaped picture, never for lower layers', () => {
    const watch = new ResizeWatch();
    for (let i = 0; i < 50; i++)
      expect(watch.observe({ width: 278, height: 180 }, FULL)).toBeUndefined();
    const bigger = { width: 1280, height: 828 };
    for (let i = 1; i < RESIZE_AFTER_FRAMES; i++)
      expect(watch.observe(bigger, FULL)).toBeUndefined();
    expect(watch.observe(bigger, FULL)).toEqual(bigger);
    // Confirmed once; the count starts again.
    expect(watch.observe(bigger, FULL)).toBeUndefined();
  });

  it('a single odd frame between normal ones does not resize', () => {
    const watch = new ResizeWatch();
    const odd = { width: 704, height: 1088 };
    for (let i = 0; i < 10; i++) {
      expect(watch.observe(odd, FULL)).toBeUndefined();
      expect(watch.observe(FULL, FULL)).toBeUndefined();
    }
  });

  it('primes with the same width and 16 rows fewer: another size, still the same picture', () => {
    const primer = primerSize(FULL);
    expect(primer).toEqual({ width: 1088, height: 704 - PRIMER_ROWS });
    expect(sameAspect(primer, FULL)).toBe(true);
    // Small pictures lose 2 rows; a picture too small to lose any keeps its size (no primer effect).
    expect(primerSize({ width: 64, height: 32 })).toEqual({ width: 64, height: 30 });
    expect(primerSize({ width: 4, height: 2 })).toEqual({ width: 4, height: 2 });
  });
});
