import { describe, expect, it } from 'vitest';
import {
  AudioBacklog,
  BRIDGE_AUDIO_QUEUE_MS,
  MAX_AUDIO_BACKLOG_MS,
  STANDING_BACKLOG_MS,
  TARGET_AUDIO_BACKLOG_MS,
} from '../../../../src/strategies/bridge/audio_latency.js';

/**
 * Plays `arrivals` (wall-clock ms of each 10 ms frame's arrival) through the policy with a queue that
 * drains in real time, as rtc-node's `queuedDuration` estimate does. Returns the frames kept and the
 * backlog left after the last one.
 */
function play(arrivals: number[], backlog = new AudioBacklog()): { kept: number; queued: number } {
  let queued = 0;
  let last = arrivals[0] ?? 0;
  let kept = 0;
  for (const at of arrivals) {
    queued = Math.max(queued - (at - last), 0);
    last = at;
    if (backlog.keep(queued, 10)) {
      queued += 10;
      kept++;
    }
  }
  return { kept, queued };
}

/** Frames every 10 ms for `ms`, delivered `burst` at a time (event-loop jitter), from `startMs`. */
function paced(ms: number, burst = 1, startMs = 0): number[] {
  return Array.from(
    { length: ms / 10 },
    (_, i) => startMs + Math.floor(i / burst) * burst * 10 + (burst - 1) * 10,
  );
}

describe('bridged audio latency', () => {
  it('sizes the native queue to hold the cap, a multiple of 10 ms, below rtc-node’s 1000 ms', () => {
    expect(BRIDGE_AUDIO_QUEUE_MS % 10).toBe(0);
    expect(BRIDGE_AUDIO_QUEUE_MS).toBeLessThan(1000);
    expect(MAX_AUDIO_BACKLOG_MS).toBeLessThanOrEqual(BRIDGE_AUDIO_QUEUE_MS);
    expect(TARGET_AUDIO_BACKLOG_MS).toBeLessThan(MAX_AUDIO_BACKLOG_MS);
  });

  it('keeps every frame of real-time audio', () => {
    expect(play(paced(5000)).kept).toBe(500);
  });

  it('keeps every frame when they arrive in bursts (the busy event loop that lost half the voice)', () => {
    // 6 frames at a time: the estimated backlog reaches 60 ms at each burst and drains between them.
    const { kept, queued } = play(paced(5000, 6));
    expect(kept).toBe(500);
    expect(queued).toBeLessThanOrEqual(60);
  });

  it('plays a burst after a short stall rather than dropping it', () => {
    // 150 ms of audio arrive at once, then real time resumes: the burst and what follows are played
    // (a backlog that lasts is trimmed later, below).
    const arrivals = [...Array.from({ length: 15 }, () => 150), ...paced(100, 1, 160)];
    expect(play(arrivals).kept).toBe(arrivals.length);
  });

  it('drops what exceeds the cap after a long stall', () => {
    const frames = 100; // a 1 s stall delivers 1 s of audio at once
    const { kept } = play(Array.from({ length: frames }, () => 1000));
    expect(kept).toBe(MAX_AUDIO_BACKLOG_MS / 10);
  });

  it('trims a backlog that lasts back to the target, and no further', () => {
    // A stall leaves 150 ms queued, then frames arrive in real time: the backlog would stay for good.
    const stall = Array.from({ length: 15 }, () => 150);
    const after = paced(3000, 1, 160);
    const { kept, queued } = play([...stall, ...after]);
    expect(queued).toBeLessThanOrEqual(TARGET_AUDIO_BACKLOG_MS + 10);
    expect(queued).toBeGreaterThan(TARGET_AUDIO_BACKLOG_MS - 20);
    // Only the excess was dropped, and not before it had lasted.
    const dropped = stall.length + after.length - kept;
    expect(dropped).toBeGreaterThanOrEqual((150 - TARGET_AUDIO_BACKLOG_MS - 10) / 10);
    expect(dropped).toBeLessThanOrEqual((150 - TARGET_AUDIO_BACKLOG_MS + 10) / 10);
  });

  it('does not trim before the backlog has lasted the standing time', () => {
    const backlog = new AudioBacklog();
    for (let ms = 0; ms + 10 < STANDING_BACKLOG_MS; ms += 10)
      expect(backlog.keep(TARGET_AUDIO_BACKLOG_MS + 20, 10)).toBe(true);
    expect(backlog.keep(TARGET_AUDIO_BACKLOG_MS + 20, 10)).toBe(false);
    // Seen at the target again: the count starts over.
    expect(backlog.keep(TARGET_AUDIO_BACKLOG_MS, 10)).toBe(true);
    expect(backlog.keep(TARGET_AUDIO_BACKLOG_MS + 20, 10)).toBe(true);
  });
});
