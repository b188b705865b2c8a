// RunwayAudioOutput before the avatar joined and after it was lost: parked speech is dropped on an
// interruption (reported at once), and a loss reports unfinished speech at the position heard.
import { voice } from '@livekit/agents';
import { AudioFrame, Room } from '@livekit/rtc-node';
import { describe, expect, it } from 'vitest';
import { RunwayAudioOutput } from '../../../src/livekit/audio_output.js';

const frame = () => AudioFrame.create(16_000, 1, 160);

function output() {
  const room = new Room(); // never connected: the avatar never joins
  const out = new RunwayAudioOutput({
    room,
    destinationIdentity: 'runway-avatar-agent',
    sampleRate: 16_000,
    clearBufferTimeoutMs: 2000,
    ready: new Promise<void>(() => {}),
  });
  const finished: voice.PlaybackFinishedEvent[] = [];
  out.on(voice.AudioOutput.EVENT_PLAYBACK_FINISHED, (e) => finished.push(e));
  return { out, finished };
}

describe('RunwayAudioOutput before the avatar joined', () => {
  it('an interruption drops the parked frame and reports the segment interrupted at once', async () => {
    const { out, finished } = output();
    let delivered = false;
    const parked = out.captureFrame(frame()).then(() => (delivered = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(delivered).toBe(false);
    expect(out.pendingPlayoutSegments).toBe(1);
    out.clearBuffer();
    await parked;
    expect(finished).toEqual([{ playbackPosition: 0, interrupted: true }]);
    expect(out.pendingPlayoutSegments).toBe(0);
    // The rest of the interrupted segment is dropped without parking, until its flush.
    await out.captureFrame(frame());
    out.flush();
    expect(out.pendingPlayoutSegments).toBe(0);
    // The next segment parks again (and counts).
    void out.captureFrame(frame());
    await new Promise((r) => setTimeout(r, 20));
    expect(out.pendingPlayoutSegments).toBe(1);
    out.detachFromRoom();
  });

  it('nothing parked: an interruption reports nothing', () => {
    const { out, finished } = output();
    out.clearBuffer();
    expect(finished).toEqual([]);
    out.detachFromRoom();
  });

  it('a loss reports the parked segment interrupted at position 0 (nothing was heard)', async () => {
    const { out, finished } = output();
    const parked = out.captureFrame(frame());
    await new Promise((r) => setTimeout(r, 20));
    out.cutPlayout();
    await parked;
    expect(finished).toEqual([{ playbackPosition: 0, interrupted: true }]);
    out.detachFromRoom();
  });
});
