// The published package as a user gets it: build, `npm pack`, install the tarball offline into a temp
// consumer, then use both entries from ESM and CJS, the bin and the types. Nothing is written in the repo.
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consumerTsconfig,
  emulatorScript,
  mainScript,
  type ScriptFormat,
  TYPES_SOURCE,
} from './consumer_files.js';
import {
  buildAndPack,
  installConsumer,
  ok,
  type PackResult,
  ROOT,
  ROOT_MODULES,
  run,
} from './pack_helpers.js';

const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const INSTALLED = 'node_modules/livekit-agents-runway';

/** dist/ as built, with esbuild's chunk hashes replaced by HASH. */
const EXPECTED_DIST = [
  'dist/index.js',
  'dist/index.js.map',
  'dist/index.cjs',
  'dist/index.cjs.map',
  'dist/index.d.ts',
  'dist/index.d.cts',
  'dist/emulator/index.js',
  'dist/emulator/index.js.map',
  'dist/emulator/index.cjs',
  'dist/emulator/index.cjs.map',
  'dist/emulator/index.d.ts',
  'dist/emulator/index.d.cts',
  'dist/emulator/cli.js',
  'dist/emulator/cli.js.map',
  // ESM chunks: code shared by the emulator entry and the CLI, and the lazily imported worker.
  'dist/chunk-HASH.js',
  'dist/chunk-HASH.js.map',
  'dist/livekit_driver-HASH.js',
  'dist/livekit_driver-HASH.js.map',
].sort();

/** Patterns of credentials that must never ship (Runway keys, sessionKeys, JWTs, npm tokens, PEM). */
const SECRET_PATTERNS = [
  /\bkey_[0-9a-f]{64,}/,
  /\bstk_[A-Za-z0-9]{16,}/,
  /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\./,
  /\bnpm_[A-Za-z0-9]{36}\b/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
];

describe('packed package', () => {
  let work = '';
  let pack: PackResult;
  let consumer = '';

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'lkar-pack-'));
    const built = await buildAndPack(work);
    pack = built.pack;
    consumer = await installConsumer(work, built.tarball);
  }, 300_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  const node = (args: string[]) => run(process.execPath, args, consumer, 30_000);

  it('holds exactly dist, src, package.json and README/LICENSE: no tests, caches or secrets', () => {
    const paths = pack.files.map((f) => f.path).sort();
    const dist = paths
      .filter((p) => p.startsWith('dist/'))
      .map((p) => p.replace(/-[A-Z0-9]{8}(?=\.js)/, '-HASH'));
    expect([...new Set(dist)].sort()).toEqual(EXPECTED_DIST);
    const rest = paths.filter((p) => !p.startsWith('dist/'));
    const unexpected = rest.filter(
      (p) =>
        !/^(package\.json|README\.md|LICENSE(\.md)?)$/.test(p) &&
        !/^src\/([\w-]+\/)*[\w-]+\.(ts|md)$/.test(p),
    );
    expect(unexpected).toEqual([]);
    expect(rest).toContain('package.json');
    expect(rest).toContain('src/index.ts');
    expect(paths.filter((p) => /(^|\/)(tests?|__tests__|\.cache|node_modules)\//.test(p))).toEqual(
      [],
    );
    expect(paths.filter((p) => /\.(test|spec)\.|(^|\/)\.(env|npmrc)|\.tgz$/.test(p))).toEqual([]);

    const installed = join(consumer, INSTALLED);
    const leaks: string[] = [];
    const realKey = process.env['RUNWAYML_API_SECRET'];
    for (const p of paths) {
      const text = readFileSync(join(installed, p), 'utf8');
      if (SECRET_PATTERNS.some((re) => re.test(text))) leaks.push(p);
      if (realKey && realKey.length >= 8 && text.includes(realKey)) leaks.push(`${p} (env key)`);
    }
    expect(leaks).toEqual([]);
  });

  it('keeps dependencies and peers external and ships an executable ESM CLI', () => {
    const installed = join(consumer, INSTALLED);
    const bundled: string[] = [];
    for (const f of pack.files.filter((x) => /\.c?js$/.test(x.path))) {
      const text = readFileSync(join(installed, f.path), 'utf8');
      // esbuild marks each bundled file with a `// <path>` comment; tsup's own shims are expected.
      for (const m of text.matchAll(/^\/\/ (\S*node_modules\/\S+)$/gm)) {
        if (!m[1]!.includes('tsup/assets/')) bundled.push(`${f.path}: ${m[1]}`);
      }
    }
    expect(bundled).toEqual([]);
    const cli = pack.files.find((f) => f.path === 'dist/emulator/cli.js')!;
    expect(cli.mode & 0o111).not.toBe(0);
    const cliText = readFileSync(join(installed, cli.path), 'utf8');
    expect(cliText.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(cliText).not.toMatch(/\brequire\(/);
    expect(statSync(join(installed, cli.path)).mode & 0o111).not.toBe(0);
  });

  const files: Record<ScriptFormat, string> = { esm: 'mjs', cjs: 'cjs' };
  for (const format of ['esm', 'cjs'] as const) {
    it(`main entry from ${format.toUpperCase()}: VERSION, RunwayOptionError, shared peer`, async () => {
      const file = join(consumer, `main.${files[format]}`);
      await writeFile(file, mainScript(format));
      const r = ok(`main ${format}`, await node([file]));
      const out = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(out).toEqual({
        version: PKG.version,
        name: 'livekit-agents-runway',
        errorName: 'RunwayOptionError',
        message: expect.stringMatching(
          /^Invalid option strategy: received "sideways"; expected one of auto, integration, livekit, hosted\.$/,
        ),
        option: 'strategy',
        isOptionError: true,
        apiErrorExtendsPeer: true,
        resolved: join(consumer, INSTALLED, format === 'esm' ? 'dist/index.js' : 'dist/index.cjs'),
      });
    }, 60_000);

    it(`emulator subpath from ${format.toUpperCase()}: serves on 127.0.0.1, WebRTC loaded lazily`, async () => {
      const file = join(consumer, `emulator.${files[format]}`);
      await writeFile(file, emulatorScript(format));
      const r = ok(`emulator ${format}`, await node([file]));
      const out = JSON.parse(r.stdout) as Record<string, unknown>;
      const dist = format === 'esm' ? 'dist/emulator/index.js' : 'dist/emulator/index.cjs';
      expect(out).toEqual({
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        status: 200,
        hasId: true,
        nativeAfterHttp: false,
        nativeAfterWorker: true,
        resolved: join(consumer, INSTALLED, dist),
      });
    }, 60_000);
  }

  it('runway-emulator bin: --help exits 0, a bad flag exits 2', async () => {
    const bin = join(consumer, 'node_modules', '.bin', 'runway-emulator');
    const help = await run(bin, ['--help'], consumer, 30_000);
    expect(help.stderr).toBe('');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: runway-emulator/m);
    const bad = await run(bin, ['--no-such-flag'], consumer, 30_000);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^runway-emulator: .*\(see --help\)/);
  }, 60_000);

  it('TypeScript consumers resolve .d.ts (ESM) and .d.cts (CJS) through the exports map', async () => {
    await writeFile(join(consumer, 'check_esm.mts'), TYPES_SOURCE);
    await writeFile(join(consumer, 'check_cjs.ts'), TYPES_SOURCE);
    const both = consumerTsconfig(['check_esm.mts', 'check_cjs.ts'], true);
    await writeFile(join(consumer, 'tsconfig.json'), JSON.stringify(both));
    // Strict: our ESM declarations themselves checked. Not the .d.cts: @livekit/agents' index.d.cts
    // re-exports its ESM declarations, so a CJS program sees two @livekit/rtc-node `Room` classes and
    // our AvatarSession.start override no longer matches its base there (skipLibCheck hides it).
    const strict = consumerTsconfig(['check_esm.mts'], false);
    await writeFile(join(consumer, 'tsconfig.strict.json'), JSON.stringify(strict));
    const tsc = join(ROOT_MODULES, 'typescript', 'bin', 'tsc');
    const [r, s] = await Promise.all([
      run(process.execPath, [tsc, '-p', 'tsconfig.json', '--listFiles'], consumer, 150_000),
      run(process.execPath, [tsc, '-p', 'tsconfig.strict.json'], consumer, 150_000),
    ]);
    const diagnostics = r.stdout.split('\n').filter((l) => l && !l.startsWith('/'));
    expect(diagnostics).toEqual([]);
    expect(r.code).toBe(0);
    const listed = r.stdout.split('\n').filter((l) => l.includes(INSTALLED));
    const ours = listed.map((l) => l.slice(l.indexOf(INSTALLED) + INSTALLED.length + 1)).sort();
    expect(ours).toEqual([
      'dist/emulator/index.d.cts',
      'dist/emulator/index.d.ts',
      'dist/index.d.cts',
      'dist/index.d.ts',
    ]);
    // Upstream declarations have errors of their own (missing @types/ws, ...): only ours count,
    // that is those in the consumer's files or our package, and any without a file (config errors).
    const errors = s.stdout.split('\n').filter((l) => /error TS\d+/.test(l) && !/^\s/.test(l));
    expect(errors.filter((l) => !l.startsWith('../') && !l.startsWith('/'))).toEqual([]);
    expect(s.code === 0 || errors.length > 0).toBe(true); // a failure tsc did not explain: a crash
  }, 180_000);
});
