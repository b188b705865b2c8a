import { describe, expect, it } from 'vitest';
import {
  BRIDGE_AUDIO_QUEUE_MS,
  keepAudioFrame,
  MAX_AUDIO_BACKLOG_MS,
} from '../../../../src/strategies/bridge/audio_latency.js';

describe('bridged audio latency', () => {
  it('uses a queue that is a multiple of 10 ms and far below rtc-node’s 1000 ms default', () => {
    expect(BRIDGE_AUDIO_QUEUE_MS % 10).toBe(0);
    expect(BRIDGE_AUDIO_QUEUE_MS).toBeLessThanOrEqual(50);
  });

  it('captures while the backlog stays within the cap, drops what would exceed it', () => {
    expect(keepAudioFrame(0, 10)).toBe(true);
    expect(keepAudioFrame(MAX_AUDIO_BACKLOG_MS - 10, 10)).toBe(true);
    expect(keepAudioFrame(MAX_AUDIO_BACKLOG_MS - 9, 10)).toBe(false);
    expect(keepAudioFrame(500, 10)).toBe(false);
  });

  it('after a stall, a burst keeps only the cap’s worth of frames', () => {
    // 20 frames arrive at once after a 200 ms stall: the estimated queue grows 10 ms per capture.
    let queued = 0;
    let kept = 0;
    for (let i = 0; i < 20; i++) {
      if (keepAudioFrame(queued, 10)) {
        queued += 10;
        kept++;
      }
    }
    expect(kept).toBe(MAX_AUDIO_BACKLOG_MS / 10);
  });
});
