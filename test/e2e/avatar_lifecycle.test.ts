// Conversations that outlive Runway's cap (renewal under the same avatar identity) and an agent that keeps
// talking when the avatar is lost (respawn, audio-only, close) — real rooms, emulated Runway with a short cap.
import { voice } from '@livekit/agents';
import { RoomEvent } from '@livekit/rtc-node';
import { afterEach, describe, expect, it } from 'vitest';
import { resetStrategyCache } from '../../src/index.js';
import {
  IdentityAudioRecorder,
  startAgentWithAvatar,
  startEmulatorWithWorker,
  subscribeToAvatar,
} from './support/agent_harness.js';
import { goertzelAmplitude, rms } from './support/audio.js';
import { waitFor } from './support/wait.js';

const AVATAR = 'runway-avatar-agent';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterEach(() => resetStrategyCache());

/**
 * Labels each received 10 ms chunk with the expected tone it carries (or none), then returns, per tone,
 * how much was heard and when 100 ms of it had been heard.
 */
function analyse(recorder: IdentityAudioRecorder, tones: number[]) {
  const heard = new Map<number, { ms: number; firstAt: number }>();
  for (const { atMs, data } of recorder.chunks) {
    if (rms(data) < 0.02) continue;
    let best = 0;
    let bestAmp = 0;
    for (const f of tones) {
      const amp = goertzelAmplitude(data, recorder.sampleRate, f);
      if (amp > bestAmp) [best, bestAmp] = [f, amp];
    }
    const chunkMs = (data.length / recorder.sampleRate) * 1000;
    const entry = heard.get(best) ?? { ms: 0, firstAt: Number.POSITIVE_INFINITY };
    entry.ms += chunkMs;
    // "Heard" once 100 ms of it has arrived: a stray chunk (a fade's leakage) does not count.
    if (entry.ms >= 100 && entry.firstAt === Number.POSITIVE_INFINITY) entry.firstAt = atMs;
    heard.set(best, entry);
  }
  return heard;
}

describe('AvatarSession lifecycle', () => {
  it('a 40 s conversation crosses two renewals at a 15 s cap; every utterance is heard, in order, none cut', async () => {
    const { emulator } = await startEmulatorWithWorker({ hardCapMs: 15_000 });
    const a = await startAgentWithAvatar(emulator, { sessionCapMs: 15_000, renewLeadMs: 6000 });
    const renewals: { sessionId: string; previousSessionId: string }[] = [];
    a.avatar.on('session_renewed', (e) => renewals.push(e));
    const avatarJoins: string[] = [];
    a.userRoom.on(RoomEvent.ParticipantConnected, (p) => {
      avatarJoins.push(p.identity);
    });
    await a.avatar.waitForJoin({ timeout: 20_000 });
    const recorder = new IdentityAudioRecorder(a.userRoom, [AVATAR]);
    await waitFor(() => recorder.tracks.length > 0, {
      timeoutMs: 10_000,
      debugName: 'avatar audio',
    });

    const tones = Array.from({ length: 15 }, (_, i) => 400 + i * 150);
    const utteranceMs = 2000;
    const startedAt = Date.now();
    for (const f of tones) {
      const handle = a.session.say(`utterance [tone:${f}][ms:${utteranceMs}]`);
      await handle.waitForPlayout();
      expect(handle.interrupted).toBe(false);
      await sleep(600);
    }
    await sleep(1000);
    recorder.stop();
    expect(Date.now() - startedAt).toBeGreaterThan(38_000);
    expect(renewals.length).toBeGreaterThanOrEqual(2);

    const heard = analyse(recorder, tones);
    const missing = tones.filter((f) => (heard.get(f)?.ms ?? 0) < utteranceMs * 0.85);
    expect(missing, `tones heard less than 85 %: ${JSON.stringify([...heard])}`).toEqual([]);
    const order = tones.map((f) => heard.get(f)!.firstAt);
    expect(order).toEqual([...order].sort((x, y) => x - y));
    // One avatar participant throughout: replacements come under the same identity, no other face.
    expect(new Set(avatarJoins.filter((id) => id !== a.agentIdentity))).toEqual(new Set([AVATAR]));

    await a.session.close();
    await a.avatar.aclose(); // the memoised end: resolves once the last session has ended
    const sessions = emulator.sessions();
    // One more if the close came during a handover (that replacement then ends itself).
    expect(sessions.length).toBeGreaterThanOrEqual(renewals.length + 1);
    expect(sessions.length).toBeLessThanOrEqual(renewals.length + 2);
    for (const r of renewals)
      expect(emulator.session(r.previousSessionId)?.status).toBe('CANCELLED');
    // The newest session (creation order) is ended cleanly by END_CALL.
    expect(sessions.at(-1)?.status).toBe('COMPLETED');
    expect(emulator.billing().sessionsBilling).toBe(0);
  });

  it('respawn: a killed worker is replaced and the avatar is back; the agent stays audible meanwhile', async () => {
    const { emulator, driver } = await startEmulatorWithWorker();
    const a = await startAgentWithAvatar(emulator, { onAvatarLost: 'respawn' });
    const lost: unknown[] = [];
    a.avatar.on('avatar_lost', (e) => lost.push(e));
    await a.avatar.waitForJoin({ timeout: 20_000 });
    const first = a.avatar.sessionId!;
    await driver.workers.get(first)!.kill();
    // While the respawn runs nothing is shown (sessionId undefined); then the new session is.
    await waitFor(
      () => lost.length === 1 && a.avatar.sessionId !== undefined && a.avatar.sessionId !== first,
      { timeoutMs: 20_000, debugName: 'respawned' },
    );
    expect(a.avatar.state).toBe('shown');
    const tracks = await subscribeToAvatar(a.userRoom, AVATAR);
    expect(tracks.video).toBeDefined();
    const recorder = new IdentityAudioRecorder(a.userRoom, [AVATAR]);
    await waitFor(() => recorder.tracks.length > 0, {
      timeoutMs: 10_000,
      debugName: 'avatar audio',
    });
    await a.session.say('back again [tone:900][ms:1200]').waitForPlayout();
    recorder.stop();
    expect(analyse(recorder, [900, 400]).get(900)?.ms ?? 0).toBeGreaterThan(1000);
    await a.session.close();
    await waitFor(() => emulator.billing().sessionsBilling === 0, {
      timeoutMs: 10_000,
      debugName: 'no billing',
    });
  });

  it('audio-only: after the worker is killed the agent is heard on a room audio track', async () => {
    const { emulator, driver } = await startEmulatorWithWorker();
    const a = await startAgentWithAvatar(emulator, { onAvatarLost: 'audio-only' });
    await a.avatar.waitForJoin({ timeout: 20_000 });
    await driver.workers.get(a.avatar.sessionId!)!.kill();
    await waitFor(() => a.avatar.audioOnly, { timeoutMs: 20_000, debugName: 'audio only' });
    const recorder = new IdentityAudioRecorder(a.userRoom, [a.agentIdentity]);
    await waitFor(() => recorder.tracks.length > 0, {
      timeoutMs: 10_000,
      debugName: 'agent track',
    });
    const handle = a.session.say('no face, still talking [tone:750][ms:1200]');
    await handle.waitForPlayout();
    await sleep(300);
    recorder.stop();
    expect(analyse(recorder, [750, 400]).get(750)?.ms ?? 0).toBeGreaterThan(1000);
    await waitFor(() => emulator.billing().sessionsBilling === 0, {
      timeoutMs: 10_000,
      debugName: 'lost session no longer billing',
    });
  });

  it('close: after the worker is killed the agent session closes cleanly', async () => {
    const { emulator, driver } = await startEmulatorWithWorker();
    const a = await startAgentWithAvatar(emulator, { onAvatarLost: 'close' });
    await a.avatar.waitForJoin({ timeout: 20_000 });
    const closed = new Promise<void>((resolve) =>
      a.session.once(voice.AgentSessionEventTypes.Close, () => resolve()),
    );
    await driver.workers.get(a.avatar.sessionId!)!.kill();
    await closed;
    await waitFor(() => emulator.billing().sessionsBilling === 0, {
      timeoutMs: 10_000,
      debugName: 'no billing',
    });
  });
});
