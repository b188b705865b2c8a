// Builds and packs a temp copy of the package, and installs the tarball into a temp consumer offline.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The repository's node_modules: the only source of dependencies (no network). */
export const ROOT_MODULES = join(ROOT, 'node_modules');

/** Outcome of one child process. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * The environment children get: without npm's lifecycle variables (set when run under `npm test`),
 * NODE_OPTIONS / NODE_PATH (module resolution must come from the consumer's node_modules alone)
 * and Runway credentials.
 */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) || /^NODE_(OPTIONS|PATH)$/.test(k) || k.startsWith('RUNWAYML_')) continue;
    env[k] = v;
  }
  return env;
}

/** Runs a command to completion (killed after `timeoutMs`); never throws for a non-zero exit. */
export function run(
  cmd: string,
  args: string[],
  cwd: string,
  timeoutMs = 60_000,
): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** Throws with the command's output when it failed. */
export function ok(what: string, r: RunResult): RunResult {
  if (r.code !== 0) {
    throw new Error(`${what} exited ${r.code}\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
  }
  return r;
}

/** One file of `npm pack --json`. */
export interface PackedFile {
  path: string;
  size: number;
  mode: number;
}

/** What `npm pack --json` says of the tarball. */
export interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: PackedFile[];
}

/**
 * Copies what `npm pack` would take from the repo (package.json, the `files` entries other than
 * dist, README/LICENSE) plus the build config into `<work>/pkg`, builds it with tsup there and packs
 * it into `work`. The repo itself is not written to.
 */
export async function buildAndPack(
  work: string,
): Promise<{ pack: PackResult; tarball: string; buildMs: number; packMs: number }> {
  const pkgDir = join(work, 'pkg');
  await mkdir(pkgDir);
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
  const copies = new Set(['package.json', 'tsup.config.ts', 'tsconfig.json']);
  for (const f of pkg.files) if (!f.startsWith('!') && !/^(\.\/)?dist\b/.test(f)) copies.add(f);
  for (const f of await readdir(ROOT)) if (/^(readme|license|licence)\b/i.test(f)) copies.add(f);
  for (const f of copies) {
    if (existsSync(join(ROOT, f))) await cp(join(ROOT, f), join(pkgDir, f), { recursive: true });
  }
  await symlink(ROOT_MODULES, join(pkgDir, 'node_modules'), 'dir');
  const build = ok('tsup', await run(join(ROOT_MODULES, '.bin', 'tsup'), [], pkgDir, 240_000));
  const packArgs = ['pack', '--json', '--ignore-scripts', '--offline', '--no-update-notifier'];
  const packed = ok(
    'npm pack',
    await run('npm', [...packArgs, '--pack-destination', work], pkgDir),
  );
  const pack = (JSON.parse(packed.stdout) as PackResult[])[0]!;
  return { pack, tarball: join(work, pack.filename), buildMs: build.ms, packMs: packed.ms };
}

/**
 * Lays out `<work>/consumer` as `npm install <tarball>` would, without the network: the tarball
 * extracted into node_modules/livekit-agents-runway, its `bin` linked into node_modules/.bin, and
 * ONLY its declared dependencies and peers (plus @types/node for tsc) linked from the repo's
 * node_modules, so an undeclared import fails here as it would for a user.
 */
export async function installConsumer(work: string, tarball: string): Promise<string> {
  const consumer = join(work, 'consumer');
  const modules = join(consumer, 'node_modules');
  await mkdir(join(modules, '.bin'), { recursive: true });
  ok('tar', await run('tar', ['-xzf', tarball, '-C', modules], work));
  const installed = join(modules, 'livekit-agents-runway');
  await rename(join(modules, 'package'), installed);
  const pkg = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as {
    name: string;
    bin?: string | Record<string, string>;
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
  const links = [
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
    '@types/node',
  ];
  for (const name of links) {
    await mkdir(dirname(join(modules, name)), { recursive: true });
    await symlink(join(ROOT_MODULES, name), join(modules, name), 'dir');
  }
  const bins = typeof pkg.bin === 'string' ? { [pkg.name]: pkg.bin } : (pkg.bin ?? {});
  for (const [name, target] of Object.entries(bins)) {
    await symlink(join('..', 'livekit-agents-runway', target), join(modules, '.bin', name));
  }
  const manifest = { name: 'consumer', version: '1.0.0', private: true, type: 'commonjs' };
  await writeFile(join(consumer, 'package.json'), JSON.stringify(manifest));
  return consumer;
}
