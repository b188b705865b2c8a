// Issue 17, "sooner on screen": the hosted bridge publishes the avatar's tracks while Runway's session
// provisions, muted, so that the user has subscribed to them before Runway's first picture exists; the
// picture and the voice are unmuted together when the first picture is handed over. Before, the user learnt
// of the bridged video only after the consume, and the second publication was on the critical path.
import { type RemoteTrack, RoomEvent, TrackKind, VideoStream } from '@livekit/rtc-node';
import { describe, expect, it } from 'vitest';
import { PRIMER_FRAMES } from '../../src/strategies/bridge/bridged_video.js';
import { prepareAgentWithAvatar, startEmulatorWithWorker } from './support/agent_harness.js';
import { waitFor } from './support/wait.js';

const AVATAR = 'runway-avatar-agent';
/** Long enough for the user to subscribe while Runway provisions (the harness default is 200 ms). */
const PROVISIONING_MS = 3000;

/** What the user saw of one of the avatar's tracks, `Date.now()` ms. */
interface Seen {
  publishedAt?: number;
  mutedWhenPublished?: boolean;
  subscribedAt?: number;
  unmutedAt?: number;
  firstFrameAt?: number;
  /** The brightest luma among samples of the first frame (a black frame stays near 0–16). */
  firstFrameMaxLuma?: number;
}

/** The brightest of every 97th luma sample of an I420 frame. */
function maxLuma(data: Uint8Array, width: number, height: number): number {
  let max = 0;
  for (let i = 0; i < width * height; i += 97) if (data[i]! > max) max = data[i]!;
  return max;
}

describe('hosted bridge, published ahead', () => {
  it('the user subscribes while Runway provisions, gets no frame before the first picture, and the picture and the voice unmute together', async () => {
    const { emulator } = await startEmulatorWithWorker({
      mode: 'hosted-only',
      provisioningMs: PROVISIONING_MS,
    });
    const a = await prepareAgentWithAvatar(emulator, { startScript: 'Hi! I am the hosted cat.' });
    let consumedAt: number | undefined;
    emulator.on('request', (e: { route: string | null }) => {
      if (e.route === 'consume') consumedAt ??= Date.now();
    });
    const video: Seen = {};
    const audio: Seen = {};
    const of = (kind: TrackKind | undefined) =>
      kind === TrackKind.KIND_VIDEO ? video : kind === TrackKind.KIND_AUDIO ? audio : undefined;
    a.userRoom.on(RoomEvent.TrackPublished, (pub, p) => {
      const seen = p.identity === AVATAR ? of(pub.kind) : undefined;
      if (!seen || seen.publishedAt !== undefined) return;
      seen.publishedAt = Date.now();
      seen.mutedWhenPublished = pub.muted;
    });
    a.userRoom.on(RoomEvent.TrackUnmuted, (pub, p) => {
      const seen = p.identity === AVATAR ? of(pub.kind) : undefined;
      if (seen) seen.unmutedAt ??= Date.now();
    });
    a.userRoom.on(RoomEvent.TrackSubscribed, (track: RemoteTrack, _pub, p) => {
      const seen = p.identity === AVATAR ? of(track.kind) : undefined;
      if (!seen) return;
      seen.subscribedAt ??= Date.now();
      if (track.kind !== TrackKind.KIND_VIDEO) return;
      const reader = new VideoStream(track).getReader();
      void reader.read().then(({ value }) => {
        video.firstFrameAt ??= Date.now();
        if (value) {
          const f = value.frame;
          video.firstFrameMaxLuma = maxLuma(f.data, f.width, f.height);
        }
        void reader.cancel().catch(() => {});
      });
    });

    await a.start();
    expect(a.avatar.strategy).toBe('hosted');
    await waitFor(() => video.firstFrameAt, {
      timeoutMs: 20_000,
      debugName: "the user's first frame of the avatar",
    });
    const stats = a.avatar.bridgeStats!;
    console.log(
      `published ahead: user subscribed ${consumedAt! - video.subscribedAt!} ms before the consume; first frame ${video.firstFrameAt! - consumedAt!} ms after it`,
    );

    // Both tracks were announced muted and subscribed to before Runway's room existed for the bridge.
    expect(video.mutedWhenPublished).toBe(true);
    expect(audio.mutedWhenPublished).toBe(true);
    expect(consumedAt).toBeDefined();
    expect(video.subscribedAt).toBeLessThan(consumedAt!);
    expect(audio.subscribedAt).toBeLessThan(consumedAt!);
    // No frame while Runway provisioned (a muted track sends none: no black avatar meanwhile); the track
    // was unmuted with the first picture handed over.
    expect(video.firstFrameAt).toBeGreaterThan(consumedAt!);
    // And the user's first frame is the avatar's picture, not a black one.
    expect(video.firstFrameMaxLuma).toBeGreaterThan(100);
    expect(video.unmutedAt).toBeDefined();
    expect(stats.firstPicture.shown).toBeDefined();
    // The first frames after the unmute were the primer (a little smaller, so that the switch to the
    // published size gives the user a key frame at once), and only those.
    await waitFor(() => stats.videoFrames > PRIMER_FRAMES + 10, {
      timeoutMs: 5000,
      debugName: 'frames after the primer',
    });
    expect(stats.videoFramesPrimed).toBe(PRIMER_FRAMES);
    // Nothing else on the first picture's path: the user's microphone went to Runway's room after it.
    await waitFor(() => stats.firstPicture.microphone, {
      timeoutMs: 5000,
      debugName: "the user's microphone in Runway's room",
    });
    expect(stats.firstPicture.microphone).toBeGreaterThanOrEqual(stats.firstPicture.shown!);
    // Face with voice: the voice is unmuted with the picture (the user's events, same process, ±1 s).
    await waitFor(() => audio.unmutedAt, { timeoutMs: 5000, debugName: 'the voice unmuted' });
    expect(Math.abs(audio.unmutedAt! - video.unmutedAt!)).toBeLessThan(1000);
    // Published at Runway's size: the provisional size equals the emulated worker's (1088×704).
    expect([stats.videoWidth, stats.videoHeight]).toEqual([1088, 704]);
  });
});
