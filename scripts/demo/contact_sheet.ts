// Contact sheet of avatar frames over time (greyscale PNG via sharp), each tile labelled with its time.
import sharp from 'sharp';
import type { Snapshot } from './video_watch.js';

/** 3×5 pixel glyphs (rows top to bottom, 3 bits each, MSB left): no system fonts needed. */
const GLYPHS: Record<string, readonly number[]> = {
  '0': [7, 5, 5, 5, 7],
  '1': [2, 6, 2, 2, 7],
  '2': [7, 1, 7, 4, 7],
  '3': [7, 1, 7, 1, 7],
  '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7],
  '6': [7, 4, 7, 5, 7],
  '7': [7, 1, 2, 2, 2],
  '8': [7, 5, 7, 5, 7],
  '9': [7, 5, 7, 1, 7],
  '.': [0, 0, 0, 0, 2],
  s: [0, 3, 4, 1, 6],
  f: [3, 4, 7, 4, 4],
  '%': [5, 1, 2, 4, 5],
  '+': [0, 2, 7, 2, 0],
  '-': [0, 0, 7, 0, 0],
  '?': [7, 1, 3, 0, 2],
  L: [4, 4, 4, 4, 7],
  ' ': [0, 0, 0, 0, 0],
};
const GLYPH_SCALE = 3;
const GLYPH_W = 3 * GLYPH_SCALE;
const GLYPH_H = 5 * GLYPH_SCALE;
const GLYPH_GAP = GLYPH_SCALE;

const BACKGROUND = 24;
const LABEL_BG = 0;
const LABEL_FG = 255;
const GAP = 6;
const LABEL_H = GLYPH_H + 8;

/** Draws `text` into a greyscale image at (x, y). */
function drawText(
  img: Uint8Array,
  stride: number,
  x0: number,
  y0: number,
  text: string,
  value: number,
): void {
  let x = x0;
  for (const ch of text) {
    const rows = GLYPHS[ch] ?? GLYPHS['?']!;
    for (let r = 0; r < 5; r++) {
      for (let c = 0; c < 3; c++) {
        if (!((rows[r]! >> (2 - c)) & 1)) continue;
        for (let dy = 0; dy < GLYPH_SCALE; dy++) {
          const row = (y0 + r * GLYPH_SCALE + dy) * stride;
          img.fill(value, row + x + c * GLYPH_SCALE, row + x + (c + 1) * GLYPH_SCALE);
        }
      }
    }
    x += GLYPH_W + GLYPH_GAP;
  }
}

/**
 * Label of one tile: `3.20s f81 L42%`: time since the first frame, the frame counter and the audio
 * level the worker drew into the frame.
 */
export function tileLabel(s: Snapshot): string {
  const parts = [`${(s.atMs / 1000).toFixed(2)}s`];
  if (s.counter !== null) parts.push(`f${s.counter}`);
  if (s.level !== null) parts.push(`L${Math.round(s.level * 100)}%`);
  return parts.join(' ');
}

/**
 * Writes `snapshots` as a grid (`columns` wide) to a greyscale PNG at `path`, each tile with its
 * label strip underneath. Resolves with the image size.
 */
export async function writeContactSheet(
  snapshots: readonly Snapshot[],
  path: string,
  columns = 4,
): Promise<{ width: number; height: number; tiles: number }> {
  if (snapshots.length === 0) throw new Error('no frames to put on the contact sheet');
  const tileW = Math.max(...snapshots.map((s) => s.width));
  const tileH = Math.max(...snapshots.map((s) => s.height));
  const cols = Math.min(columns, snapshots.length);
  const rows = Math.ceil(snapshots.length / cols);
  const width = GAP + cols * (tileW + GAP);
  const height = GAP + rows * (tileH + LABEL_H + GAP);
  const img = new Uint8Array(width * height).fill(BACKGROUND);
  snapshots.forEach((s, i) => {
    const x0 = GAP + (i % cols) * (tileW + GAP);
    const y0 = GAP + Math.floor(i / cols) * (tileH + LABEL_H + GAP);
    for (let y = 0; y < s.height; y++) {
      img.set(s.luma.subarray(y * s.width, (y + 1) * s.width), (y0 + y) * width + x0);
    }
    for (let y = y0 + tileH; y < y0 + tileH + LABEL_H; y++) {
      img.fill(LABEL_BG, y * width + x0, y * width + x0 + tileW);
    }
    const fit = Math.floor((tileW - 8 + GLYPH_GAP) / (GLYPH_W + GLYPH_GAP));
    drawText(img, width, x0 + 4, y0 + tileH + 4, tileLabel(s).slice(0, fit), LABEL_FG);
  });
  await sharp(img, { raw: { width, height, channels: 1 } })
    .png({ compressionLevel: 9 })
    .toFile(path);
  return { width, height, tiles: snapshots.length };
}
