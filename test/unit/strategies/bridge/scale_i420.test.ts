import { describe, expect, it } from 'vitest';
import {
  cropTopI420,
  I420Scaler,
  i420Bytes,
} from '../../../../src/strategies/bridge/scale_i420.js';

/** A picture whose Y, U and V samples encode their plane and position. */
function picture(width: number, height: number) {
  const data = new Uint8Array(i420Bytes(width, height));
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = y * 10 + x;
  for (let p = 0; p < 2; p++)
    for (let y = 0; y < ch; y++)
      for (let x = 0; x < cw; x++)
        data[width * height + p * cw * ch + y * cw + x] = 100 + p * 50 + y * 10 + x;
  return { data, width, height };
}

describe('I420Scaler', () => {
  it('doubles a picture by nearest neighbour, plane by plane', () => {
    const src = picture(4, 2);
    const dst = { data: new Uint8Array(i420Bytes(8, 4)), width: 8, height: 4 };
    new I420Scaler().scale(src, dst);
    // Y: each source sample covers 2 × 2 target samples.
    expect([...dst.data.subarray(0, 8)]).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect([...dst.data.subarray(8, 16)]).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect([...dst.data.subarray(16, 24)]).toEqual([10, 10, 11, 11, 12, 12, 13, 13]);
    // U (2 × 1 → 4 × 2) and V.
    expect([...dst.data.subarray(32, 40)]).toEqual([100, 100, 101, 101, 100, 100, 101, 101]);
    expect([...dst.data.subarray(40, 48)]).toEqual([150, 150, 151, 151, 150, 150, 151, 151]);
  });

  it('keeps the picture when the sizes are equal, and reuses its maps across sizes', () => {
    const scaler = new I420Scaler();
    const src = picture(6, 4);
    const same = { data: new Uint8Array(i420Bytes(6, 4)), width: 6, height: 4 };
    scaler.scale(src, same);
    expect([...same.data]).toEqual([...src.data]);
    const big = { data: new Uint8Array(i420Bytes(12, 8)), width: 12, height: 8 };
    scaler.scale(src, big);
    expect(big.data[12 * 8 - 1]).toBe(src.data[6 * 4 - 1]);
  });

  it('refuses buffers shorter than their size needs', () => {
    const src = picture(4, 4);
    expect(() =>
      new I420Scaler().scale(src, { data: new Uint8Array(10), width: 8, height: 8 }),
    ).toThrow(RangeError);
  });
});

describe('cropTopI420', () => {
  it('keeps the bottom rows of each plane, at the same width', () => {
    const src = picture(4, 6);
    const dst = { data: new Uint8Array(i420Bytes(4, 2)), width: 4, height: 2 };
    cropTopI420(src, dst);
    // Y: source rows 4 and 5.
    expect([...dst.data.subarray(0, 8)]).toEqual([40, 41, 42, 43, 50, 51, 52, 53]);
    // U and V: their last row (source chroma row 2 of 3).
    expect([...dst.data.subarray(8, 10)]).toEqual([120, 121]);
    expect([...dst.data.subarray(10, 12)]).toEqual([170, 171]);
  });

  it('copies the whole picture when nothing is dropped', () => {
    const src = picture(6, 4);
    const dst = { data: new Uint8Array(i420Bytes(6, 4)), width: 6, height: 4 };
    cropTopI420(src, dst);
    expect(dst.data).toEqual(src.data);
  });

  it('refuses another width, a taller target, or a short buffer', () => {
    const src = picture(4, 6);
    const make = (w: number, h: number) => ({
      data: new Uint8Array(i420Bytes(w, h)),
      width: w,
      height: h,
    });
    expect(() => cropTopI420(src, make(6, 2))).toThrow(/same width, fewer rows only/);
    expect(() => cropTopI420(src, make(4, 8))).toThrow(/same width, fewer rows only/);
    expect(() => cropTopI420({ ...src, data: src.data.subarray(1) }, make(4, 2))).toThrow(
      /source I420 buffer too short/,
    );
    expect(() => cropTopI420(src, { ...make(4, 2), data: new Uint8Array(3) })).toThrow(
      /target I420 buffer too short/,
    );
  });
});
