// The learning cache: merge policy (pure), sharing through a store directory, forgetting, and several job
// processes writing one entry at the same moment.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HISTORY_SIZE,
  HISTORY_TTL_MS,
  Learning,
  learningFor,
  mergeEntries,
  STALE_VERDICT_KEEP_MS,
} from '../../../src/learning/cache.js';
import { DiskStore, entryKey, type StoredVerdict } from '../../../src/learning/store.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'learning-cache-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const URL = 'http://127.0.0.1:8787';
const verdict = (strategy: StoredVerdict['strategy'], recordedAt: number): StoredVerdict => ({
  strategy,
  reason: 'test',
  recordedAt,
  expiresAt: recordedAt + 3_600_000,
});

describe('mergeEntries', () => {
  const now = 10_000_000;
  const opts = { now, forgottenAt: Number.NEGATIVE_INFINITY };

  it('keeps the newest verdict, and drops forgotten and long-expired ones', () => {
    const older = { verdict: verdict('integration', now - 1000), provisioning: [] };
    const newer = { verdict: verdict('hosted', now - 10), provisioning: [] };
    expect(mergeEntries(older, newer, opts).verdict?.strategy).toBe('hosted');
    expect(mergeEntries(newer, older, opts).verdict?.strategy).toBe('hosted');
    expect(mergeEntries(older, newer, { now, forgottenAt: now - 500 }).verdict?.strategy).toBe(
      'hosted',
    );
    expect(mergeEntries(older, undefined, { now, forgottenAt: now - 500 }).verdict).toBeUndefined();
    expect(mergeEntries(older, newer, { now, forgottenAt: now }).verdict).toBeUndefined();
    const ancient = {
      verdict: verdict('hosted', now - 3_600_000 - STALE_VERDICT_KEEP_MS - 1),
      provisioning: [],
    };
    expect(mergeEntries(ancient, undefined, opts).verdict).toBeUndefined();
  });

  it('unites samples once each, newest kept, old ones dropped', () => {
    const sample = (i: number) => ({ lo: 1000 + i, hi: 1100 + i, at: now - 100 + i });
    const a = { provisioning: [0, 1, 2, 3, 4, 5].map(sample) };
    const b = { provisioning: [4, 5, 6, 7, 8, 9].map(sample) };
    const merged = mergeEntries(a, b, opts).provisioning;
    expect(merged).toEqual([2, 3, 4, 5, 6, 7, 8, 9].map(sample));
    expect(merged).toHaveLength(HISTORY_SIZE);
    const stale = { provisioning: [{ lo: 1, hi: 2, at: now - HISTORY_TTL_MS - 1 }] };
    expect(mergeEntries(stale, undefined, opts).provisioning).toEqual([]);
  });
});

describe('Learning', () => {
  it('without a directory keeps everything in memory and refresh is a no-op', async () => {
    const learning = new Learning();
    learning.setVerdict(URL, verdict('livekit', Date.now()));
    learning.recordProvisioning(URL, 1500, 1600);
    await learning.refresh(URL);
    await learning.flush();
    expect(learning.verdict(URL)?.strategy).toBe('livekit');
    expect(learning.provisioning(URL).map(({ lo, hi }) => [lo, hi])).toEqual([[1500, 1600]]);
    expect(learning.verdict(URL, Date.now() + 2 * 3_600_000)).toBeUndefined();
    expect(learning.lastVerdict(URL)?.strategy).toBe('livekit'); // kept as a hint once expired
  });

  it("sees what another process's instance stored, and forgets verdicts on disk too", async () => {
    const dir = await tempDir();
    const a = new Learning({ dir });
    const b = new Learning({ dir });
    a.setVerdict(URL, verdict('hosted', Date.now()));
    a.recordProvisioning(URL, undefined, 1700);
    await a.flush();
    expect(b.verdict(URL)).toBeUndefined(); // memory only until refreshed
    await b.refresh(URL, 5000);
    expect(b.verdict(URL)?.strategy).toBe('hosted');
    expect(b.provisioning(URL).map(({ lo, hi }) => [lo, hi])).toEqual([[undefined, 1700]]);

    b.forgetVerdicts();
    await b.flush();
    const c = new Learning({ dir });
    await c.refresh(URL, 5000);
    expect(c.verdict(URL)).toBeUndefined();
    expect(c.provisioning(URL)).toHaveLength(1); // READY timings survive a verdict reset
    // The forgetting process does not take the old verdict back from a stale view either.
    await a.refresh(URL, 5000);
    expect(a.verdict(URL)?.strategy).toBe('hosted'); // a has not forgotten: its own memory
    await b.refresh(URL, 5000);
    expect(b.verdict(URL)).toBeUndefined();
  });

  it('reads its own pending writes back, not the file from before them', async () => {
    const dir = await tempDir();
    const learning = new Learning({ dir });
    learning.setVerdict(URL, verdict('integration', Date.now()));
    learning.forgetVerdicts();
    await learning.refresh(URL, 5000);
    expect(learning.verdict(URL)).toBeUndefined();
  });

  it('one instance per directory in a process', () => {
    expect(learningFor('/tmp/x')).toBe(learningFor('/tmp/x'));
    expect(learningFor(undefined)).not.toBe(learningFor('/tmp/x'));
  });

  it('several processes writing one entry at once lose nothing and leave a valid file', async () => {
    const dir = await tempDir();
    const writer = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'writer.ts');
    const children = [0, 1, 2, 3].map((i) =>
      spawn(process.execPath, ['--import', 'tsx', writer, dir, URL, String(i)], {
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
    const exits = children.map((c) => new Promise<number | null>((r) => c.on('exit', r)));
    await Promise.all(
      children.map((c) => new Promise((r) => c.stdout.once('data', r))), // every one loaded
    );
    for (const c of children) c.stdin.write('go\n');
    expect(await Promise.all(exits)).toEqual([0, 0, 0, 0]);
    const text = await readFile(join(dir, `${entryKey(URL)}.json`), 'utf8');
    expect(() => JSON.parse(text)).not.toThrow();
    const stored = await new DiskStore(dir).read(URL);
    const his = stored?.provisioning.map((s) => s.hi).sort();
    expect(his).toEqual([1100, 1101, 1102, 1103, 2100, 2101, 2102, 2103]);
    expect(stored?.verdict?.reason).toMatch(/^writer [0-3]$/);
  }, 90_000); // four Node processes loading @livekit/agents on a busy 2-core machine
});
