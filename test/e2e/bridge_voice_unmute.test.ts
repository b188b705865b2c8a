// The hosted bridge's voice is published muted VOICE_AFTER_VIDEO_MS after its video and unmuted with the
// first picture. Under load its publication can still be under way at that moment, and an unmute made
// then is lost: the server keeps the track muted and the user hears nothing for the whole call (rtc-node
// 0.13; a deployment e2e hit it with two hosted jobs on 2 cores). Here the agent's livekit-server is held
// stopped from just before the voice's publication starts until after the first picture's hand-over,
// while Runway's room, on the e2e server, goes on: the user must still hear the avatar.
import { AudioStream, type RemoteTrack, RoomEvent, TrackKind } from '@livekit/rtc-node';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startLiveKitServer } from '../../scripts/lib/livekit_server.js';
import { VOICE_AFTER_VIDEO_MS } from '../../src/strategies/bridge.js';
import { prepareAgentWithAvatar, startEmulatorWithWorker } from './support/agent_harness.js';
import { untilLoud } from './support/audio.js';
import { waitFor } from './support/wait.js';

const AVATAR = 'runway-avatar-agent';
/** Runway ready well after the voice's turn (≈ VOICE_AFTER_VIDEO_MS after the agent joined). */
const PROVISIONING_MS = 2500;
/** The longest the agent's server is held stopped, ms (released earlier once the picture is handed over). */
const MAX_STALL_MS = 8000;
/** An audio frame this loud (RMS of 16-bit samples: 300 of 32768) is the avatar speaking. */
const SPEAKING_RMS = 300 / 32768;
/** Long enough to be still speaking once the agent's server runs again. */
const SCRIPT = Array.from(
  { length: 8 },
  (_, i) => `Sentence ${i + 1}: the hosted cat keeps talking after the stall.`,
).join(' ');

describe('hosted bridge, voice unmuted while its publication is under way', () => {
  it('the user hears the avatar although the first picture came before the voice was published', async () => {
    const agentServer = await startLiveKitServer({});
    onTestFinished(() => agentServer.stop());
    const { emulator } = await startEmulatorWithWorker({
      mode: 'hosted-only',
      provisioningMs: PROVISIONING_MS,
    });
    const a = await prepareAgentWithAvatar(
      emulator,
      { strategy: 'hosted', startScript: SCRIPT },
      undefined,
      agentServer,
    );
    const { userRoom, avatar } = a;
    let speechAt: number | undefined;
    // The bridged video's publication ahead, as the user learns of it (the bridge's stats are not exposed
    // before start() returns).
    let videoSeenAt: number | undefined;
    userRoom.on(RoomEvent.TrackPublished, (pub, p) => {
      if (p.identity === AVATAR && pub.kind === TrackKind.KIND_VIDEO)
        videoSeenAt ??= performance.now();
    });
    userRoom.on(RoomEvent.TrackSubscribed, (track: RemoteTrack, _pub, p) => {
      if (p.identity !== AVATAR || track.kind !== TrackKind.KIND_AUDIO) return;
      void untilLoud(new AudioStream(track), SPEAKING_RMS).then((loud) => {
        if (loud) speechAt = performance.now();
      });
    });
    // Hold the agent's server stopped from just before the voice's turn comes until the first picture
    // has been handed over: the voice's publication cannot be done before the hand-over.
    const stall = (async () => {
      const at = await waitFor(() => videoSeenAt, {
        timeoutMs: 20_000,
        debugName: 'the bridged video published ahead',
      });
      await new Promise((r) => setTimeout(r, at + VOICE_AFTER_VIDEO_MS - 300 - performance.now()));
      process.kill(agentServer.pid, 'SIGSTOP');
      const stoppedAt = performance.now();
      try {
        await waitFor(() => avatar.bridgeStats?.firstPicture.shown, {
          intervalMs: 10,
          timeoutMs: MAX_STALL_MS,
          debugName: 'the first picture handed over',
        }).catch(() => {});
        await new Promise((r) => setTimeout(r, 300));
      } finally {
        process.kill(agentServer.pid, 'SIGCONT');
      }
      return performance.now() - stoppedAt;
    })();
    await a.start();
    const stalledMs = await stall;
    const { published, joining, shown } = avatar.bridgeStats!.firstPicture;
    // The race this test is about took place: the voice's turn came before Runway's room was joined, and
    // the first picture was handed over while the voice's publication was still under way.
    expect(
      joining! - published!,
      "Runway's room was joined before the voice's turn",
    ).toBeGreaterThan(VOICE_AFTER_VIDEO_MS);
    expect(shown, 'the first picture handed over during the stall').toBeDefined();
    await waitFor(() => avatar.bridgeStats?.firstPicture.voicePublished, {
      timeoutMs: 10_000,
      debugName: 'the voice published',
    });
    expect(
      avatar.bridgeStats!.firstPicture.voicePublished,
      "the voice's publication was done before the hand-over: the stall came too late to test the race",
    ).toBeGreaterThan(shown!);
    // And the user hears the avatar.
    await waitFor(() => speechAt, {
      timeoutMs: 10_000,
      debugName: "the avatar's voice at the user",
    });
    console.log(
      `voice unmuted after its publication: the agent's server stopped ${Math.round(stalledMs)} ms; picture handed over ${Math.round(shown! - published!)} ms after the video's publication; the voice published ${Math.round(avatar.bridgeStats!.firstPicture.voicePublished! - shown!)} ms after that; speech heard ${Math.round(speechAt! - shown!)} ms after the hand-over`,
    );
  });
});
