// Worker audio path without a room: PCM conversion into the ring, and real-time segment playout.
import { describe, expect, it } from 'vitest';
import { AudioPlayer, type SegmentOutcome } from '../../../src/emulator/worker/audio_player.js';
import { PcmConverter } from '../../../src/emulator/worker/pcm_converter.js';
import { SampleRing } from '../../../src/emulator/worker/sample_ring.js';

/** Little-endian Int16 bytes of a sine at `hz`, `channels` identical channels. */
function toneBytes(hz: number, rate: number, ms: number, channels = 1, amp = 0.5): Uint8Array {
  const frames = Math.round((rate * ms) / 1000);
  const out = new Uint8Array(frames * channels * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < frames; i++) {
    const v = Math.round(Math.sin((2 * Math.PI * hz * i) / rate) * amp * 32767);
    for (let c = 0; c < channels; c++) view.setInt16((i * channels + c) * 2, v, true);
  }
  return out;
}

/** Rising zero crossings per second of `x` at `rate`. */
function zeroCrossHz(x: Int16Array, rate: number): number {
  let n = 0;
  for (let i = 1; i < x.length; i++) if (x[i - 1]! < 0 && x[i]! >= 0) n++;
  return (n * rate) / x.length;
}

describe('PcmConverter', () => {
  it('resamples 16 kHz stereo to 48 kHz mono across odd chunk splits, keeping the pitch', () => {
    const ring = new SampleRing(48_000, 1);
    const conv = new PcmConverter(48_000);
    conv.reset(16_000, 2);
    const bytes = toneBytes(440, 16_000, 500, 2);
    for (let i = 0; i < bytes.length; i += 333) {
      const chunk = bytes.subarray(i, i + 333);
      expect(ring.free).toBeGreaterThanOrEqual(conv.maxOutputFrames(chunk.length));
      conv.push(chunk, ring);
    }
    expect(ring.written).toBeGreaterThanOrEqual(23_990);
    expect(ring.written).toBeLessThanOrEqual(24_010);
    expect(conv.secondsOf(bytes.length)).toBeCloseTo(0.5, 6);
    const out = new Int16Array(ring.available);
    ring.readInto(out, out.length);
    expect(zeroCrossHz(out, 48_000)).toBeGreaterThan(430);
    expect(zeroCrossHz(out, 48_000)).toBeLessThan(450);
    let peak = 0;
    for (const v of out) peak = Math.max(peak, Math.abs(v));
    expect(peak).toBeGreaterThan(15_000);
    expect(peak).toBeLessThan(17_000);
  });

  it('ring wraps around and drops on demand', () => {
    const ring = new SampleRing(4, 2);
    const dst = new Int16Array(8);
    for (let i = 1; i <= 3; i++) ring.pushFrame(i);
    expect(ring.readInto(dst, 2)).toBe(2);
    for (let i = 4; i <= 6; i++) ring.pushFrame(i);
    expect(ring.free).toBe(0);
    expect(ring.readInto(dst, 8)).toBe(4);
    expect([...dst]).toEqual([3, 3, 4, 4, 5, 5, 6, 6]);
    ring.pushFrame(9);
    ring.dropAll();
    expect(ring.available).toBe(0);
    expect(ring.read).toBe(7);
  });
});

describe('AudioPlayer', () => {
  it('reports a segment after it has been heard in real time, and interruptions at once', async () => {
    const done: Array<{ index: number; outcome: SegmentOutcome; atMs: number }> = [];
    const player = new AudioPlayer({
      sampleRate: 48_000,
      channels: 1,
      queueMs: 100,
      bufferMs: 5_000,
      onSegmentDone: (seg, outcome) =>
        done.push({ index: seg.info.index, outcome, atMs: performance.now() }),
    });
    try {
      player.start();
      const conv = new PcmConverter(48_000);
      const info = (index: number) => ({
        index,
        senderIdentity: 'agent',
        sampleRate: 16_000,
        channels: 1,
        bytes: 0,
        receivedSeconds: 0,
      });
      // Segment 1: 400 ms, delivered at once.
      const t0 = performance.now();
      const seg1 = player.openSegment(info(1));
      conv.reset(16_000, 1);
      conv.push(toneBytes(300, 16_000, 400), player.ring);
      player.closeSegment(seg1);
      await new Promise((r) => setTimeout(r, 150));
      expect(player.levelNow()).toBeGreaterThan(0.2);
      await new Promise((r) => setTimeout(r, 500));
      expect(done).toHaveLength(1);
      expect(done[0]!.outcome).toEqual({ playbackPositionSeconds: 0.4, interrupted: false });
      // Heard in real time: not before 400 ms of audio (+ the queue) could have played.
      expect(done[0]!.atMs - t0).toBeGreaterThanOrEqual(390);
      await new Promise((r) => setTimeout(r, 150));
      expect(player.levelNow()).toBeLessThan(0.01);

      // Segments 2 (2 s, cut after ~300 ms) and 3 (queued behind it): both reported interrupted.
      const seg2 = player.openSegment(info(2));
      conv.reset(16_000, 1);
      conv.push(toneBytes(300, 16_000, 2_000), player.ring);
      player.closeSegment(seg2);
      const seg3 = player.openSegment(info(3));
      conv.reset(16_000, 1);
      conv.push(toneBytes(300, 16_000, 500), player.ring);
      player.closeSegment(seg3);
      await new Promise((r) => setTimeout(r, 300));
      expect(player.interruptAll()).toBe(2);
      expect(done.slice(1).map((d) => [d.index, d.outcome.interrupted])).toEqual([
        [2, true],
        [3, true],
      ]);
      const heard = done[1]!.outcome.playbackPositionSeconds;
      expect(heard).toBeGreaterThan(0.1);
      expect(heard).toBeLessThan(0.45);
      expect(done[2]!.outcome.playbackPositionSeconds).toBe(0);
      expect(player.ring.available).toBe(0);
    } finally {
      await player.close();
    }
  });
});
