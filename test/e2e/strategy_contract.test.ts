// The ActiveAvatar contract, run by every registered strategy in real rooms: start → avatar shown → speech
// heard → interrupt → replace (renewal) → close, each session ended exactly once, END_CALL before any DELETE,
// nothing left billing. Then hang-ups 100 ms, 300 ms and 1 s into start(), against a slow create, a slow
// READY and a slow consume. The emulator's billing is the judge.
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../src/emulator/index.js';
import type { EmulatorOptions } from '../../src/emulator/types.js';
import { RunwayAvatarError, resetStrategyCache } from '../../src/index.js';
import { DETECTION_ORDER, type StrategyName } from '../../src/strategies/registry.js';
import {
  IdentityAudioRecorder,
  prepareAgentWithAvatar,
  startAgentWithAvatar,
  startEmulatorWithWorker,
  subscribeToAvatar,
} from './support/agent_harness.js';
import { rms } from './support/audio.js';
import { expectAllEndedOnce, expectNothingAlive } from './support/judge.js';
import { waitFor } from './support/wait.js';

const AVATAR = 'runway-avatar-agent';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterEach(() => resetStrategyCache());

/** Audible samples of the avatar heard since chunk `from`. */
const loudSince = (recorder: IdentityAudioRecorder, from: number) =>
  recorder.chunks.slice(from).filter((c) => rms(c.data) > 0.01).length;

describe.each(DETECTION_ORDER)('the %s strategy keeps the contract', (strategy: StrategyName) => {
  it('start → shown → heard → interrupt → replace → close; each session ended exactly once', async () => {
    const { emulator, events } = await startEmulatorWithWorker({ hardCapMs: 60_000 });
    const a = await startAgentWithAvatar(emulator, {
      strategy,
      startScript: 'Hello from the contract run.',
      sessionCapMs: 14_000,
      renewLeadMs: 6000,
    });
    expect(a.avatar.strategy).toBe(strategy);
    expect(a.avatar.state).toBe('shown');
    await a.avatar.waitForJoin({ timeout: 20_000 });
    await subscribeToAvatar(a.userRoom, AVATAR);
    const recorder = new IdentityAudioRecorder(a.userRoom, [AVATAR]);

    // Speech heard: the agent's own voice through the avatar (BYO), the character's (hosted).
    if (strategy !== 'hosted') {
      const handle = a.session.say('Contract speech [tone:440][ms:800]');
      await handle.waitForPlayout();
      expect(handle.interrupted).toBe(false);
    }
    await waitFor(() => loudSince(recorder, 0) > 20, {
      timeoutMs: 15_000,
      debugName: 'the user heard the avatar',
    });

    // Interrupt: the turn finishes promptly, reported interrupted.
    const long = a.session.say('A long speech [tone:500][ms:6000]');
    await sleep(800);
    const interruptedAt = Date.now();
    long.interrupt();
    await long.waitForPlayout();
    expect(Date.now() - interruptedAt).toBeLessThan(3000);
    // Hosted: the agent's own speech is muted (Runway's character speaks), so its segment was reported
    // played at once and there is nothing left to interrupt; BYO: the avatar's playout was cut.
    expect(long.interrupted).toBe(strategy !== 'hosted');

    // Replace: the renewal window opens 8 s after the session started.
    const first = a.avatar.sessionId!;
    const renewed = await new Promise<{ sessionId: string; previousSessionId: string }>((resolve) =>
      a.avatar.once('session_renewed', resolve),
    );
    expect(renewed.previousSessionId).toBe(first);
    expect(a.avatar.sessionId).toBe(renewed.sessionId);
    await a.avatar.waitForJoin({ timeout: 20_000 });
    const heardBefore = recorder.chunks.length;
    if (strategy !== 'hosted') {
      const after = a.session.say('After the renewal [tone:660][ms:800]');
      await after.waitForPlayout();
      expect(after.interrupted).toBe(false);
      await waitFor(() => loudSince(recorder, heardBefore) > 20, {
        timeoutMs: 10_000,
        debugName: 'heard after the renewal',
      });
    }

    // Close: resolves only when nothing is alive.
    await a.avatar.aclose();
    expect(a.avatar.state).toBe('ended');
    recorder.stop();
    expectNothingAlive(emulator);
    expect(emulator.sessions().map((s) => s.id)).toEqual([first, renewed.sessionId]);
    await waitFor(() => events.filter((e) => e.type === 'end_call').length >= 1, {
      timeoutMs: 5000,
      debugName: 'END_CALL seen by the worker',
    });
    expectAllEndedOnce(emulator, events);
  });
});

/** Which part of start() is slow, and how the emulator is made slow there. */
const SLOW: Record<string, { options: EmulatorOptions; faults: FaultSpec[] }> = {
  create: { options: {}, faults: [{ route: 'create', kind: 'latency', delayMs: 1300 }] },
  READY: { options: { provisioningMs: 1500 }, faults: [] },
  consume: { options: {}, faults: [{ route: 'consume', kind: 'latency', delayMs: 1300 }] },
};

const HANG_UPS: [StrategyName, keyof typeof SLOW, number][] = [];
for (const atMs of [100, 300, 1000]) {
  for (const strategy of DETECTION_ORDER) HANG_UPS.push([strategy, 'create', atMs]);
  HANG_UPS.push(['hosted', 'READY', atMs], ['hosted', 'consume', atMs]);
}

describe('hang-up while start() runs', () => {
  it.each(HANG_UPS)(
    '%s, slow %s, aclose() %i ms in: nothing created is left alive when aclose() resolves',
    async (strategy, slow, atMs) => {
      const { emulator, events } = await startEmulatorWithWorker({
        ...SLOW[slow]!.options,
        faults: SLOW[slow]!.faults,
      });
      const a = await prepareAgentWithAvatar(emulator, { strategy });
      const started = a.start().then(
        () => 'resolved' as const,
        (e: unknown) => e,
      );
      await sleep(atMs);
      const hangUpAt = Date.now();
      await a.avatar.aclose();
      const closedAt = Date.now();
      const startResult = await started;
      expect(closedAt).toBeGreaterThanOrEqual(hangUpAt);
      // At the moment aclose() resolves, nothing is READY or RUNNING…
      expectNothingAlive(emulator);
      // …and nothing comes alive later (a create landing after the hang-up).
      await sleep(1500);
      expectNothingAlive(emulator);
      expectAllEndedOnce(emulator, events);
      if (startResult !== 'resolved')
        expect(RunwayAvatarError.is(startResult) && startResult.code).toBe('CLOSED');
    },
  );
});
