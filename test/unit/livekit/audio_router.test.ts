// AudioRouter: one output for the agent, sinks switched underneath without stalling a turn.
import { voice } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import { describe, expect, it } from 'vitest';
import { AudioRouter } from '../../../src/livekit/audio_router.js';

/** A sink double for this unit test: records frames, finishes segments when told to. */
class RecordingSink extends voice.AudioOutput {
  frames = 0;
  flushes = 0;
  cleared = 0;
  override async captureFrame(frame: AudioFrame): Promise<void> {
    await super.captureFrame(frame);
    this.frames++;
  }
  override flush(): void {
    super.flush();
    this.flushes++;
  }
  clearBuffer(): void {
    this.cleared++;
  }
  finish(interrupted = false): void {
    this.onPlaybackFinished({ playbackPosition: 1, interrupted });
  }
}

const frame = () => AudioFrame.create(16_000, 1, 160);

describe('AudioRouter', () => {
  it('forwards frames, flushes and playback events of the current sink', async () => {
    const sink = new RecordingSink();
    const router = new AudioRouter(16_000, sink);
    await router.captureFrame(frame());
    await router.captureFrame(frame());
    router.flush();
    expect(sink.frames).toBe(2);
    expect(sink.flushes).toBe(1);
    expect(router.idle).toBe(false);
    const playout = router.waitForPlayout();
    sink.finish();
    expect(await playout).toEqual({ playbackPosition: 1, interrupted: false });
    expect(router.idle).toBe(true);
  });

  it('a switch finishes the orphaned segment (interrupted) and later audio goes to the new sink', async () => {
    const lost = new RecordingSink();
    const next = new RecordingSink();
    const router = new AudioRouter(16_000, lost);
    await router.captureFrame(frame());
    router.flush();
    const playout = router.waitForPlayout();
    router.switchTo(next);
    expect(await playout).toMatchObject({ interrupted: true });
    lost.finish(); // a late report from the old sink is ignored
    await router.captureFrame(frame());
    router.flush();
    expect(next.frames).toBe(1);
    expect(router.pendingPlayoutSegments).toBe(1);
    next.finish();
    expect(router.pendingPlayoutSegments).toBe(0);
  });

  it('a frame stuck in a sink that is gone stops waiting when the sink is switched', async () => {
    class StuckSink extends RecordingSink {
      override captureFrame(): Promise<void> {
        return new Promise(() => {});
      }
    }
    const router = new AudioRouter(16_000, new StuckSink());
    const stuck = router.captureFrame(frame());
    router.switchTo(new RecordingSink());
    await expect(stuck).resolves.toBeUndefined();
  });

  it('holds the next segment at its first frame until released; the current one goes on', async () => {
    const sink = new RecordingSink();
    const router = new AudioRouter(16_000, sink);
    await router.captureFrame(frame());
    router.holdNextSegment();
    await router.captureFrame(frame()); // same segment: not held
    router.flush();
    let started = false;
    const held = router.captureFrame(frame()).then(() => {
      started = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(started).toBe(false);
    expect(sink.frames).toBe(2);
    router.release();
    await held;
    expect(sink.frames).toBe(3);
  });
});
