// Dev tooling: finds or builds (once, with `go install`, under a lock) the livekit-server binary.

import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isExecutable } from './files.js';

/**
 * The livekit-server release built by {@link ensureLiveKitServerBinary}.
 *
 * Pinned to v1.13.5 because it is the newest tag whose go.mod has no `replace` directive: later
 * master (WARP, 2026-08-14) adds three `replace` lines, and Go refuses `go install pkg@version` for
 * a module with replaces. Before moving the pin, check the new tag's go.mod for `replace` (see
 * shared/reference/livekit-server.md §1).
 */
export const LIVEKIT_SERVER_VERSION = 'v1.13.5';

/** Go package whose `go install` produces the server binary (named `server`, after the last path element). */
export const LIVEKIT_SERVER_PACKAGE = 'github.com/livekit/livekit-server/cmd/server';

/** Repository root (this file lives in `<repo>/scripts/lib/`). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Folder holding the built binary, its version stamp and the build lock: `<repo>/.cache/livekit-server`
 * (git-ignored), or `LIVEKIT_SERVER_CACHE_DIR` when set.
 */
export const liveKitServerCacheDir = (): string =>
  process.env['LIVEKIT_SERVER_CACHE_DIR'] || join(REPO_ROOT, '.cache', 'livekit-server');

const cachedBinary = () => join(liveKitServerCacheDir(), 'server');
const versionStamp = () => join(liveKitServerCacheDir(), 'VERSION');
const lockDir = () => join(liveKitServerCacheDir(), '.lock');
/** A lock older than this whose owner is gone is taken over. */
const STALE_LOCK_MS = 30 * 60_000;
const LOCK_POLL_MS = 500;

/** How to get a server when none can be built; appended to every provisioning error. */
export const HOW_TO_PROVIDE_SERVER = [
  'The e2e tests need a livekit-server binary. Provide one in any of these ways:',
  '  1. install Go >= 1.26 (with access to the Go module proxy) and rerun: the binary is then built once into',
  `     .cache/livekit-server/server (by: go install ${LIVEKIT_SERVER_PACKAGE}@${LIVEKIT_SERVER_VERSION});`,
  '  2. set LIVEKIT_SERVER_BIN=/path/to/livekit-server (or put `livekit-server` on PATH);',
  '  3. set E2E=0 to skip the e2e suite explicitly (the run then says so).',
].join('\n');

/** Error raised when no livekit-server binary can be found or built. */
export class LiveKitServerUnavailableError extends Error {
  constructor(reason: string) {
    super(`${reason}\n${HOW_TO_PROVIDE_SERVER}`);
    this.name = 'LiveKitServerUnavailableError';
  }
}

/** Absolute path of executable `name` on PATH, if any. */
export const findOnPath = async (name: string): Promise<string | undefined> => {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir && (await isExecutable(join(dir, name)))) return join(dir, name);
  }
  return undefined;
};

const readStamp = async (): Promise<string | undefined> => {
  try {
    return (await readFile(versionStamp(), 'utf8')).trim();
  } catch {
    return undefined;
  }
};

const cachedBinaryIsCurrent = async (): Promise<boolean> =>
  (await isExecutable(cachedBinary())) && (await readStamp()) === LIVEKIT_SERVER_VERSION;

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Takes the build lock (a directory, created atomically); waits while another live process holds it. */
const acquireLock = async (): Promise<() => Promise<void>> => {
  let announced = false;
  for (;;) {
    try {
      await mkdir(lockDir());
      await writeFile(join(lockDir(), 'pid'), String(process.pid));
      return () => rm(lockDir(), { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number.parseInt(
      await readFile(join(lockDir(), 'pid'), 'utf8').catch(() => ''),
      10,
    );
    const age = Date.now() - (await stat(lockDir()).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
    const ownerGone = Number.isFinite(owner) ? !pidAlive(owner) : age > 10_000;
    if (ownerGone || age > STALE_LOCK_MS) {
      // The owner died mid-build: take the lock over.
      await rm(lockDir(), { recursive: true, force: true });
      continue;
    }
    if (!announced) {
      process.stderr.write('[livekit-server] another process is building the binary; waiting...\n');
      announced = true;
    }
    await sleep(LOCK_POLL_MS);
  }
};

/** Runs a command, mirroring its output to stderr with a prefix; resolves with exit code and tail. */
const runMirrored = (
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; tail: string[]; spawnError?: NodeJS.ErrnoException }> =>
  new Promise((done) => {
    const tail: string[] = [];
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        process.stderr.write(`[livekit-server build] ${line}\n`);
        tail.push(line);
        if (tail.length > 30) tail.shift();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (spawnError: NodeJS.ErrnoException) =>
      done({ code: null, tail, spawnError }),
    );
    child.on('close', (code) => done({ code, tail }));
  });

const goVersion = (): Promise<string | undefined> =>
  new Promise((done) => {
    const child = spawn('go', ['version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    child.on('error', () => done(undefined));
    child.on('close', (code) => done(code === 0 ? out.trim() : undefined));
  });

const buildBinary = async (): Promise<void> => {
  const version = await goVersion();
  if (!version) {
    throw new LiveKitServerUnavailableError(
      'No livekit-server binary found (LIVEKIT_SERVER_BIN unset, none on PATH, none cached) and `go` is not installed.',
    );
  }
  // Build into a private GOBIN, then rename: a crash mid-build never leaves a half binary behind.
  const stage = await mkdtemp(join(liveKitServerCacheDir(), 'build-'));
  try {
    const started = Date.now();
    process.stderr.write(
      `[livekit-server] building ${LIVEKIT_SERVER_PACKAGE}@${LIVEKIT_SERVER_VERSION} with ${version} ` +
        `(first run only; several minutes on 2 cores)...\n`,
    );
    const env = { ...process.env, GOBIN: stage, CGO_ENABLED: '0' };
    const heartbeat = setInterval(() => {
      const s = Math.round((Date.now() - started) / 1000);
      process.stderr.write(`[livekit-server] still building (${s} s)...\n`);
    }, 20_000);
    const res = await runMirrored(
      'go',
      ['install', `${LIVEKIT_SERVER_PACKAGE}@${LIVEKIT_SERVER_VERSION}`],
      env,
    ).finally(() => clearInterval(heartbeat));
    if (res.code !== 0 || !(await isExecutable(join(stage, 'server')))) {
      throw new LiveKitServerUnavailableError(
        `Building livekit-server with \`go install ${LIVEKIT_SERVER_PACKAGE}@${LIVEKIT_SERVER_VERSION}\` ` +
          `failed (${version}, exit ${res.code ?? res.spawnError?.code}). Last output:\n` +
          res.tail.map((l) => `    ${l}`).join('\n'),
      );
    }
    await rename(join(stage, 'server'), cachedBinary());
    await writeFile(versionStamp(), `${LIVEKIT_SERVER_VERSION}\n`);
    process.stderr.write(
      `[livekit-server] built ${cachedBinary()} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
};

/**
 * Returns the path of a livekit-server binary: `LIVEKIT_SERVER_BIN` if set (it must exist), else
 * `livekit-server` on PATH, else `<repo>/.cache/livekit-server/server`, building the latter with
 * `go install` (once; concurrent callers share one build through a lock directory).
 *
 * @throws LiveKitServerUnavailableError with instructions when no binary can be provided.
 */
export async function ensureLiveKitServerBinary(): Promise<string> {
  const fromEnv = process.env['LIVEKIT_SERVER_BIN'];
  if (fromEnv) {
    if (await isExecutable(fromEnv)) return fromEnv;
    throw new LiveKitServerUnavailableError(
      `LIVEKIT_SERVER_BIN is set to ${fromEnv}, which is not an executable file.`,
    );
  }
  const onPath = await findOnPath('livekit-server');
  if (onPath) return onPath;
  if (await cachedBinaryIsCurrent()) return cachedBinary();

  await mkdir(liveKitServerCacheDir(), { recursive: true });
  const release = await acquireLock();
  try {
    // Another process may have finished the build while we waited for the lock.
    if (!(await cachedBinaryIsCurrent())) await buildBinary();
  } finally {
    await release();
  }
  return cachedBinary();
}
