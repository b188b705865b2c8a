import { describe, expect, it } from 'vitest';
import { MAX_RENDER_WAIT_MS, renderWaitMs } from '../../../../src/strategies/bridge/render_time.js';

describe('renderWaitMs', () => {
  const now = 5_000_000_000n;
  it('waits until a near-future render time', () => {
    expect(renderWaitMs(now + 45_000n, now)).toBe(45);
  });
  it('hands over at once when the render time has passed or is now', () => {
    expect(renderWaitMs(now - 10_000n, now)).toBe(0);
    expect(renderWaitMs(now, now)).toBe(0);
  });
  it('ignores render times that cannot be on the same clock', () => {
    expect(renderWaitMs(now + BigInt((MAX_RENDER_WAIT_MS + 1) * 1000), now)).toBe(0);
    expect(renderWaitMs(0n, now)).toBe(0);
  });
});
