// Bench process figures: handle counts by type, their difference, and the event-loop delay sampler.
import { describe, expect, it } from 'vitest';
import {
  diffCounts,
  EventLoopDelay,
  forceGc,
  formatCounts,
  handleCounts,
} from '../../../bench/lib/process_stats.js';

describe('diffCounts / formatCounts', () => {
  it('keeps only the types that changed, with their sign', () => {
    const d = diffCounts(
      { Timeout: 2, TCPSocketWrap: 1, FSReqCallback: 1 },
      { Timeout: 5, TCPSocketWrap: 1, PipeWrap: 2 },
    );
    expect(d).toEqual({ Timeout: 3, PipeWrap: 2, FSReqCallback: -1 });
    expect(formatCounts(d, true)).toBe('FSReqCallback −1, PipeWrap +2, Timeout +3');
    expect(formatCounts({})).toBe('none');
  });
});

describe('handleCounts', () => {
  it('sees a timer this process holds open', () => {
    const before = handleCounts().Timeout ?? 0;
    const timer = setTimeout(() => {}, 60_000);
    try {
      expect(handleCounts().Timeout ?? 0).toBe(before + 1);
    } finally {
      clearTimeout(timer);
    }
  });
});

describe('forceGc', () => {
  it('runs without --expose-gc', () => {
    expect(() => forceGc()).not.toThrow();
  });
});

describe('EventLoopDelay', () => {
  it('records a blocked loop, and nothing while paused', async () => {
    const eld = new EventLoopDelay();
    eld.resume();
    await new Promise((r) => setTimeout(r, 30));
    const busyUntil = performance.now() + 60;
    while (performance.now() < busyUntil) {
      // block the event loop
    }
    await new Promise((r) => setTimeout(r, 30));
    eld.pause();
    const n = eld.samples.length;
    expect(eld.summary().max).toBeGreaterThanOrEqual(45);
    await new Promise((r) => setTimeout(r, 50));
    eld.resume();
    await new Promise((r) => setTimeout(r, 25));
    eld.pause();
    // The paused span is not recorded as a delay.
    expect(Math.max(...eld.samples.slice(n))).toBeLessThan(45);
  });
});
