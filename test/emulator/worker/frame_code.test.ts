// Frame code round trips: face + code → (noise, blur, scaling, RGBA) → decode at every size a viewer gets, and
// refusals of bad frames.
import { VideoBufferType } from '@livekit/rtc-node';
import { describe, expect, it } from 'vitest';
import { FacePainter } from '../../../src/emulator/worker/face.js';
import {
  allocateI420,
  codeBandTop,
  type DecodableFrame,
  decodeFrame,
  encodeFrame,
  FRAME_CODE_LAYOUT,
  frameCounterDistance,
} from '../../../src/emulator/worker/frame_code.js';

const W = 1088;
const H = 704;

/** A frame as the worker draws it: the face (mouth open with `level`), then the code band. */
function coded(counter: number, level: number, w = W, h = H, eyesShut = false): DecodableFrame {
  const data = allocateI420(w, h);
  const target = { data, width: w, height: h };
  new FacePainter(w, h).draw(target, level, eyesShut);
  encodeFrame(counter, level, target);
  return { data, width: w, height: h, type: VideoBufferType.I420 };
}

/** Nearest-neighbour resize of the Y plane (as the hosted bridge scales a lower layer; chroma neutral). */
function nearest(f: DecodableFrame, w: number, h: number): DecodableFrame {
  const out = allocateI420(w, h);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(f.height - 1, Math.floor(((y + 0.5) * f.height) / h));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(f.width - 1, Math.floor(((x + 0.5) * f.width) / w));
      out[y * w + x] = f.data[sy * f.width + sx]!;
    }
  }
  return { data: out, width: w, height: h, type: VideoBufferType.I420 };
}

/** Deterministic pseudo-random numbers (xorshift32) in [0, 1). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** Box blur of radius r then ±amp uniform noise on the Y plane, in place. */
function degrade(f: DecodableFrame, r: number, amp: number, seed = 7): void {
  const { width: w, height: h, data } = f;
  const src = data.slice(0, w * h);
  const rand = rng(seed);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0;
      let n = 0;
      for (let dy = -r; dy <= r; dy++) {
        const yy = Math.min(h - 1, Math.max(0, y + dy));
        for (let dx = -r; dx <= r; dx++) {
          const xx = Math.min(w - 1, Math.max(0, x + dx));
          sum += src[yy * w + xx]!;
          n++;
        }
      }
      const v = sum / n + (rand() * 2 - 1) * amp;
      data[y * w + x] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
}

/** Box-filtered downscale of the Y plane by an integer factor (chroma left neutral). */
function downscale(f: DecodableFrame, k: number): DecodableFrame {
  const w = Math.floor(f.width / k);
  const h = Math.floor(f.height / k);
  const out = allocateI420(w, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0;
      for (let dy = 0; dy < k; dy++)
        for (let dx = 0; dx < k; dx++) sum += f.data[(y * k + dy) * f.width + x * k + dx]!;
      out[y * w + x] = Math.round(sum / (k * k));
    }
  }
  return { data: out, width: w, height: h, type: VideoBufferType.I420 };
}

function toRgba(f: DecodableFrame): DecodableFrame {
  const n = f.width * f.height;
  const out = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    const v = f.data[i]!;
    out[i * 4] = v;
    out[i * 4 + 1] = v;
    out[i * 4 + 2] = v;
    out[i * 4 + 3] = 255;
  }
  return { data: out, width: f.width, height: f.height, type: VideoBufferType.RGBA };
}

describe('frame code', () => {
  it('round-trips counters and levels exactly (level to 1/255)', () => {
    for (const [counter, level] of [
      [0, 0],
      [1, 0.5],
      [12345, 0.2],
      [65535, 1],
      [0xa5a5, 0.0039],
    ] as const) {
      const got = decodeFrame(coded(counter, level));
      expect(got?.counter).toBe(counter);
      expect(got!.level).toBeCloseTo(level, 2);
    }
  });

  it('wraps the counter at 65536 and clamps the level', () => {
    expect(decodeFrame(coded(65536 + 7, 3))).toEqual({ counter: 7, level: 1 });
    expect(decodeFrame(coded(-1, -0.5))).toEqual({ counter: 65535, level: 0 });
    expect(frameCounterDistance(65530, 4)).toBe(10);
  });

  it('survives blur and noise, a 1/4 downscale, and RGBA conversion', () => {
    const blurred = coded(4242, 0.3);
    degrade(blurred, 3, 25);
    expect(decodeFrame(blurred)).toEqual({ counter: 4242, level: 77 / 255 });
    const small = downscale(coded(31337, 0.75), 4);
    degrade(small, 1, 20, 11);
    expect(decodeFrame(small)?.counter).toBe(31337);
    expect(decodeFrame(toRgba(coded(999, 0.1)))?.counter).toBe(999);
  });

  // The simulcast layers (1088, 556, 278 wide), the ramp-up frame, the browser tests' 320 px grab.
  const SIZES = [
    [1088, 704],
    [556, 360],
    [278, 180],
    [272, 176],
    [320, 207],
  ] as const;

  it('round-trips at every size a viewer gets, blurred and noisy, with the face above', () => {
    for (const [w, h] of SIZES) {
      for (const [counter, level] of [
        [0, 0],
        [0xa5a5, 0.37],
        [65535, 1],
      ] as const) {
        const f = coded(counter, level, w, h, counter === 0xa5a5);
        // About the smear of a VP8 block edge and its quantisation noise, at this size.
        degrade(f, 1, 30, counter + w);
        const got = decodeFrame(f);
        expect(got?.counter, `${w}×${h} counter ${counter}`).toBe(counter);
        expect(got!.level).toBeCloseTo(level, 2);
      }
    }
  });

  it('round-trips after a nearest-neighbour scale (a bridge resizing one layer to another)', () => {
    const cases = [
      [1088, 704, 278, 180],
      [278, 180, 1088, 704],
      [272, 176, 1088, 704],
      [556, 360, 272, 176],
      [1088, 704, 272, 176],
    ] as const;
    for (const [sw, sh, dw, dh] of cases) {
      const scaled = nearest(coded(31337, 0.5, sw, sh), dw, dh);
      degrade(scaled, 1, 20, sw + dw);
      expect(decodeFrame(scaled)?.counter, `${sw}×${sh} → ${dw}×${dh}`).toBe(31337);
    }
  });

  it('keeps the code in a bottom band of cells no smaller than 19 × 14 px at 272×176', () => {
    const { cols, rows, bandFraction } = FRAME_CODE_LAYOUT;
    expect(cols * rows).toBeGreaterThanOrEqual(16 + 8 + 8 + 4);
    expect(272 / cols).toBeGreaterThan(19);
    expect((176 - codeBandTop(176)) / rows).toBeGreaterThan(14);
    expect(codeBandTop(704)).toBe(704 - Math.round(704 * bandFraction));
    // encodeFrame writes nothing above the band.
    const data = allocateI420(W, H);
    const before = data.slice(0, codeBandTop(H) * W);
    encodeFrame(0xffff, 1, { data, width: W, height: H });
    let changed = 0;
    for (let i = 0; i < before.length; i++) if (data[i] !== before[i]) changed++;
    expect(changed).toBe(0);
    expect(data[codeBandTop(H) * W]).toBe(235); // the band's top-left white reference
  });

  it('rewrites a reused buffer completely', () => {
    const data = allocateI420(W, H);
    const target = { data, width: W, height: H };
    encodeFrame(0xffff, 1, target);
    encodeFrame(0, 0, target);
    expect(decodeFrame({ ...target, type: VideoBufferType.I420 })).toEqual({
      counter: 0,
      level: 0,
    });
  });

  it('returns null for uncoded, flat, corrupted or unsupported frames', () => {
    const flat = allocateI420(W, H);
    expect(decodeFrame({ data: flat, width: W, height: H, type: VideoBufferType.I420 })).toBeNull();
    const noise = allocateI420(W, H);
    const rand = rng(3);
    for (let i = 0; i < W * H; i++) noise[i] = Math.floor(rand() * 256);
    expect(
      decodeFrame({ data: noise, width: W, height: H, type: VideoBufferType.I420 }),
    ).toBeNull();
    // The face alone (no band drawn) is not a code.
    const faceOnly = allocateI420(W, H);
    new FacePainter(W, H).draw({ data: faceOnly, width: W, height: H }, 0.3, false);
    expect(
      decodeFrame({ data: faceOnly, width: W, height: H, type: VideoBufferType.I420 }),
    ).toBeNull();
    // Flip one counter cell (band row 0, column 1): the CRC no longer matches.
    const bad = coded(1000, 0.5);
    const { cols, rows } = FRAME_CODE_LAYOUT;
    const top = codeBandTop(H);
    for (let y = top; y < top + Math.floor((H - top) / rows); y++) {
      for (let x = Math.floor(W / cols); x < Math.floor((2 * W) / cols); x++)
        bad.data[y * W + x] = 255 - bad.data[y * W + x]!;
    }
    expect(decodeFrame(bad)).toBeNull();
    expect(decodeFrame({ ...coded(5, 0), type: 99 as VideoBufferType })).toBeNull();
  });
});
