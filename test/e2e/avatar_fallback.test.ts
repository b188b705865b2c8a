// Start-up failure: by default start() throws a clear error; with fallbackToAudioOnly the agent speaks
// without an avatar on a plain room audio track, and the user hears it.
import { afterEach, describe, expect, it } from 'vitest';
import { RunwayAPIError, resetStrategyCache } from '../../src/index.js';
import {
  IdentityAudioRecorder,
  startAgentWithAvatar,
  startEmulatorWithWorker,
} from './support/agent_harness.js';
import { goertzelAmplitude, rms } from './support/audio.js';
import { waitFor } from './support/wait.js';

afterEach(() => resetStrategyCache());

describe('AvatarSession start-up failure', () => {
  it('throws a clear error by default and creates nothing', async () => {
    const { emulator } = await startEmulatorWithWorker();
    emulator.faults.add({ route: 'create', kind: 'status', status: 500 });
    const error = await startAgentWithAvatar(emulator).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(RunwayAPIError.is(error)).toBe(true);
    expect((error as RunwayAPIError).statusCode).toBe(500);
    expect((error as Error).message).toMatch(/POST \/v1\/realtime_sessions failed with 500/);
    expect(emulator.sessions()).toHaveLength(0);
  });

  it('with fallbackToAudioOnly the agent is heard without an avatar', async () => {
    const { emulator } = await startEmulatorWithWorker();
    emulator.faults.add({ route: 'create', kind: 'status', status: 500 });
    const a = await startAgentWithAvatar(emulator, { fallbackToAudioOnly: true });
    expect(a.avatar.audioOnly).toBe(true);
    expect(a.avatar.sessionId).toBeUndefined();
    const recorder = new IdentityAudioRecorder(a.userRoom, [a.agentIdentity]);
    await waitFor(() => recorder.tracks.length > 0, {
      timeoutMs: 10_000,
      debugName: 'agent track',
    });
    await a.session.say('no avatar today [tone:660][ms:1200]').waitForPlayout();
    await new Promise((r) => setTimeout(r, 300));
    recorder.stop();
    const heard = new Int16Array(recorder.chunks.flatMap((c) => [...c.data]));
    expect(rms(heard)).toBeGreaterThan(0.01);
    expect(goertzelAmplitude(heard, recorder.sampleRate, 660)).toBeGreaterThan(
      10 * goertzelAmplitude(heard, recorder.sampleRate, 440),
    );
    expect(emulator.sessions()).toHaveLength(0);
  });
});
