// `--web` contact sheet: the page's snapshots picked evenly and their frame code read off the browser's picture.
import { describe, expect, it } from 'vitest';
import { browserTiles, pickEvenly } from '../../scripts/demo/browser_sheet.js';
import { allocateI420, encodeFrame } from '../../src/emulator/worker/frame_code.js';

describe('browser contact sheet', () => {
  it('picks evenly from first to last', () => {
    expect(pickEvenly([1, 2, 3], 12)).toEqual([1, 2, 3]);
    expect(pickEvenly([0, 1, 2, 3, 4, 5, 6, 7, 8], 3)).toEqual([0, 4, 8]);
    expect(pickEvenly([0, 1, 2], 1)).toEqual([2]);
  });

  it('turns snapshots into tiles timed from the first, with the frame code decoded', () => {
    const shot = (counter: number, atMs: number) => {
      const data = allocateI420(272, 176);
      encodeFrame(counter, 0.5, { data, width: 272, height: 176 });
      const luma = Buffer.from(data.subarray(0, 272 * 176)).toString('base64');
      return { atMs, width: 272, height: 176, luma };
    };
    const blank = {
      atMs: 3500,
      width: 272,
      height: 176,
      luma: Buffer.alloc(272 * 176).toString('base64'),
    };
    const tiles = browserTiles([shot(80, 3000), shot(30, 1000), blank]);
    expect(tiles.map((t) => t.atMs)).toEqual([0, 2000, 2500]);
    expect(tiles.map((t) => t.counter)).toEqual([30, 80, null]);
    expect(tiles[0]!.level).toBeCloseTo(0.5, 1);
    expect(tiles[0]!.luma).toHaveLength(272 * 176);
  });
});
