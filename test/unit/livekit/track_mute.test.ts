// The FFI mute of local tracks, against rtc-node's own native library (no room needed).
import { LocalVideoTrack, VideoSource } from '@livekit/rtc-node';
import { describe, expect, it } from 'vitest';
import {
  canMuteTracks,
  setTrackMuted,
  unmuteWhenPublished,
} from '../../../src/livekit/track_mute.js';

describe('setTrackMuted', () => {
  it("mutes and unmutes a local track through rtc-node's FFI", async () => {
    expect(canMuteTracks()).toBe(true);
    const source = new VideoSource(64, 48);
    const track = LocalVideoTrack.createVideoTrack('t', source);
    try {
      expect(setTrackMuted(track, true)).toBe(true);
      expect(setTrackMuted(track, false)).toBe(true);
    } finally {
      await track.close();
    }
  });

  it('answers false for something that is not a live local track', () => {
    expect(setTrackMuted({} as LocalVideoTrack, true)).toBe(false);
    const stale = { ffi_handle: { handle: 987654321n } } as unknown as LocalVideoTrack;
    expect(setTrackMuted(stale, true)).toBe(false);
  });
});

describe('unmuteWhenPublished', () => {
  const track = {} as LocalVideoTrack;

  it('unmutes only once the publication is done, not while it is under way', async () => {
    let publish!: () => void;
    const published = new Promise<void>((r) => {
      publish = r;
    });
    const calls: boolean[] = [];
    const setMuted = (_t: unknown, muted: boolean) => calls.push(muted) > 0;
    const unmuted = unmuteWhenPublished(track, published, () => true, setMuted);
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toEqual([]);
    publish();
    await expect(unmuted).resolves.toBe(true);
    expect(calls).toEqual([false]);
  });

  it('does nothing when the publication failed or the unmute is no longer wanted', async () => {
    const calls: boolean[] = [];
    const setMuted = (_t: unknown, muted: boolean) => calls.push(muted) > 0;
    const failed = Promise.reject(new Error('publish failed'));
    await expect(unmuteWhenPublished(track, failed, () => true, setMuted)).resolves.toBe(false);
    const closed = unmuteWhenPublished(track, Promise.resolve(), () => false, setMuted);
    await expect(closed).resolves.toBe(false);
    expect(calls).toEqual([]);
  });

  it('answers false when the unmute itself fails', async () => {
    await expect(unmuteWhenPublished(track, Promise.resolve())).resolves.toBe(false);
  });
});
