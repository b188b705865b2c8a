// Dev tooling: draws the emulated avatar's frames (face + frame code) as the worker does, times the drawing per
// frame, and writes a PNG strip of a few mouth openings and a blink. No rooms, no network.
//   npx tsx scripts/face_preview.ts [out.png] [--frames N]
import sharp from 'sharp';
import { FacePainter } from '../src/emulator/worker/face.js';
import { allocateI420, encodeFrame } from '../src/emulator/worker/frame_code.js';

const W = 1088;
const H = 704;

/** I420 (BT.601 limited range) to packed RGB, for the preview only. */
function toRgb(
  data: Uint8Array,
  w: number,
  h: number,
  out: Uint8Array,
  stride: number,
  x0: number,
): void {
  const cw = (w + 1) >> 1;
  const uOff = w * h;
  const vOff = uOff + cw * ((h + 1) >> 1);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = 1.164 * (data[y * w + x]! - 16);
      const ci = (y >> 1) * cw + (x >> 1);
      const d = data[uOff + ci]! - 128;
      const e = data[vOff + ci]! - 128;
      const o = (y * stride + x0 + x) * 3;
      out[o] = Math.max(0, Math.min(255, Math.round(c + 1.596 * e)));
      out[o + 1] = Math.max(0, Math.min(255, Math.round(c - 0.392 * d - 0.813 * e)));
      out[o + 2] = Math.max(0, Math.min(255, Math.round(c + 2.017 * d)));
    }
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const framesAt = args.indexOf('--frames');
  const frames = framesAt >= 0 ? Number(args[framesAt + 1]) : 500;
  const out =
    args.find((a, i) => !a.startsWith('--') && (framesAt < 0 || i !== framesAt + 1)) ?? 'face.png';

  const t0 = performance.now();
  const painter = new FacePainter(W, H);
  const setupMs = performance.now() - t0;
  const data = allocateI420(W, H);
  const target = { data, width: W, height: H };
  // Warm up, then time what the worker does per frame: the face, then the code band.
  for (let i = 0; i < 50; i++) {
    painter.draw(target, (i % 10) / 10, i % 7 === 0);
    encodeFrame(i, (i % 10) / 10, target);
  }
  const start = performance.now();
  for (let i = 0; i < frames; i++) {
    const level = 0.5 + 0.5 * Math.sin(i / 3);
    painter.draw(target, level * 0.2, i % 25 < 4);
    encodeFrame(i, level * 0.2, target);
  }
  const perFrameMs = (performance.now() - start) / frames;
  console.log(
    `${W}×${H}: setup ${setupMs.toFixed(1)} ms, ${perFrameMs.toFixed(3)} ms/frame over ${frames} frames`,
  );

  const shots: [number, boolean][] = [
    [0, false],
    [0.01, false],
    [0.05, false],
    [0.2, false],
    [0, true],
  ];
  const rgb = new Uint8Array(W * shots.length * H * 3);
  shots.forEach(([level, shut], i) => {
    painter.draw(target, level, shut);
    encodeFrame(1000 + i, level, target);
    toRgb(data, W, H, rgb, W * shots.length, i * W);
  });
  await sharp(rgb, { raw: { width: W * shots.length, height: H, channels: 3 } })
    .resize({ width: Math.round((W * shots.length) / 2) })
    .png()
    .toFile(out);
  console.log(`levels ${shots.map(([l, s]) => (s ? 'blink' : l)).join(', ')} → ${out}`);
}

await main();
