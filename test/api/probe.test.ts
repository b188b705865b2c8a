// The capability probe finds what each emulator mode accepts, creates no session, and seeds auto's cache.
import { afterEach, describe, expect, it } from 'vitest';
import { closeAllAgents } from '../../src/api/dispatcher.js';
import { REFUSAL_WORDINGS, startEmulator } from '../../src/emulator/index.js';
import { cachedVerdict, resetStrategyCache } from '../../src/strategies/detect.js';
import { probeStrategy } from '../../src/strategies/probe.js';

afterEach(async () => {
  resetStrategyCache();
  await closeAllAgents();
});

describe('probeStrategy', () => {
  it.each([
    ['integration', 'integration', 1],
    ['legacy-livekit', 'livekit', 2],
    ['hosted-only', 'hosted', 2],
  ] as const)(
    'in %s mode answers %s with %i request(s) and no session',
    async (mode, verdict, n) => {
      const emulator = await startEmulator({ mode });
      try {
        expect(await probeStrategy({ apiKey: emulator.apiKey, apiUrl: emulator.url })).toBe(
          verdict,
        );
        expect(emulator.requests).toHaveLength(n);
        expect(emulator.requests.every((r) => r.status === 400)).toBe(true);
        expect(emulator.sessions()).toHaveLength(0);
        expect(cachedVerdict(emulator.url)).toBe(verdict);
      } finally {
        await emulator.close();
      }
    },
  );

  it('surfaces other errors (a bad key) as they are', async () => {
    const emulator = await startEmulator();
    try {
      await expect(probeStrategy({ apiKey: 'key_wrong', apiUrl: emulator.url })).rejects.toThrow(
        /401/,
      );
    } finally {
      await emulator.close();
    }
  });
});

describe('probeStrategy against every refusal wording', () => {
  const verdicts = [
    ['integration', 'integration', 1],
    ['legacy-livekit', 'livekit', 2],
    ['hosted-only', 'hosted', 2],
  ] as const;
  for (const wording of REFUSAL_WORDINGS) {
    it.each(verdicts)(
      `${wording}: in %s mode answers %s with %i request(s)`,
      async (mode, verdict, n) => {
        const emulator = await startEmulator({ mode, refusalWording: wording });
        try {
          expect(await probeStrategy({ apiKey: emulator.apiKey, apiUrl: emulator.url })).toBe(
            verdict,
          );
          expect(emulator.requests).toHaveLength(n);
          expect(emulator.sessions()).toHaveLength(0);
        } finally {
          await emulator.close();
        }
      },
    );
  }

  it('does not fall through on an unrelated 400 (another key refused)', async () => {
    const emulator = await startEmulator({ mode: 'hosted-only' });
    try {
      emulator.faults.add({
        route: 'create',
        kind: 'status',
        status: 400,
        body: { error: 'Unrecognized key: "tools"' },
      });
      // Any 400 but the shape's refusal means the shape was accepted (the probe body is invalid anyway).
      expect(await probeStrategy({ apiKey: emulator.apiKey, apiUrl: emulator.url })).toBe(
        'integration',
      );
      expect(emulator.requests).toHaveLength(1);
    } finally {
      await emulator.close();
    }
  });
});
