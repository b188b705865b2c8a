import { describe, expect, it } from 'vitest';
import {
  handOverWaitMs,
  isStaleFrame,
  MAX_RENDER_WAIT_MS,
  STALE_FRAME_MS,
  VOICE_SECOND_TRIP_MS,
} from '../../../../src/strategies/bridge/render_time.js';

describe('handOverWaitMs before any voice is forwarded: the render time alone', () => {
  const now = 5_000_000_000n;
  it('waits until a near-future render time', () => {
    expect(handOverWaitMs(now + 45_000n, now, undefined)).toBe(45);
  });
  it('hands over at once when the render time has passed or is now', () => {
    expect(handOverWaitMs(now - 10_000n, now, undefined)).toBe(0);
    expect(handOverWaitMs(now, now, undefined)).toBe(0);
  });
  it('does not hold a frame whose render time is not on our clock', () => {
    expect(handOverWaitMs(now + BigInt((MAX_RENDER_WAIT_MS + 1) * 1000), now, undefined)).toBe(0);
    expect(handOverWaitMs(0n, now, undefined)).toBe(0);
  });
});

describe('handOverWaitMs with the voice forwarded', () => {
  const now = 5_000_000_000n;
  const trip = VOICE_SECOND_TRIP_MS;
  it('holds a frame until its render time, plus the voice queued in the bridge and its longer trip', () => {
    expect(handOverWaitMs(now + 10_000n, now, 25)).toBe(10 + 25 + trip);
    expect(handOverWaitMs(now + 10_000n, now, 0)).toBe(10 + trip);
  });
  it('holds a frame that is already late only for what is left', () => {
    expect(handOverWaitMs(now - 10_000n, now, 30)).toBe(30 + trip - 10);
    expect(handOverWaitMs(now - BigInt((40 + trip) * 1000), now, 30)).toBe(0);
  });
  it('reads a queue below zero as empty', () => {
    expect(handOverWaitMs(now + 10_000n, now, -5)).toBe(10 + trip);
  });
  it('does not hold a frame whose render time is not on our clock', () => {
    expect(handOverWaitMs(now + BigInt((MAX_RENDER_WAIT_MS + 1) * 1000), now, 30)).toBe(0);
    expect(handOverWaitMs(0n, now, 30)).toBe(0);
  });
  it('never holds a frame longer than the cap', () => {
    expect(handOverWaitMs(now + 200_000n, now, 200)).toBe(MAX_RENDER_WAIT_MS);
  });
});

describe('isStaleFrame: after a stall, what queued meanwhile is skipped', () => {
  const now = 5_000_000_000n;
  const late = (ms: number) => now - BigInt(ms * 1000);
  it('skips a frame more than STALE_FRAME_MS behind its render time', () => {
    expect(isStaleFrame(late(STALE_FRAME_MS + 1), now, undefined, 10)).toBe(true);
    expect(isStaleFrame(late(5_000), now, 30, 0)).toBe(true);
  });
  it('keeps a frame that is late by less, or on time, or ahead', () => {
    expect(isStaleFrame(late(STALE_FRAME_MS), now, undefined, 10)).toBe(false);
    expect(isStaleFrame(late(50), now, undefined, 10)).toBe(false);
    expect(isStaleFrame(now + 30_000n, now, undefined, 10)).toBe(false);
  });
  it('counts lateness from the hand-over the voice asks for, not from the render time', () => {
    const hold = 150 + VOICE_SECOND_TRIP_MS;
    // 300 ms behind its render time, but a 150 ms voice queue means it is due at +170: 130 ms late.
    expect(isStaleFrame(late(300), now, 150, 10)).toBe(false);
    expect(isStaleFrame(late(STALE_FRAME_MS + hold + 1), now, 150, 10)).toBe(true);
  });
  it('never skips the first frame, nor once STALE_FRAME_MS passed without one', () => {
    expect(isStaleFrame(late(5_000), now, undefined, undefined)).toBe(false);
    expect(isStaleFrame(late(5_000), now, undefined, STALE_FRAME_MS)).toBe(false);
    expect(isStaleFrame(late(5_000), now, undefined, STALE_FRAME_MS + 1)).toBe(false);
  });
  it('lets a picture whose render times are off our clock move at ≥ 1 frame per STALE_FRAME_MS', () => {
    // Every frame 10 s "late", one each 40 ms: one in five goes out.
    let handedAt: number | undefined;
    let handed = 0;
    for (let t = 0; t < 2_000; t += 40) {
      const since = handedAt === undefined ? undefined : t - handedAt;
      if (!isStaleFrame(late(10_000), now, undefined, since)) {
        handed++;
        handedAt = t;
      }
    }
    expect(handed).toBeGreaterThanOrEqual(2_000 / STALE_FRAME_MS - 1);
    expect(handed).toBeLessThanOrEqual(2_000 / STALE_FRAME_MS + 1);
  });
});
