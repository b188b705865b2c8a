// AvatarSession hosted strategy end to end: auto-detection falls through to create → poll → consume, and
// the bridge carries Runway's character into the agent's room and the user's voice into Runway's room.
import {
  AudioSource,
  LocalAudioTrack,
  RoomEvent,
  TrackPublishOptions,
  TrackSource,
  VideoStream,
} from '@livekit/rtc-node';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeFrame } from '../../src/emulator/worker/frame_code.js';
import { RunwayAvatarError, resetStrategyCache } from '../../src/index.js';
import {
  AudioRecorder,
  startAgentWithAvatar,
  startEmulatorWithWorker,
  subscribeToAvatar,
} from './support/agent_harness.js';
import { rms, ToneGenerator } from './support/audio.js';
import { waitFor } from './support/wait.js';

const AVATAR = 'runway-avatar-agent';

afterEach(() => resetStrategyCache());

/** Publishes `ms` of a tone as the user's microphone, then silence. */
async function userSpeaks(userRoom: import('@livekit/rtc-node').Room, ms: number): Promise<void> {
  const source = new AudioSource(48_000, 1);
  const options = new TrackPublishOptions();
  options.source = TrackSource.SOURCE_MICROPHONE;
  await userRoom.localParticipant!.publishTrack(
    LocalAudioTrack.createAudioTrack('mic', source),
    options,
  );
  const tone = new ToneGenerator({ frequencyHz: 300, amplitude: 0.4 });
  const silence = new ToneGenerator({ frequencyHz: 300, amplitude: 0 });
  for (let i = 0; i < ms / 10; i++) await source.captureFrame(tone.next());
  for (let i = 0; i < 150; i++) await source.captureFrame(silence.next());
}

describe('AvatarSession, hosted', () => {
  it('falls through to hosted; the user sees and hears the character, and is heard by it', async () => {
    const { emulator, events } = await startEmulatorWithWorker({ mode: 'hosted-only' });
    const a = await startAgentWithAvatar(emulator, { startScript: 'Hi! I am the hosted cat.' });
    const transcriptions: unknown[] = [];
    a.avatar.on('transcription', (m) => {
      transcriptions.push(m);
    });

    expect(a.avatar.strategy).toBe('hosted');
    const creates = emulator.requests.filter((r) => r.route === 'create').map((r) => r.status);
    expect(creates).toEqual([400, 400, 200]);
    const sessionId = a.avatar.sessionId!;
    expect(emulator.session(sessionId)?.via).toBe('hosted');
    // The agent's own TTS is muted: Runway's character speaks.
    expect(a.session.output.audioEnabled).toBe(false);

    await a.avatar.waitForJoin({ timeout: 20_000 });
    // The bridge's counters are public: published at Runway's size, then its first picture handed over.
    const bridgeStats = a.avatar.bridgeStats;
    expect(bridgeStats?.videoWidth).toBeGreaterThan(0);
    await waitFor(() => (bridgeStats?.videoFrames ?? 0) > 0, {
      timeoutMs: 10_000,
      debugName: 'bridgeStats.videoFrames',
    });
    expect(bridgeStats?.firstPicture.shown).toBeDefined();
    // waitForJoin is the agent's view; the user's room learns of the participant a moment later.
    const onBehalf = await waitFor(
      () => a.userRoom.remoteParticipants.get(AVATAR)?.attributes['lk.publish_on_behalf'],
      { timeoutMs: 10_000, debugName: 'the user sees the avatar participant' },
    );
    expect(onBehalf).toBe(a.agentIdentity);
    const tracks = await subscribeToAvatar(a.userRoom, AVATAR);
    const recorder = new AudioRecorder(tracks.audio);

    // The start script is spoken and reaches the user through the bridge.
    await waitFor(() => events.some((e) => e.type === 'character_speech' && e.turn === 0), {
      timeoutMs: 20_000,
      debugName: 'character said its start script',
    });
    await waitFor(() => rms(recorder.samples()) > 0.01, {
      timeoutMs: 5000,
      debugName: 'user heard the greeting',
    });

    // The character's video frames arrive with their frame code intact.
    const reader = new VideoStream(tracks.video).getReader();
    let decoded = 0;
    for (let i = 0; i < 20; i++) {
      const { value } = await reader.read();
      if (value && decodeFrame(value.frame)) decoded++;
    }
    await reader.cancel();
    expect(decoded).toBeGreaterThanOrEqual(15);

    // The user speaks in the agent's room; the character hears it in Runway's room and answers.
    const heardBefore = recorder.chunks.length;
    await userSpeaks(a.userRoom, 800);
    await waitFor(() => events.some((e) => e.type === 'user_turn'), {
      timeoutMs: 15_000,
      debugName: 'character heard the user',
    });
    await waitFor(
      () => events.some((e) => e.type === 'character_speech' && (e.turn as number) >= 1),
      {
        timeoutMs: 15_000,
        debugName: 'character answered',
      },
    );
    await waitFor(() => rms(recorder.samples(heardBefore)) > 0.01, {
      timeoutMs: 5000,
      debugName: 'user heard the answer',
    });
    recorder.stop();
    expect(transcriptions.length).toBeGreaterThan(0);

    await a.session.close();
    await emulator.waitForStatus(sessionId, 'COMPLETED', 10_000);
    await waitFor(() => !a.userRoom.remoteParticipants.has(AVATAR), {
      timeoutMs: 10_000,
      debugName: 'bridge participant left',
    });
    expect(emulator.billing().sessionsBilling).toBe(0);
  });

  it.each([
    ['a FAILED session', 'SESSION_FAILED'],
    ['a consume that fails', 'RUNWAY_API_ERROR'],
    ['an expired READY', 'SESSION_FAILED'],
  ])('%s gives a clear error and leaves nothing running', async (scenario, code) => {
    const { emulator } = await startEmulatorWithWorker({
      provisioningMs: 300,
      ...(scenario === 'an expired READY' ? { readyLifetimeMs: 1 } : {}),
    });
    if (scenario === 'a FAILED session') {
      emulator.on('status', (id: string, status: string) => {
        if (status === 'NOT_READY')
          setTimeout(() => emulator.fail(id, 'INTERNAL.TEST', 'injected failure'), 50);
      });
    }
    if (scenario === 'a consume that fails') {
      emulator.faults.add({ route: 'consume', kind: 'status', status: 500 });
    }
    const error = await startAgentWithAvatar(emulator, { strategy: 'hosted' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const err = error as Error & { code?: string };
    expect(err.code).toBe(code);
    if (code === 'SESSION_FAILED') expect(RunwayAvatarError.is(err)).toBe(true);
    expect(err.message).toMatch(
      scenario === 'a consume that fails' ? /consume/ : /failed before it was ready/,
    );
    const sessions = emulator.sessions();
    expect(sessions).toHaveLength(1);
    expect(['FAILED', 'CANCELLED']).toContain(sessions[0]!.status);
    expect(emulator.billing().sessionsBilling).toBe(0);
  });
});

describe('AvatarSession, hosted renewal', () => {
  it('renews behind the bridge: the user keeps one avatar participant and its video keeps flowing', async () => {
    const { emulator } = await startEmulatorWithWorker({ mode: 'hosted-only', hardCapMs: 12_000 });
    const a = await startAgentWithAvatar(emulator, {
      strategy: 'hosted',
      sessionCapMs: 12_000,
      renewLeadMs: 5000,
    });
    const renewals: { previousSessionId: string; sessionId: string }[] = [];
    a.avatar.on('session_renewed', (e) => renewals.push(e));
    let avatarLeft = 0;
    a.userRoom.on(RoomEvent.ParticipantDisconnected, (p) => {
      if (p.identity === AVATAR) avatarLeft++;
    });
    await a.avatar.waitForJoin({ timeout: 20_000 });
    const tracks = await subscribeToAvatar(a.userRoom, AVATAR);
    const reader = new VideoStream(tracks.video).getReader();
    const arrivals: number[] = [];
    let decoded = 0;
    const stopAt = Date.now() + 11_000;
    while (Date.now() < stopAt) {
      const { done, value } = await reader.read();
      if (done) break;
      arrivals.push(Date.now());
      if (decodeFrame(value.frame)) decoded++;
    }
    await reader.cancel();
    expect(renewals).toHaveLength(1);
    expect(avatarLeft).toBe(0);
    const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]!);
    expect(Math.max(...gaps)).toBeLessThan(1000);
    expect(decoded).toBeGreaterThan(arrivals.length * 0.8);
    await emulator.waitForStatus(renewals[0]!.previousSessionId, 'COMPLETED', 5000);
    expect(emulator.session(renewals[0]!.sessionId)?.status).toBe('RUNNING');
    await a.session.close();
    await emulator.waitForStatus(renewals[0]!.sessionId, 'COMPLETED', 10_000);
    expect(emulator.billing().sessionsBilling).toBe(0);
  });
});
