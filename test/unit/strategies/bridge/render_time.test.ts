import { describe, expect, it } from 'vitest';
import {
  handOverWaitMs,
  MAX_RENDER_WAIT_MS,
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
