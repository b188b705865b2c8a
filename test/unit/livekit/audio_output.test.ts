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
  it('parks speech without blocking the agent; an interruption drops it and finishes the segment at once', async () => {
    const { out, finished } = output();
    // Returns at once: the agent's turn never waits on the join.
    await out.captureFrame(frame());
    await out.captureFrame(frame());
    expect(finished).toEqual([]);
    out.clearBuffer();
    expect(finished).toEqual([{ playbackPosition: 0, interrupted: true }]);
    // The rest of the interrupted segment is dropped, until its flush.
    await out.captureFrame(frame());
    out.flush();
    out.clearBuffer();
    expect(finished).toHaveLength(1);
    // The next segment parks again, and is finished by the next interruption.
    await out.captureFrame(frame());
    out.flush();
    await out.captureFrame(frame());
    out.clearBuffer();
    expect(finished).toEqual([
      { playbackPosition: 0, interrupted: true },
      { playbackPosition: 0, interrupted: true },
      { playbackPosition: 0, interrupted: true },
    ]);
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
    await out.captureFrame(frame());
    out.flush();
    out.cutPlayout();
    expect(finished).toEqual([{ playbackPosition: 0, interrupted: true }]);
    out.detachFromRoom();
  });
});
