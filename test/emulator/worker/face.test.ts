// The emulated avatar's face: the mouth follows the level, the eyes blink on schedule, the code band is left alone.
import { describe, expect, it } from 'vitest';
import {
  BLINK_FIRST_MS,
  BLINK_MS,
  eyesClosedAt,
  type FaceBox,
  FacePainter,
  mouthOpening,
} from '../../../src/emulator/worker/face.js';
import { allocateI420, codeBandTop } from '../../../src/emulator/worker/frame_code.js';

const W = 1088;
const H = 704;

function draw(painter: FacePainter, level: number, shut: boolean): Uint8Array {
  const data = allocateI420(painter.width, painter.height);
  painter.draw({ data, width: painter.width, height: painter.height }, level, shut);
  return data;
}

function meanLuma(data: Uint8Array, width: number, b: FaceBox): number {
  let sum = 0;
  for (let y = b.y0; y < b.y1; y++) for (let x = b.x0; x < b.x1; x++) sum += data[y * width + x]!;
  return sum / ((b.y1 - b.y0) * (b.x1 - b.x0));
}

/** Bytes that differ between two buffers within [from, to). */
function differing(a: Uint8Array, b: Uint8Array, from = 0, to = a.length): number {
  let n = 0;
  for (let i = from; i < to; i++) if (a[i] !== b[i]) n++;
  return n;
}

describe('face', () => {
  it('opens the mouth with the level: shut in silence, wide at speech level', () => {
    expect(mouthOpening(0)).toBe(0);
    expect(mouthOpening(0.002)).toBe(0);
    expect(mouthOpening(Number.NaN)).toBe(0);
    expect(mouthOpening(0.05)).toBeGreaterThan(0.3);
    expect(mouthOpening(0.05)).toBeLessThan(mouthOpening(0.1));
    expect(mouthOpening(0.2)).toBe(1);
    expect(mouthOpening(1)).toBe(1);
  });

  it('blinks for ~150 ms every few seconds, irregularly, open at the start', () => {
    expect(eyesClosedAt(0)).toBe(false);
    expect(eyesClosedAt(BLINK_FIRST_MS - 1)).toBe(false);
    expect(eyesClosedAt(BLINK_FIRST_MS)).toBe(true);
    expect(eyesClosedAt(BLINK_FIRST_MS + BLINK_MS - 1)).toBe(true);
    expect(eyesClosedAt(BLINK_FIRST_MS + BLINK_MS)).toBe(false);
    const starts: number[] = [];
    let was = false;
    for (let t = 0; t < 60_000; t += 10) {
      const shut = eyesClosedAt(t);
      if (shut && !was) starts.push(t);
      was = shut;
    }
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    expect(starts.length).toBeGreaterThanOrEqual(10);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(2000);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(6000);
    expect(new Set(gaps).size).toBeGreaterThan(1);
  });

  for (const [w, h] of [
    [W, H],
    [272, 176],
  ] as const) {
    it(`moves the mouth with the level and shuts the eyes at ${w}×${h}`, () => {
      const painter = new FacePainter(w, h);
      const { mouth, eyes } = painter.regions();
      const quiet = draw(painter, 0, false);
      const loud = draw(painter, 0.2, false);
      const mid = draw(painter, 0.04, false);
      const blink = draw(painter, 0, true);
      // The open mouth is dark inside: the mouth region gets darker as the level rises.
      const mq = meanLuma(quiet, w, mouth);
      const mm = meanLuma(mid, w, mouth);
      const ml = meanLuma(loud, w, mouth);
      expect(mq - ml).toBeGreaterThan(30);
      expect(mm).toBeLessThan(mq);
      expect(mm).toBeGreaterThan(ml);
      // The level moves nothing but the mouth; the blink nothing but the eyes.
      for (const e of eyes) expect(meanLuma(loud, w, e)).toBe(meanLuma(quiet, w, e));
      expect(meanLuma(blink, w, mouth)).toBe(mq);
      // Open eyes show bright whites; shut ones are skin with a lid line.
      for (const e of eyes)
        expect(meanLuma(quiet, w, e) - meanLuma(blink, w, e)).toBeGreaterThan(8);
    });
  }

  it('draws only above the code band and leaves no trace of the previous frame', () => {
    const painter = new FacePainter(W, H);
    const data = allocateI420(W, H);
    const fresh = data.slice();
    const target = { data, width: W, height: H };
    painter.draw(target, 1, true);
    const bandStart = codeBandTop(H) * W;
    expect(differing(data, fresh, bandStart, W * H)).toBe(0);
    expect(differing(data, fresh, 0, bandStart)).toBeGreaterThan(W * 10);
    painter.draw(target, 0, false);
    expect(differing(data, draw(painter, 0, false))).toBe(0);
  });

  it('refuses a frame of another size', () => {
    const painter = new FacePainter(W, H);
    expect(() =>
      painter.draw({ data: allocateI420(272, 176), width: 272, height: 176 }, 0, false),
    ).toThrow(/1088×704, got 272×176/);
  });
});
