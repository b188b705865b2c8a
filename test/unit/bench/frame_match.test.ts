// Bridge bench: matching frame counters seen directly and through the bridge.
import { describe, expect, it } from 'vitest';
import { comparePaths, interArrivals } from '../../../bench/lib/frame_match.js';

describe('comparePaths', () => {
  const direct = { counters: [10, 11, 12, 13, 15], arrivals: [100, 140, 180, 220, 300] };

  it('gives the per-counter added latency and the frames the bridged path lost', () => {
    const bridged = { counters: [10, 12, 13, 15], arrivals: [130, 215, 250, 335] };
    const c = comparePaths(direct, bridged, 0, 1000);
    expect(c.directFrames).toBe(5);
    expect(c.directGaps).toBe(1); // 14 never reached the direct viewer
    expect(c.matched).toBe(4);
    expect(c.missingOnBridged).toBe(1); // 11
    expect(c.addedMs).toEqual([30, 35, 30, 35]);
  });

  it('counts only direct frames inside the window, and ignores bridged frames outside it', () => {
    const bridged = { counters: [9, 11, 12, 16], arrivals: [90, 170, 210, 340] };
    const c = comparePaths(direct, bridged, 140, 220);
    expect(c.directFrames).toBe(3); // 11, 12, 13
    expect(c.matched).toBe(2);
    expect(c.missingOnBridged).toBe(1); // 13
    expect(c.addedMs).toEqual([30, 30]);
  });

  it('keeps the first arrival of a counter seen twice', () => {
    const twice = { counters: [10, 10], arrivals: [120, 160] };
    const c = comparePaths({ counters: [10], arrivals: [100] }, twice, 0, 1000);
    expect(c.addedMs).toEqual([20]);
  });

  it('is empty for an empty window', () => {
    const c = comparePaths(direct, direct, 5000, 6000);
    expect(c).toEqual({
      directFrames: 0,
      directGaps: 0,
      matched: 0,
      missingOnBridged: 0,
      addedMs: [],
    });
  });
});

describe('interArrivals', () => {
  it('gives the gaps between arrivals inside the window', () => {
    expect(interArrivals({ counters: [1, 2, 3, 4], arrivals: [0, 40, 85, 120] }, 30, 200)).toEqual([
      45, 35,
    ]);
  });
});
