// Issue 17, "sooner on screen": the hosted bridge publishes the avatar's video while Runway's session
// provisions, muted, so that the user has subscribed to it before Runway's first picture exists; it is
// unmuted when the first picture is handed over. Before, the user learnt of the bridged video only after
// the consume, and the second publication was on the critical path. The voice follows the video by
// VOICE_AFTER_VIDEO_MS (muted, unmuted with the picture) so as not to spoil the video's bandwidth
// estimate, or, when Runway's room is being joined by then, comes with the first picture.
import {
  AudioStream,
  type RemoteTrack,
  RoomEvent,
  TrackKind,
  VideoStream,
} from '@livekit/rtc-node';
import { describe, expect, it } from 'vitest';
import { RunwayClient } from '../../src/api/client.js';
import { defaultLearning } from '../../src/learning/cache.js';
import { PRIMER_FRAMES } from '../../src/strategies/bridge/bridged_video.js';
import { VOICE_AFTER_VIDEO_MS } from '../../src/strategies/bridge.js';
import {
  type PreparedAgent,
  prepareAgentWithAvatar,
  startEmulatorWithWorker,
} from './support/agent_harness.js';
import { untilLoud } from './support/audio.js';
import { waitFor } from './support/wait.js';

const AVATAR = 'runway-avatar-agent';
/** Long enough for the user to subscribe to both tracks while Runway provisions. */
const PROVISIONING_MS = 3000;
/** Shorter than VOICE_AFTER_VIDEO_MS: Runway's room is being joined when the voice would follow. */
const SHORT_PROVISIONING_MS = 200;
/**
 * Earlier READYs the short case's poller has learnt, [after, by] ms since the create. Without them it
 * polls first at its prior (1.6 s, Runway's usual provisioning), and the bridge joined Runway's room
 * 1483–1524 ms after the video published: the voice's turn came first in 3 runs of 4.
 */
const LEARNT_PROVISIONING: [number, number] = [100, 250];
/** An audio frame this loud (RMS of 16-bit samples: 300 of 32768) is the avatar speaking, not silence. */
const SPEAKING_RMS = 300 / 32768;

/** What the user saw of one of the avatar's tracks, `Date.now()` ms. */
interface Seen {
  publishedAt?: number;
  mutedWhenPublished?: boolean;
  subscribedAt?: number;
  unmutedAt?: number;
  firstFrameAt?: number;
  /** The brightest luma among samples of the first frame (a black frame stays near 0–16). */
  firstFrameMaxLuma?: number;
  /** The first audio frame with speech in it. */
  firstSpeechAt?: number;
}

/** The brightest of every 97th luma sample of an I420 frame. */
function maxLuma(data: Uint8Array, width: number, height: number): number {
  let max = 0;
  for (let i = 0; i < width * height; i += 97) if (data[i]! > max) max = data[i]!;
  return max;
}

/**
 * An agent with a hosted avatar (Runway provisioning for `provisioningMs`) and what its user sees.
 * `learnt`: a READY the poller has seen before, as it records one, so that it polls when that comes.
 */
async function watchedAvatar(
  provisioningMs: number,
  learnt?: [number, number],
): Promise<{
  a: PreparedAgent;
  video: Seen;
  audio: Seen;
  consumedAt: () => number | undefined;
}> {
  const { emulator } = await startEmulatorWithWorker({ mode: 'hosted-only', provisioningMs });
  if (learnt) {
    // The key the poller learns under: the client's canonical base URL.
    const { baseUrl } = new RunwayClient({ apiKey: emulator.apiKey, baseUrl: emulator.url });
    defaultLearning().recordProvisioning(baseUrl, ...learnt);
  }
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
    if (track.kind === TrackKind.KIND_AUDIO) {
      void untilLoud(new AudioStream(track), SPEAKING_RMS).then((loud) => {
        if (loud) audio.firstSpeechAt = Date.now();
      });
      return;
    }
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
  return { a, video, audio, consumedAt: () => consumedAt };
}

/** Starts a watched hosted avatar and waits for the user's first frame of it. */
async function startWatched(
  provisioningMs: number,
  learnt?: [number, number],
): ReturnType<typeof watchedAvatar> {
  const watched = await watchedAvatar(provisioningMs, learnt);
  await watched.a.start();
  expect(watched.a.avatar.strategy).toBe('hosted');
  await waitFor(() => watched.video.firstFrameAt, {
    timeoutMs: 20_000,
    debugName: "the user's first frame of the avatar",
  });
  return watched;
}

describe('hosted bridge, published ahead', () => {
  it('the user subscribes while Runway provisions, gets no frame before the first picture; the voice follows the video, and both unmute together', async () => {
    const { a, video, audio, consumedAt } = await startWatched(PROVISIONING_MS);
    const stats = a.avatar.bridgeStats!;
    const consumed = consumedAt()!;
    console.log(
      `published ahead: user subscribed ${consumed - video.subscribedAt!} ms before the consume; first frame ${video.firstFrameAt! - consumed} ms after it; the voice published ${audio.publishedAt! - video.publishedAt!} ms after the video`,
    );

    // Both tracks were announced muted and subscribed to before Runway's room existed for the bridge.
    expect(video.mutedWhenPublished).toBe(true);
    expect(audio.mutedWhenPublished).toBe(true);
    expect(consumed).toBeDefined();
    expect(video.subscribedAt).toBeLessThan(consumed);
    expect(audio.subscribedAt).toBeLessThan(consumed);
    // The voice came VOICE_AFTER_VIDEO_MS after the video: as the bridge timed it, and as the user saw it
    // (its own clock and signalling, so a generous margin).
    expect(audio.publishedAt! - video.publishedAt!).toBeGreaterThan(VOICE_AFTER_VIDEO_MS - 300);
    const { published, voicePublished } = stats.firstPicture;
    expect(voicePublished! - published!).toBeGreaterThanOrEqual(VOICE_AFTER_VIDEO_MS);
    // No frame while Runway provisioned (a muted track sends none: no black avatar meanwhile); the track
    // was unmuted with the first picture handed over.
    expect(video.firstFrameAt).toBeGreaterThan(consumed);
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

  it('when Runway is ready sooner than the voice would follow, the voice is published with the first picture and heard after it', async () => {
    const { a, video, audio, consumedAt } = await startWatched(
      SHORT_PROVISIONING_MS,
      LEARNT_PROVISIONING,
    );
    // The character greets as the bridge joins its room: the greeting is still being said.
    await waitFor(() => audio.firstSpeechAt, {
      timeoutMs: 10_000,
      debugName: "the avatar's voice at the user",
    });
    const stats = a.avatar.bridgeStats!;
    const { published, voicePublished, joining, shown } = stats.firstPicture;
    console.log(
      `voice with the picture: Runway's room joined ${Math.round(joining! - published!)} ms after the video published; the voice published ${Math.round(voicePublished! - shown!)} ms after the hand-over; the user subscribed ${audio.subscribedAt! - video.firstFrameAt!} ms after its first frame and heard speech ${audio.firstSpeechAt! - video.firstFrameAt!} ms after it`,
    );
    // The video went ahead, alone: Runway's room was being joined before the voice's turn came.
    expect(video.mutedWhenPublished).toBe(true);
    expect(video.subscribedAt).toBeLessThan(consumedAt()!);
    expect(joining! - published!).toBeLessThan(VOICE_AFTER_VIDEO_MS);
    // The voice was published with the first picture, unmuted: after the video's unmute, as the user saw
    // the two (one signalling connection, in order).
    expect(audio.mutedWhenPublished).toBe(false);
    expect(audio.publishedAt).toBeGreaterThanOrEqual(video.unmutedAt!);
    expect(voicePublished).toBeGreaterThanOrEqual(shown!);
    // Face with voice: nothing heard before the face.
    expect(audio.firstSpeechAt).toBeGreaterThanOrEqual(video.firstFrameAt!);
  });
});
