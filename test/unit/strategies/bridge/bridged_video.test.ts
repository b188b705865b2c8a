// BridgedVideo's publication policy with a recording publisher (real rtc-node sources and tracks, no room):
// published ahead muted, unmuted at the first frame, replaced when Runway announces another size.
import {
  type LocalVideoTrack,
  VideoBufferType,
  VideoFrame,
  VideoRotation,
} from '@livekit/rtc-node';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BridgedVideo,
  PRIMER_FRAMES,
  type VideoPublisher,
} from '../../../../src/strategies/bridge/bridged_video.js';
import { i420Bytes } from '../../../../src/strategies/bridge/scale_i420.js';

/** A publisher that records what it is asked; `canMute`/`canUnmute` decide what setMuted answers. */
function recorder(opts: { canMute?: boolean; canUnmute?: boolean } = {}) {
  const calls: string[] = [];
  const muted = new Map<LocalVideoTrack, boolean>();
  const names = new Map<LocalVideoTrack, string>();
  const name = (t: LocalVideoTrack) => {
    if (!names.has(t)) names.set(t, `t${names.size + 1}`);
    return names.get(t)!;
  };
  let sids = 0;
  const publisher: VideoPublisher = {
    publish: async (track) => {
      calls.push(`publish ${name(track)}${muted.get(track) ? ' muted' : ''}`);
      return `sid${++sids}`;
    },
    unpublish: async (sid) => {
      calls.push(`unpublish ${sid}`);
    },
    onResize: () => calls.push('onResize'),
    ...(opts.canMute === false
      ? {}
      : {
          setMuted: (track, m) => {
            const ok = m || opts.canUnmute !== false;
            if (ok) muted.set(track, m);
            calls.push(`${m ? 'mute' : 'unmute'} ${name(track)}${ok ? '' : ' failed'}`);
            return ok;
          },
        }),
  };
  return { publisher, calls };
}

const frame = (width: number, height: number) =>
  new VideoFrame(new Uint8Array(i420Bytes(width, height)), width, height, VideoBufferType.I420);
const FULL = { width: 64, height: 48 };
const videos: BridgedVideo[] = [];
function bridged(publisher: VideoPublisher) {
  const v = new BridgedVideo(publisher);
  videos.push(v);
  return v;
}
afterEach(async () => {
  await Promise.all(videos.splice(0).map((v) => v.close()));
});

describe('BridgedVideo, published ahead', () => {
  it('publishes muted before any picture and unmutes at the first frame, once', async () => {
    const { publisher, calls } = recorder();
    const video = bridged(publisher);
    await video.prepublish(FULL);
    expect(calls).toEqual(['mute t1', 'publish t1 muted']);
    await video.publish(FULL); // Runway announces the same size: nothing more
    expect(video.capture(frame(64, 48), 0n, VideoRotation.VIDEO_ROTATION_0)).toBe(true);
    expect(video.capture(frame(64, 48), 1n, VideoRotation.VIDEO_ROTATION_0)).toBe(true);
    expect(calls).toEqual(['mute t1', 'publish t1 muted', 'unmute t1']);
  });

  it('publishes nothing ahead when the publisher cannot mute, and publishes unmuted at Runway’s size', async () => {
    const { publisher, calls } = recorder({ canMute: false });
    const video = bridged(publisher);
    expect(video.prepublish(FULL)).toBeUndefined();
    expect(calls).toEqual([]);
    await video.publish(FULL);
    expect(calls).toEqual(['publish t1']);
    expect(video.capture(frame(64, 48), 0n, VideoRotation.VIDEO_ROTATION_0)).toBe(true);
    expect(calls).toEqual(['publish t1']);
  });

  it('replaces the track published ahead when Runway announces another size, before any frame (not a resize)', async () => {
    const { publisher, calls } = recorder();
    const video = bridged(publisher);
    await video.prepublish(FULL);
    await video.publish({ width: 32, height: 18 });
    expect(calls).toEqual([
      'mute t1',
      'publish t1 muted',
      'mute t2',
      'publish t2 muted',
      'unpublish sid1',
    ]);
    expect(video.size).toEqual({ width: 32, height: 18 });
    expect(video.counters.resizes).toBe(0);
    video.capture(frame(32, 18), 0n, VideoRotation.VIDEO_ROTATION_0);
    expect(calls.at(-1)).toBe('unmute t2');
  });

  it('keeps the track once a frame was shown: another announced size goes through the resize watch', async () => {
    const { publisher, calls } = recorder();
    const video = bridged(publisher);
    await video.prepublish(FULL);
    video.capture(frame(64, 48), 0n, VideoRotation.VIDEO_ROTATION_0);
    await video.publish({ width: 32, height: 18 });
    expect(calls).toEqual(['mute t1', 'publish t1 muted', 'unmute t1']);
  });

  it('republishes unmuted when the unmute fails, so the avatar is never hidden for the call', async () => {
    const { publisher, calls } = recorder({ canUnmute: false });
    const video = bridged(publisher);
    await video.prepublish(FULL);
    video.capture(frame(64, 48), 0n, VideoRotation.VIDEO_ROTATION_0);
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toEqual([
      'mute t1',
      'publish t1 muted',
      'unmute t1 failed',
      'publish t2',
      'unpublish sid1',
    ]);
  });

  it('primes the viewers after each unmute: the first frames go at the primer size, then the published size', async () => {
    const { publisher } = recorder();
    const video = bridged(publisher);
    await video.prepublish(FULL);
    const ts = (i: number) => BigInt(i * 40_000);
    for (let i = 0; i < PRIMER_FRAMES + 3; i++) {
      expect(video.capture(frame(64, 48), ts(i), VideoRotation.VIDEO_ROTATION_0)).toBe(true);
    }
    expect(video.counters.primed).toBe(PRIMER_FRAMES);
    expect(video.counters.scaled).toBe(0);
    // A lower layer arriving first is primed too (scaled to the primer size, not counted as scaled).
    const resized = bridged(recorder().publisher);
    await resized.prepublish(FULL);
    resized.capture(frame(32, 24), 0n, VideoRotation.VIDEO_ROTATION_0);
    expect(resized.counters).toMatchObject({ primed: 1, scaled: 0 });
  });

  it('does not prime a track that was never muted (its viewers subscribe after its first frames anyway)', async () => {
    const { publisher } = recorder({ canMute: false });
    const video = bridged(publisher);
    await video.publish(FULL);
    for (let i = 0; i < PRIMER_FRAMES + 1; i++) {
      video.capture(frame(64, 48), BigInt(i), VideoRotation.VIDEO_ROTATION_0);
    }
    expect(video.counters.primed).toBe(0);
  });

  it('primes again after a resize: the new track is published muted and unmuted at its first frame', async () => {
    const { publisher, calls } = recorder();
    const video = bridged(publisher);
    await video.prepublish(FULL);
    const larger = { width: 128, height: 96 };
    let i = 0;
    for (; i < PRIMER_FRAMES; i++)
      video.capture(frame(64, 48), BigInt(i), VideoRotation.VIDEO_ROTATION_0);
    for (; video.counters.resizes === 0 && i < 50; i++) {
      video.capture(frame(larger.width, larger.height), BigInt(i), VideoRotation.VIDEO_ROTATION_0);
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(video.size).toEqual(larger);
    expect(calls).toContain('unpublish sid1');
    video.capture(frame(larger.width, larger.height), BigInt(i), VideoRotation.VIDEO_ROTATION_0);
    expect(calls.at(-1)).toBe('unmute t2');
    expect(video.counters.primed).toBe(PRIMER_FRAMES + 1);
  });
});
