// What the plugin learns about a Runway API (the detection verdict, READY timings), kept on local disk so
// that every job process on a machine shares it: @livekit/agents runs each job in its own process, which
// exits when the job ends, so anything kept only in memory is lost after every call.
//
// One small JSON file per API base URL. Writes take a lock file, merge with what is on disk, write a
// temporary file and rename it over the old one, so a reader never sees a torn file and concurrent job
// processes do not drop each other's samples. Every failure is logged at debug level and ignored: the
// store is a hint, never a reason to fail a call. It never holds a secret (no key, token or session key).
import { createHash, randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { log } from '../log.js';

/** Environment variable naming the store's directory; {@link STATE_DIR_OFF} values turn the store off. */
export const STATE_DIR_ENV = 'RUNWAY_AGENTS_STATE_DIR';
/** Values of {@link STATE_DIR_ENV} that turn the disk store off (learning stays in memory). */
export const STATE_DIR_OFF: readonly string[] = ['off', '0', 'false', 'none'];
/** The strategies a verdict may name (mirrors `StrategyName`; checked by a unit test). */
export const LEARNED_STRATEGIES = ['integration', 'livekit', 'hosted'] as const;
/** A strategy as stored. */
export type LearnedStrategy = (typeof LEARNED_STRATEGIES)[number];

/** Files larger than this are not ours (an entry is a few hundred bytes): ignored. */
const MAX_FILE_BYTES = 64 * 1024;
/** A lock file older than this was left by a process that died while writing: taken over. */
const LOCK_STALE_MS = 2000;
/** How long a writer waits for the lock before writing without it (the rename is still atomic). */
const LOCK_WAIT_MS = 1000;

/** A detection verdict: the strategy the API accepted, and until when it is trusted. */
export interface StoredVerdict {
  strategy: LearnedStrategy;
  /** Why (e.g. "API refused the integration key"): constant fragments, never a secret. */
  reason: string;
  /** `Date.now()` when it was learnt. */
  recordedAt: number;
  expiresAt: number;
}

/** One provisioning time: READY came after `lo` (undefined: before the first poll) and by `hi`, ms. */
export interface ProvisioningSample {
  lo: number | undefined;
  hi: number;
  /** `Date.now()` when it was seen (orders samples from several processes). */
  at: number;
}

/** Everything learnt about one API base URL. */
export interface StoredEntry {
  verdict?: StoredVerdict | undefined;
  provisioning: ProvisioningSample[];
}

const ms = z
  .number()
  .finite()
  .min(0)
  .max(10 * 60_000);
const fileSchema = z.object({
  version: z.literal(1),
  baseUrl: z.string(),
  verdict: z
    .object({
      strategy: z.enum(LEARNED_STRATEGIES),
      reason: z.string().max(500),
      recordedAt: z.number().finite(),
      expiresAt: z.number().finite(),
    })
    .optional(),
  provisioning: z.array(z.object({ lo: ms.nullable(), hi: ms, at: z.number().finite() })).max(64),
});

/**
 * The store's directory for this process. `option`: `false` (off), a path, or undefined (then the
 * environment variable, then {@link defaultStateDir}). Undefined means off.
 */
export function resolveStateDir(
  option: string | false | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (option === false) return undefined;
  if (typeof option === 'string') return resolve(option);
  const fromEnv = env[STATE_DIR_ENV]?.trim();
  if (fromEnv !== undefined && fromEnv !== '') {
    return STATE_DIR_OFF.includes(fromEnv.toLowerCase()) ? undefined : resolve(fromEnv);
  }
  return defaultStateDir(env);
}

/**
 * The per-user cache directory (`$XDG_CACHE_HOME`, `~/.cache`, `~/Library/Caches`, `%LOCALAPPDATA%`), or a
 * per-user folder in the temp directory when there is no home. Per user, so that no other account can
 * plant a verdict (a planted `hosted` would change who speaks). Pure apart from its defaults.
 */
export function defaultStateDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = safeHomedir(),
  uid: number = process.getuid?.() ?? 0,
): string {
  const name = 'livekit-agents-runway';
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, name);
  if (platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, name, 'Cache');
  if (home && home !== '/') {
    return platform === 'darwin'
      ? join(home, 'Library', 'Caches', name)
      : join(home, '.cache', name);
  }
  return join(tmpdir(), `${name}-${uid}`);
}

function safeHomedir(): string {
  try {
    return homedir();
  } catch {
    return '';
  }
}

/** The file name (without extension) of a base URL's entry: a hash, so any URL makes a safe name. */
export function entryKey(baseUrl: string): string {
  return createHash('sha256').update(baseUrl).digest('hex').slice(0, 24);
}

/** Reads and validates a file's text; undefined (with a debug log) when it is not a valid entry for `baseUrl`. */
export function parseEntry(text: string, baseUrl: string): StoredEntry | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    log().debug({ reason: 'not JSON' }, 'Runway learning store entry ignored');
    return undefined;
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success || parsed.data.baseUrl !== baseUrl) {
    const reason = parsed.success ? 'another base URL' : 'unexpected shape';
    log().debug({ reason }, 'Runway learning store entry ignored');
    return undefined;
  }
  return {
    verdict: parsed.data.verdict,
    provisioning: parsed.data.provisioning.map((s) => ({
      lo: s.lo ?? undefined,
      hi: s.hi,
      at: s.at,
    })),
  };
}

/** The JSON text of an entry (`lo` undefined is written as null). */
export function serializeEntry(baseUrl: string, entry: StoredEntry): string {
  return JSON.stringify({
    version: 1,
    baseUrl,
    ...(entry.verdict ? { verdict: entry.verdict } : {}),
    provisioning: entry.provisioning.map((s) => ({ lo: s.lo ?? null, hi: s.hi, at: s.at })),
  });
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown';
}

/** The on-disk half of the learning store: one directory, one file per API base URL. */
export class DiskStore {
  readonly dir: string;
  #dirReady: Promise<boolean> | undefined;

  constructor(dir: string) {
    this.dir = dir;
  }

  #path(baseUrl: string, ext: string): string {
    return join(this.dir, `${entryKey(baseUrl)}${ext}`);
  }

  /** What is stored for `baseUrl`: undefined when nothing (or nothing valid) is. Never throws. */
  async read(baseUrl: string): Promise<StoredEntry | undefined> {
    try {
      const path = this.#path(baseUrl, '.json');
      const info = await stat(path);
      if (info.size > MAX_FILE_BYTES) {
        log().debug({ reason: 'too large' }, 'Runway learning store entry ignored');
        return undefined;
      }
      return parseEntry(await readFile(path, 'utf8'), baseUrl);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') {
        log().debug({ code: errorCode(error) }, 'Runway learning store could not be read');
      }
      return undefined;
    }
  }

  /**
   * Replaces `baseUrl`'s entry with `merge(what is on disk now)`, under the entry's lock, atomically
   * (temporary file + rename). Returns what was written, or undefined when it could not be. Never throws.
   */
  async update(
    baseUrl: string,
    merge: (onDisk: StoredEntry | undefined) => StoredEntry,
  ): Promise<StoredEntry | undefined> {
    if (!(await this.#ensureDir())) return undefined;
    const release = await this.#lock(baseUrl);
    const tmp = this.#path(baseUrl, `.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      const next = merge(await this.read(baseUrl));
      const file = await open(tmp, 'wx', 0o600);
      try {
        await file.writeFile(serializeEntry(baseUrl, next), 'utf8');
      } finally {
        await file.close();
      }
      await rename(tmp, this.#path(baseUrl, '.json'));
      return next;
    } catch (error) {
      log().debug({ code: errorCode(error) }, 'Runway learning store could not be written');
      await unlink(tmp).catch(() => {});
      return undefined;
    } finally {
      await release();
    }
  }

  /** The base URLs of every valid entry in the directory (for clearing them all). Never throws. */
  async baseUrls(): Promise<string[]> {
    try {
      const names = (await readdir(this.dir)).filter((n) => /^[0-9a-f]{24}\.json$/.test(n));
      const urls = await Promise.all(
        names.map(async (n) => {
          try {
            const json = JSON.parse(await readFile(join(this.dir, n), 'utf8')) as unknown;
            const url = (json as { baseUrl?: unknown } | null)?.baseUrl;
            return typeof url === 'string' && entryKey(url) === n.slice(0, 24) ? url : undefined;
          } catch {
            return undefined;
          }
        }),
      );
      return urls.filter((u): u is string => u !== undefined);
    } catch {
      return [];
    }
  }

  /** Creates the directory (owner only) once; false (logged) when it cannot be used. */
  #ensureDir(): Promise<boolean> {
    this.#dirReady ??= (async () => {
      try {
        await mkdir(this.dir, { recursive: true, mode: 0o700 });
        // Refuse a directory another user owns or a symlink (someone could plant entries in it).
        const info = await lstat(this.dir);
        const uid = process.getuid?.();
        if (!info.isDirectory() || (uid !== undefined && info.uid !== uid)) {
          log().debug({ reason: 'not our directory' }, 'Runway learning store disabled');
          return false;
        }
        return true;
      } catch (error) {
        log().debug({ code: errorCode(error) }, 'Runway learning store disabled');
        // Try again on a later write (the directory may become writable).
        this.#dirReady = undefined;
        return false;
      }
    })();
    return this.#dirReady;
  }

  /** Takes `baseUrl`'s lock file; after {@link LOCK_WAIT_MS} goes on without it. Returns the release. */
  async #lock(baseUrl: string): Promise<() => Promise<void>> {
    const path = this.#path(baseUrl, '.lock');
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        const handle = await open(path, 'wx', 0o600);
        await handle.close();
        return () => unlink(path).catch(() => {});
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') return async () => {};
      }
      try {
        if (Date.now() - (await stat(path)).mtimeMs > LOCK_STALE_MS) {
          await unlink(path);
          continue;
        }
      } catch {
        continue; // Released meanwhile.
      }
      if (Date.now() > deadline) {
        log().debug({ reason: 'lock busy' }, 'Runway learning store written without its lock');
        return async () => {};
      }
      await sleep(5 + Math.random() * 20);
    }
  }
}
