// `npm test` runner: vitest for every project, with the real-server e2e suite inside a private network namespace.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureChromium } from './lib/chromium.js';
import { ensureLiveKitServerBinary, REPO_ROOT } from './lib/livekit_server.js';
import { canUsePrivateNetns, privateNetnsCommand } from './lib/netns.js';

/*
 * Environment:
 *   E2E=0          run only the `fast` and `emulator` projects; the run then says the e2e suite did NOT run.
 *   BROWSER_E2E=0  leave out the browser e2e tests (test/e2e/browser_*.test.ts, headless Chromium); the run
 *                  then says the browser suite did NOT run. Otherwise Chromium is found (CHROMIUM_BIN, or
 *                  Debian's chromium-headless-shell / chromium), or installed with apt-get when this runs as
 *                  root, before vitest starts; if that fails, the run fails with how to fix it.
 *   E2E_NETNS=0    run vitest on the host network instead of a private network namespace.
 *                  (Traffic still targets 127.0.0.1 only, but libwebrtc binds the host's interface
 *                  addresses for its ICE candidates and probes routes to public resolvers.)
 * Extra arguments are passed to `vitest run`.
 */

/** The browser e2e tests (headless Chromium), left out by BROWSER_E2E=0. */
const BROWSER_TESTS = 'test/e2e/browser_*.test.ts';
const vitestBin = join(REPO_ROOT, 'node_modules', '.bin', 'vitest');
/** vitest's JSON report, read afterwards for the closing `N passed, N failed` line. */
const reportFile = join(REPO_ROOT, '.cache', 'vitest-report.json');
const extraArgs = [
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${reportFile}`,
  ...process.argv.slice(2),
];

/** Prints the plain closing line (`N passed, N failed, N skipped`) from vitest's JSON report. */
function printSummary(note = ''): void {
  try {
    const r = JSON.parse(readFileSync(reportFile, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
      numTodoTests: number;
    };
    process.stdout.write(
      `\n${note}${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped\n`,
    );
  } catch {
    process.stdout.write('\nrun_tests: no test report was written (vitest did not finish).\n');
  }
}

const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> =>
  new Promise((done) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, env, stdio: 'inherit' });
    // Ctrl-C reaches vitest through the process group; TERM/HUP are forwarded.
    const onInt = () => {};
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const onTerm = forward('SIGTERM');
    const onHup = forward('SIGHUP');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    process.on('SIGHUP', onHup);
    child.on('error', (err) => {
      process.stderr.write(`run_tests: cannot start ${cmd}: ${err.message}\n`);
      done(1);
    });
    child.on('close', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      process.off('SIGHUP', onHup);
      done(code ?? (signal ? 128 + 15 : 1));
    });
  });

async function main(): Promise<number> {
  mkdirSync(join(REPO_ROOT, '.cache'), { recursive: true });
  rmSync(reportFile, { force: true });
  if (process.env['E2E'] === '0') {
    const code = await run(
      vitestBin,
      ['run', '--project', 'fast', '--project', 'emulator', ...extraArgs],
      process.env,
    );
    process.stdout.write(
      '\nrun_tests: the e2e suite did NOT run (E2E=0), nor the browser tests in it.\n',
    );
    printSummary('tests: ');
    return code;
  }

  // Provide the server first, so a failed build explains itself before vitest starts.
  try {
    await ensureLiveKitServerBinary();
  } catch (err) {
    process.stderr.write(`run_tests: ${(err as Error).message}\n`);
    return 1;
  }

  // The browser tests need Chromium: found or installed here, so a missing one explains itself.
  const browserOptOut = process.env['BROWSER_E2E'] === '0';
  if (!browserOptOut) {
    try {
      const chromium = await ensureChromium((line) => process.stderr.write(`run_tests: ${line}\n`));
      process.stderr.write(`run_tests: browser tests use ${chromium.path}\n`);
    } catch (err) {
      process.stderr.write(`run_tests: ${(err as Error).message}\n`);
      return 1;
    }
  }
  const notRun = browserOptOut
    ? 'run_tests: the browser e2e suite did NOT run (BROWSER_E2E=0).\n'
    : '';
  const vitestArgs = ['run', ...(browserOptOut ? ['--exclude', BROWSER_TESTS] : []), ...extraArgs];
  if (process.env['E2E_NETNS'] === '0') {
    process.stderr.write('run_tests: E2E_NETNS=0: running on the host network.\n');
    const code = await run(vitestBin, vitestArgs, process.env);
    process.stdout.write(notRun);
    printSummary('tests: ');
    return code;
  }
  const probe = await canUsePrivateNetns();
  if (!probe.ok) {
    process.stderr.write(
      `run_tests: cannot create a private network namespace (${probe.reason}).\n` +
        'It needs root, or unprivileged user namespaces, plus `unshare` (util-linux) and `ip` (iproute2).\n' +
        'Set E2E_NETNS=0 to run on the host network, or E2E=0 to skip the e2e suite.\n',
    );
    return 1;
  }
  process.stderr.write(
    'run_tests: running vitest in a private network namespace (lo + veth only).\n',
  );
  const wrapped = await privateNetnsCommand(vitestBin, vitestArgs);
  const code = await run(wrapped.cmd, wrapped.args, wrapped.env);
  process.stdout.write(notRun);
  printSummary('tests: ');
  return code;
}

process.exitCode = await main();
