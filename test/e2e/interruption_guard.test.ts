// The interruption guard: an avatar that rejects lk.clear_buffer, or accepts it and never reports back,
// can neither crash the process (unhandled rejection) nor stall the interrupted turn.
import { LocalVideoTrack, TrackPublishOptions, TrackSource, VideoSource } from '@livekit/rtc-node';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { startAgentWithAvatar } from './support/agent_harness.js';
import { connectParticipant } from './support/room.js';
import { mintToken } from './support/token.js';
import { pumpVideo, SyntheticVideo } from './support/video.js';

const AVATAR = 'runway-avatar-agent';

/** A stand-in avatar that joins and publishes video but misbehaves on interruptions. */
async function misbehavingAvatar(
  roomName: string,
  agentIdentity: string,
  answersClearBuffer: boolean,
) {
  const room = await connectParticipant({
    token: await mintToken({
      identity: AVATAR,
      room: roomName,
      kind: 'agent',
      attributes: { 'lk.publish_on_behalf': agentIdentity },
    }),
  });
  const source = new VideoSource(320, 240);
  const options = new TrackPublishOptions();
  options.source = TrackSource.SOURCE_CAMERA;
  await room.localParticipant!.publishTrack(
    LocalVideoTrack.createVideoTrack('video', source),
    options,
  );
  const stop = pumpVideo(source, new SyntheticVideo(320, 240), 10);
  onTestFinished(stop);
  const calls: string[] = [];
  if (answersClearBuffer) {
    // Accepts the RPC but never calls lk.playback_finished back.
    room.localParticipant!.registerRpcMethod('lk.clear_buffer', async () => {
      calls.push('clear_buffer');
      return 'ok';
    });
  }
  room.registerByteStreamHandler('lk.audio_stream', async (reader) => {
    for await (const _chunk of reader) {
      // swallow the audio; never report playback
    }
  });
  return { room, calls };
}

describe.each([
  ['rejects lk.clear_buffer', false],
  ['accepts lk.clear_buffer but never reports playback', true],
])('an avatar that %s', (_label, answers) => {
  it('does not stall the interrupted turn or crash the process', async () => {
    // No worker: the session stays READY and the stand-in plays the avatar.
    const emulator = await startEmulator({ provisioningMs: 50 });
    onTestFinished(() => emulator.close());
    const a = await startAgentWithAvatar(emulator, { clearBufferTimeoutMs: 800 });
    const avatar = await misbehavingAvatar(a.roomName, a.agentIdentity, answers);
    await a.avatar.waitForJoin({ timeout: 20_000 });

    const handle = a.session.say('Talking to a broken avatar [tone:600][ms:8000]');
    await new Promise((r) => setTimeout(r, 1000));
    const interruptedAt = Date.now();
    handle.interrupt();
    await handle.waitForPlayout();
    const took = Date.now() - interruptedAt;
    expect(handle.interrupted).toBe(true);
    // Rejected: finished at once. Silent: finished by the 800 ms guard, not by the 8 s speech ending.
    expect(took).toBeLessThan(answers ? 3000 : 1500);
    if (answers) {
      expect(avatar.calls).toEqual(['clear_buffer']);
      expect(took).toBeGreaterThanOrEqual(700);
    }
    // The agent goes on talking afterwards: a new segment is captured normally.
    const next = a.session.say('Still here [tone:700][ms:400]');
    await new Promise((r) => setTimeout(r, 1500));
    next.interrupt();
    await next.waitForPlayout();
  });
});
