// The FFI mute of local tracks, against rtc-node's own native library (no room needed).
import { LocalVideoTrack, VideoSource } from '@livekit/rtc-node';
import { describe, expect, it } from 'vitest';
import { canMuteTracks, setTrackMuted } from '../../../src/livekit/track_mute.js';

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
