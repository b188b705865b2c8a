// The disk half of the learning store: where it lives, what a file may hold, and that nothing on disk can
// make it fail.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StrategyName } from '../../../src/index.js';
import {
  DiskStore,
  defaultStateDir,
  entryKey,
  LEARNED_STRATEGIES,
  type LearnedStrategy,
  resolveStateDir,
  STATE_DIR_ENV,
  type StoredEntry,
} from '../../../src/learning/store.js';
import { DETECTION_ORDER } from '../../../src/strategies/detect.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'learning-store-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const URL_A = 'https://api.dev.runwayml.com';
const entry: StoredEntry = {
  verdict: {
    strategy: 'hosted',
    reason: 'API refused the integration key',
    recordedAt: 1,
    expiresAt: 2,
  },
  provisioning: [
    { lo: undefined, hi: 1700, at: 10 },
    { lo: 1500, hi: 1600, at: 11 },
  ],
};

describe('resolveStateDir', () => {
  it('takes the option, then the environment, then the default; false and "off" turn it off', () => {
    const env = { [STATE_DIR_ENV]: '/var/cache/agents', HOME: '/home/a' };
    expect(resolveStateDir('/srv/state', env)).toBe('/srv/state');
    expect(resolveStateDir(false, env)).toBeUndefined();
    expect(resolveStateDir(undefined, env)).toBe('/var/cache/agents');
    for (const off of ['off', 'OFF', '0', 'false', 'none']) {
      expect(resolveStateDir(undefined, { [STATE_DIR_ENV]: off })).toBeUndefined();
    }
    expect(resolveStateDir(undefined, { XDG_CACHE_HOME: '/x' })).toBe('/x/livekit-agents-runway');
  });

  it('defaults to the per-user cache directory, else a per-user temp folder', () => {
    expect(defaultStateDir({}, 'linux', '/home/a', 1000)).toBe(
      '/home/a/.cache/livekit-agents-runway',
    );
    expect(defaultStateDir({}, 'darwin', '/Users/a', 501)).toBe(
      '/Users/a/Library/Caches/livekit-agents-runway',
    );
    expect(defaultStateDir({ LOCALAPPDATA: 'C:/L' }, 'win32', 'C:/U', 0)).toBe(
      join('C:/L', 'livekit-agents-runway', 'Cache'),
    );
    expect(defaultStateDir({}, 'linux', '', 1234)).toBe(
      join(tmpdir(), 'livekit-agents-runway-1234'),
    );
  });

  it('names every strategy the plugin knows', () => {
    // Both assignments type-check only while the two lists name the same strategies.
    const known: readonly StrategyName[] = LEARNED_STRATEGIES;
    const back: readonly LearnedStrategy[] = DETECTION_ORDER;
    expect([...known].sort()).toEqual([...back].sort());
  });
});

describe('DiskStore', () => {
  it('writes atomically and reads back what it wrote, owner-only, without leftovers', async () => {
    const dir = join(await tempDir(), 'nested');
    const store = new DiskStore(dir);
    expect(await store.read(URL_A)).toBeUndefined();
    expect(await store.update(URL_A, () => entry)).toEqual(entry);
    expect(await store.read(URL_A)).toEqual(entry);
    expect(await readdir(dir)).toEqual([`${entryKey(URL_A)}.json`]); // no temp or lock file left
    const text = await readFile(join(dir, `${entryKey(URL_A)}.json`), 'utf8');
    expect(Object.keys(JSON.parse(text)).sort()).toEqual([
      'baseUrl',
      'provisioning',
      'verdict',
      'version',
    ]);
    expect(await store.baseUrls()).toEqual([URL_A]);
  });

  it('merges with what is on disk at write time', async () => {
    const store = new DiskStore(await tempDir());
    await store.update(URL_A, () => entry);
    const seen: (StoredEntry | undefined)[] = [];
    await store.update(URL_A, (onDisk) => {
      seen.push(onDisk);
      return { provisioning: [] };
    });
    expect(seen).toEqual([entry]);
  });

  it.each([
    ['not JSON', '{"version":1,'],
    ['a wrong shape', JSON.stringify({ version: 1, baseUrl: URL_A, provisioning: 'x' })],
    [
      'an unknown strategy',
      JSON.stringify({
        version: 1,
        baseUrl: URL_A,
        verdict: { strategy: 'evil', reason: '', recordedAt: 1, expiresAt: 9e15 },
        provisioning: [],
      }),
    ],
    [
      'another URL (hash clash)',
      JSON.stringify({ version: 1, baseUrl: 'https://x', provisioning: [] }),
    ],
    ['a huge file', `{"pad":"${'x'.repeat(70_000)}"}`],
  ])('ignores a file holding %s, and overwrites it on the next write', async (_what, text) => {
    const dir = await tempDir();
    const store = new DiskStore(dir);
    await writeFile(join(dir, `${entryKey(URL_A)}.json`), text);
    expect(await store.read(URL_A)).toBeUndefined();
    await store.update(URL_A, (onDisk) => {
      expect(onDisk).toBeUndefined();
      return entry;
    });
    expect(await store.read(URL_A)).toEqual(entry);
  });

  it('never throws when the directory cannot be used', async () => {
    const base = await tempDir();
    const file = join(base, 'a-file');
    await writeFile(file, 'x');
    const store = new DiskStore(join(file, 'sub')); // a path under a regular file
    expect(await store.read(URL_A)).toBeUndefined();
    expect(await store.update(URL_A, () => entry)).toBeUndefined();
    expect(await store.baseUrls()).toEqual([]);
  });

  it('takes over a lock left by a process that died while writing', async () => {
    const dir = await tempDir();
    const store = new DiskStore(dir);
    const lock = join(dir, `${entryKey(URL_A)}.lock`);
    await writeFile(lock, '');
    const { utimes } = await import('node:fs/promises');
    await utimes(lock, new Date(Date.now() - 10_000), new Date(Date.now() - 10_000));
    const started = Date.now();
    expect(await store.update(URL_A, () => entry)).toEqual(entry);
    expect(Date.now() - started).toBeLessThan(900); // did not wait out the busy-lock budget
    expect(await readdir(dir)).toEqual([`${entryKey(URL_A)}.json`]);
  });
});
