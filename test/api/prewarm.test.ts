// prewarmStrategy against the emulator: it probes only when the machine last saw the API refuse the
// richest shape, answers from the store otherwise, and never fails a prewarm over the network.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAllAgents } from '../../src/api/dispatcher.js';
import { type EmulatorMode, startEmulator } from '../../src/emulator/index.js';
import { learningFor } from '../../src/learning/cache.js';
import { DiskStore, type LearnedStrategy } from '../../src/learning/store.js';
import { prewarmStrategy, shouldProbeAhead } from '../../src/strategies/prewarm.js';

const dirs: string[] = [];
afterEach(async () => {
  await closeAllAgents();
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A store directory holding a verdict for `url` learnt `ageMs` ago (1 h TTL). */
async function storeWith(url: string, strategy?: LearnedStrategy, ageMs = 0): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'prewarm-'));
  dirs.push(dir);
  if (strategy) {
    const recordedAt = Date.now() - ageMs;
    await new DiskStore(dir).update(url, () => ({
      verdict: { strategy, reason: 'test', recordedAt, expiresAt: recordedAt + 3_600_000 },
      provisioning: [],
    }));
  }
  return dir;
}

const TWO_HOURS = 2 * 3_600_000;

describe('shouldProbeAhead', () => {
  it('only after the API was seen refusing the richest shape', () => {
    expect(shouldProbeAhead(undefined)).toBe(false);
    expect(shouldProbeAhead({ strategy: 'integration' })).toBe(false);
    expect(shouldProbeAhead({ strategy: 'livekit' })).toBe(true);
    expect(shouldProbeAhead({ strategy: 'hosted' })).toBe(true);
  });
});

describe('prewarmStrategy', () => {
  it.each<[string, EmulatorMode, LearnedStrategy | undefined, number, string | undefined, number]>([
    ['nothing known: left to the first session', 'hosted-only', undefined, 0, undefined, 0],
    ['a fresh verdict: used as it is', 'hosted-only', 'hosted', 0, 'hosted', 0],
    ['an expired hosted verdict: probed again', 'hosted-only', 'hosted', TWO_HOURS, 'hosted', 2],
    [
      'an expired livekit verdict: probed again',
      'legacy-livekit',
      'livekit',
      TWO_HOURS,
      'livekit',
      2,
    ],
    [
      'an expired integration verdict: left to the first session',
      'integration',
      'integration',
      TWO_HOURS,
      undefined,
      0,
    ],
  ])('%s', async (_what, mode, stored, ageMs, expected, requests) => {
    const emulator = await startEmulator({ mode });
    try {
      const stateDir = await storeWith(emulator.url, stored, ageMs);
      const options = { apiKey: emulator.apiKey, apiUrl: emulator.url, stateDir };
      expect(await prewarmStrategy(options)).toBe(expected);
      expect(emulator.requests).toHaveLength(requests);
      expect(emulator.sessions()).toHaveLength(0);
      if (requests > 0) {
        // The probe's verdict is on disk for the next job process.
        const onDisk = await new DiskStore(stateDir).read(emulator.url);
        expect(onDisk?.verdict?.strategy).toBe(expected);
        expect(onDisk?.verdict?.expiresAt).toBeGreaterThan(Date.now());
      }
    } finally {
      await emulator.close();
    }
  });

  it('a pinned strategy needs no detection', async () => {
    const emulator = await startEmulator({ mode: 'hosted-only' });
    try {
      const stateDir = await storeWith(emulator.url, 'hosted', TWO_HOURS);
      const options = { apiKey: emulator.apiKey, apiUrl: emulator.url, stateDir };
      expect(await prewarmStrategy({ ...options, strategy: 'integration' })).toBe('integration');
      expect(emulator.requests).toHaveLength(0);
    } finally {
      await emulator.close();
    }
  });

  it('an API that cannot be reached leaves detection to the first session, without throwing', async () => {
    const emulator = await startEmulator({ mode: 'hosted-only' });
    const { url, apiKey } = emulator;
    await emulator.close();
    const stateDir = await storeWith(url, 'hosted', TWO_HOURS);
    const options = {
      apiKey,
      apiUrl: url,
      stateDir,
      connOptions: { maxRetry: 0, timeoutMs: 2000 },
    };
    expect(await prewarmStrategy(options)).toBeUndefined();
    expect(learningFor(stateDir).verdict(url)).toBeUndefined();
  });

  it('refuses invalid options before any network call', async () => {
    await expect(prewarmStrategy({ apiKey: 'k', apiUrl: 'http://example.com' })).rejects.toThrow(
      /apiUrl/,
    );
    await expect(prewarmStrategy({ apiKey: 'k', stateDir: '' })).rejects.toThrow(/stateDir/);
  });
});
