// Voice activity turns (start after minSpeechMs, end after endSilenceMs) and synthetic speech timing.
import { describe, expect, it } from 'vitest';
import { speechDurationMs } from '../../../src/emulator/worker/speech_synth.js';
import { VoiceActivity } from '../../../src/emulator/worker/voice_activity.js';

/** Feeds `ms` of 10 ms frames at `level`; returns the changes with their time offsets. */
function feed(vad: VoiceActivity, level: number, ms: number, t0: number, out: string[]): number {
  for (let t = 0; t < ms; t += 10) {
    const c = vad.push(level, 10);
    if (c) out.push(`${c}@${t0 + t + 10}`);
  }
  return t0 + ms;
}

describe('VoiceActivity', () => {
  it('starts after minSpeechMs of voice, ends after endSilenceMs of silence, measures the turn', () => {
    const vad = new VoiceActivity({ thresholdRms: 0.05, minSpeechMs: 100, endSilenceMs: 300 });
    const changes: string[] = [];
    let t = feed(vad, 0.01, 500, 0, changes);
    t = feed(vad, 0.2, 50, t, changes); // too short to count…
    t = feed(vad, 0, 400, t, changes); // …and forgotten after the silence
    t = feed(vad, 0.2, 800, t, changes);
    t = feed(vad, 0, 200, t, changes); // a pause shorter than endSilenceMs keeps the turn
    t = feed(vad, 0.2, 200, t, changes);
    feed(vad, 0, 500, t, changes);
    expect(changes).toEqual(['start@1050', 'end@2450']);
    expect(vad.lastTurnMs).toBe(1_200);
    expect(vad.speaking).toBe(false);
  });
});

describe('speechDurationMs', () => {
  it('grows with syllables and pauses at sentence ends', () => {
    expect(speechDurationMs('')).toBe(0);
    expect(speechDurationMs('Hi')).toBe(280);
    expect(speechDurationMs('Hello there.')).toBe(4 * 200 + 2 * 80 + 250);
    expect(speechDurationMs('a b c d')).toBeGreaterThan(speechDurationMs('abcd'));
  });
});
