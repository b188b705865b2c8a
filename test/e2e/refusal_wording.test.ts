// `auto` reaches the right strategy whatever words Runway's refusal of an unknown key takes (zod 3, zod 4,
// quoted, in a list, as issues), in every emulator mode, through a real AvatarSession in real rooms; and it
// never falls through on an unrelated 400.
import { afterEach, describe, expect, it } from 'vitest';
import { type EmulatorMode, REFUSAL_WORDINGS } from '../../src/emulator/index.js';
import { RunwayAPIError, resetStrategyCache } from '../../src/index.js';
import { startAgentWithAvatar, startEmulatorWithWorker } from './support/agent_harness.js';

afterEach(() => resetStrategyCache());

const EXPECTED: [EmulatorMode, string, number][] = [
  ['integration', 'integration', 0],
  ['legacy-livekit', 'livekit', 1],
  ['hosted-only', 'hosted', 2],
];

describe('auto against every refusal wording', () => {
  for (const [mode, strategy, refused] of EXPECTED) {
    it(`${mode}: every wording leads to ${strategy}`, { timeout: 300_000 }, async () => {
      const { emulator } = await startEmulatorWithWorker({ mode });
      for (const wording of REFUSAL_WORDINGS) {
        resetStrategyCache();
        emulator.setRefusalWording(wording);
        const before = emulator.requests.length;
        const a = await startAgentWithAvatar(emulator, { strategy: 'auto' });
        expect(a.avatar.strategy, wording).toBe(strategy);
        const creates = emulator.requests
          .slice(before)
          .filter((r) => r.method === 'POST' && r.path === '/v1/realtime_sessions');
        expect(
          creates.filter((r) => r.status === 400),
          wording,
        ).toHaveLength(refused);
        await a.avatar.aclose();
      }
    });
  }

  it('does not fall through on an unrelated 400 (another key refused)', async () => {
    const { emulator } = await startEmulatorWithWorker({ mode: 'hosted-only' });
    emulator.faults.add({
      route: 'create',
      kind: 'status',
      status: 400,
      body: { error: 'Unrecognized key: "tools"' },
    });
    const error = await startAgentWithAvatar(emulator, { strategy: 'auto' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(RunwayAPIError.is(error)).toBe(true);
    expect((error as RunwayAPIError).runwayError).toBe('Unrecognized key: "tools"');
    expect(emulator.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(emulator.sessions()).toHaveLength(0);
  });
});
