// Deadlines as budgets under a hanging or flaky API, a room that goes away during start(), speech cut by a
// lost avatar, and an interruption before the avatar joined — real rooms, the emulator as Runway.
import { voice } from '@livekit/agents';
import { afterEach, describe, expect, it } from 'vitest';
import { RunwayAvatarError, resetStrategyCache } from '../../src/index.js';
import {
  IdentityAudioRecorder,
  prepareAgentWithAvatar,
  startAgentWithAvatar,
  startEmulatorWithWorker,
} from './support/agent_harness.js';
import { rms } from './support/audio.js';
import { expectAllEndedOnce, expectNothingAlive } from './support/judge.js';
import { waitFor } from './support/wait.js';

const AVATAR = 'runway-avatar-agent';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterEach(() => resetStrategyCache());

describe('deadlines under a hanging API', () => {
  it('closing takes at most 8 s plus one request timeout slice when every retrieve hangs', async () => {
    const { emulator } = await startEmulatorWithWorker();
    const timeoutMs = 3000;
    const a = await startAgentWithAvatar(emulator, {
      strategy: 'integration',
      connOptions: { timeoutMs, maxRetry: 3 },
    });
    await a.avatar.waitForJoin({ timeout: 20_000 });
    emulator.faults.add({ route: 'retrieve', kind: 'hang', times: Number.POSITIVE_INFINITY });
    const t0 = Date.now();
    await a.avatar.aclose();
    const tookMs = Date.now() - t0;
    // The status watch could not confirm END_CALL (every retrieve hangs), so it waited out its budget.
    expect(tookMs).toBeGreaterThanOrEqual(7500);
    expect(tookMs).toBeLessThan(8000 + timeoutMs + 1500);
    expectNothingAlive(emulator);
  });

  it('READY within 30 s: a hanging retrieve gives READY_TIMEOUT at the budget, and the session is cancelled', async () => {
    const { emulator } = await startEmulatorWithWorker({
      faults: [{ route: 'retrieve', kind: 'hang', times: Number.POSITIVE_INFINITY }],
    });
    const a = await prepareAgentWithAvatar(emulator, { strategy: 'hosted' });
    const t0 = Date.now();
    const error = await a.start().catch((e: unknown) => e);
    const tookMs = Date.now() - t0;
    expect(RunwayAvatarError.is(error) && error.code).toBe('READY_TIMEOUT');
    expect(tookMs).toBeGreaterThanOrEqual(29_000);
    expect(tookMs).toBeLessThan(33_000);
    expectNothingAlive(emulator);
    expect(emulator.sessions()[0]?.status).toBe('CANCELLED');
  }, 60_000);

  it('a 2 s blip of 503s while polling is survived', async () => {
    const { emulator, events } = await startEmulatorWithWorker({ provisioningMs: 3500 });
    const a = await prepareAgentWithAvatar(emulator, {
      strategy: 'hosted',
      connOptions: { maxRetry: 0 },
    });
    const started = a.start();
    await sleep(600);
    emulator.faults.add({ route: 'retrieve', kind: 'status', status: 503, times: 1e6 });
    await sleep(2000);
    emulator.faults.clear();
    await started;
    const blipped = emulator.requests.filter((r) => r.route === 'retrieve' && r.status === 503);
    expect(blipped.length).toBeGreaterThan(0);
    expect(a.avatar.strategy).toBe('hosted');
    await a.avatar.aclose();
    expectAllEndedOnce(emulator, events);
  });
});

describe('the agent room goes away during start()', () => {
  it.each(['integration', 'hosted'] as const)(
    '%s: start() rejects CLOSED and nothing it created is left alive',
    async (strategy) => {
      const { emulator } = await startEmulatorWithWorker({
        faults: [{ route: 'create', kind: 'latency', delayMs: 1000 }],
      });
      const a = await prepareAgentWithAvatar(emulator, { strategy });
      const started = a.start().catch((e: unknown) => e);
      await sleep(300);
      await a.agentRoom.disconnect();
      const error = await started;
      expect(RunwayAvatarError.is(error) && error.code).toBe('CLOSED');
      await waitFor(() => a.avatar.state === 'ended', {
        timeoutMs: 10_000,
        debugName: 'avatar ended',
      });
      expectNothingAlive(emulator);
      expect(emulator.sessions()).toHaveLength(1);
    },
  );
});

describe('closing while the avatar is being respawned', () => {
  it('aclose() during a respawn ends the replacement created meanwhile, and resolves only then', async () => {
    const { emulator, events, driver } = await startEmulatorWithWorker();
    const a = await startAgentWithAvatar(emulator, {
      strategy: 'integration',
      onAvatarLost: 'respawn',
    });
    await a.avatar.waitForJoin({ timeout: 20_000 });
    const first = a.avatar.sessionId!;
    emulator.faults.add({ route: 'create', kind: 'latency', delayMs: 1500 });
    const lost = new Promise((resolve) => a.avatar.once('avatar_lost', resolve));
    await driver.workers.get(first)!.kill();
    await lost;
    await sleep(300); // the respawn's create is in flight
    expect(a.avatar.state).toBe('replacing');
    await a.avatar.aclose();
    expectNothingAlive(emulator);
    await sleep(1500);
    expectNothingAlive(emulator);
    expect(emulator.sessions()).toHaveLength(2);
    expectAllEndedOnce(emulator, events);
  });
});

describe('speech and a lost avatar', () => {
  it('speech cut when Runway ends the session at its cap is reported interrupted, at the position heard', async () => {
    const { emulator } = await startEmulatorWithWorker({ hardCapMs: 5000 });
    const a = await startAgentWithAvatar(emulator, {
      strategy: 'integration',
      renew: false,
      onAvatarLost: 'audio-only',
    });
    await a.avatar.waitForJoin({ timeout: 20_000 });
    const recorder = new IdentityAudioRecorder(a.userRoom, [AVATAR]);
    await waitFor(() => recorder.tracks.length > 0, {
      timeoutMs: 10_000,
      debugName: 'avatar audio',
    });
    const finished: voice.PlaybackFinishedEvent[] = [];
    a.session.output.audio!.on(voice.AudioOutput.EVENT_PLAYBACK_FINISHED, (e) => finished.push(e));
    const lost = new Promise((resolve) => a.avatar.once('avatar_lost', resolve));
    // Starts about 1–2 s into the 5 s session: Runway ends it in the middle of this utterance.
    const handle = a.session.say('A long utterance [tone:520][ms:8000]');
    await lost;
    await handle.waitForPlayout();
    recorder.stop();
    expect(handle.interrupted).toBe(true);
    const heardS = recorder.chunks.filter((c) => rms(c.data) > 0.02).length / 100;
    const reported = finished.at(-1)!;
    expect(reported.interrupted).toBe(true);
    expect(heardS).toBeGreaterThan(0.5);
    expect(heardS).toBeLessThan(7);
    // What the agent records as heard is what the user heard, give or take the path's latency.
    expect(Math.abs(reported.playbackPosition - heardS)).toBeLessThan(1);
    expect(a.avatar.audioOnly).toBe(true);
  });

  it('an interruption before the avatar joined finishes the turn within clearBufferTimeoutMs', async () => {
    // The worker joins once the session is provisioned: 5 s after the create.
    const { emulator } = await startEmulatorWithWorker({ provisioningMs: 5000 });
    const a = await startAgentWithAvatar(emulator, {
      strategy: 'integration',
      clearBufferTimeoutMs: 500,
    });
    const handle = a.session.say('Parked speech [tone:440][ms:3000]');
    await sleep(500);
    expect(a.userRoom.remoteParticipants.has(AVATAR)).toBe(false);
    const t0 = Date.now();
    handle.interrupt();
    await handle.waitForPlayout();
    const tookMs = Date.now() - t0;
    expect(handle.interrupted).toBe(true);
    expect(tookMs).toBeLessThan(1500);
    expect(a.userRoom.remoteParticipants.has(AVATAR)).toBe(false);
    // The next turn reaches the avatar once it has joined.
    await a.avatar.waitForJoin({ timeout: 20_000 });
    const next = a.session.say('After the join [tone:660][ms:600]');
    await next.waitForPlayout();
    expect(next.interrupted).toBe(false);
  });

  it('speech said before the avatar joined is heard in full once it joins', async () => {
    const { emulator } = await startEmulatorWithWorker({ provisioningMs: 3000 });
    const a = await startAgentWithAvatar(emulator, { strategy: 'integration' });
    const recorder = new IdentityAudioRecorder(a.userRoom, [AVATAR]);
    const handle = a.session.say('Early words [tone:440][ms:1000]');
    await handle.waitForPlayout();
    expect(handle.interrupted).toBe(false);
    await sleep(300);
    recorder.stop();
    const heardS = recorder.chunks.filter((c) => rms(c.data) > 0.02).length / 100;
    expect(heardS).toBeGreaterThan(0.85);
  });
});
