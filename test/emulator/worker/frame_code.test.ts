// Frame code round trips: encode → (noise, blur, downscale, RGBA) → decode, and refusals of bad frames.
import { VideoBufferType } from '@livekit/rtc-node';
import { describe, expect, it } from 'vitest';
import {
  allocateI420,
  type DecodableFrame,
  decodeFrame,
  encodeFrame,
  frameCounterDistance,
} from '../../../src/emulator/worker/frame_code.js';

const W = 1088;
const H = 704;

function coded(counter: number, level: number, w = W, h = H): DecodableFrame {
  const data = allocateI420(w, h);
  encodeFrame(counter, level, { data, width: w, height: h });
  return { data, width: w, height: h, type: VideoBufferType.I420 };
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
    // Flip one counter cell (row 0, column 1): the CRC no longer matches.
    const bad = coded(1000, 0.5);
    const x0 = Math.floor(W / 8);
    const gridH = Math.floor(H * 0.8);
    for (let y = 0; y < Math.floor(gridH / 5); y++) {
      for (let x = x0; x < Math.floor((2 * W) / 8); x++)
        bad.data[y * W + x] = 255 - bad.data[y * W + x]!;
    }
    expect(decodeFrame(bad)).toBeNull();
    expect(decodeFrame({ ...coded(5, 0), type: 99 as VideoBufferType })).toBeNull();
  });
});
