// `--web`: the contact sheet's tiles taken from the frames the viewer page showed (its snapshots), not rtc-node's.
import { VideoBufferType } from '@livekit/rtc-node';
import type { BrowserSnapshot } from '../../examples/web/protocol.js';
import { decodeFrame } from '../../src/emulator/worker/frame_code.js';
import type { Snapshot } from './video_watch.js';

/** `count` items of `items` evenly spaced from the first to the last (all of them if fewer). Pure. */
export function pickEvenly<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  if (count <= 1) return items.slice(-1);
  return Array.from(
    { length: count },
    (_, i) => items[Math.round((i * (items.length - 1)) / (count - 1))]!,
  );
}

/**
 * The page's snapshots as contact-sheet tiles (`count` of them, evenly spaced), each labelled with
 * its time since the page's first snapshot and the frame code read off the browser's picture.
 */
export function browserTiles(shots: readonly BrowserSnapshot[], count = 12): Snapshot[] {
  const sorted = [...shots].sort((a, b) => a.atMs - b.atMs);
  const first = sorted[0]?.atMs ?? 0;
  return pickEvenly(sorted, count).map((s) => {
    const luma = new Uint8Array(Buffer.from(s.luma, 'base64'));
    // The Y plane alone is enough for the decoder (it reads luma from the first plane).
    const code = decodeFrame({
      data: luma,
      width: s.width,
      height: s.height,
      type: VideoBufferType.I420,
    });
    return {
      atMs: s.atMs - first,
      width: s.width,
      height: s.height,
      luma,
      counter: code?.counter ?? null,
      level: code?.level ?? null,
    };
  });
}
