// The runway-emulator CLI as a child process: banner, one log line per request, signals, exit codes.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it, type TestContext } from 'vitest';
import { parseCli } from '../../src/emulator/cli_args.js';
import { PRESET_BODY } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Cli {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/**
 * Runs the TypeScript CLI as `node --import tsx src/emulator/cli.ts`: the same loader as
 * `npx tsx`, without tsx's relay process, whose 30 ms signal hand-off can SIGKILL a busy child.
 */
function runCli(args: string[], ctx: TestContext): Cli {
  const argv = ['--import', 'tsx', 'src/emulator/cli.ts', ...args];
  const child = spawn(process.execPath, argv, { cwd: ROOT, stdio: 'pipe' });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  ctx.onTestFinished(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function waitForOutput(cli: Cli, re: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = cli.stdout().match(re);
    if (m) return m;
    if (Date.now() > deadline || cli.child.exitCode !== null) {
      throw new Error(`no ${re} in CLI output; stderr: ${cli.stderr().slice(0, 300)}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.concurrent('runway-emulator CLI', () => {
  it('prints URL and key, serves requests with faults, logs each, exits 0 on SIGTERM', async (ctx) => {
    const { expect } = ctx;
    const cli = runCli(['--port', '0', '--provisioning-ms', '50', '--fault', 'create:503'], ctx);
    const [, url, key] = await waitForOutput(
      cli,
      /RUNWAYML_BASE_URL=(http:\/\/127\.0\.0\.1:\d+) RUNWAYML_API_SECRET=(key_[0-9a-f]{128})\n/,
    );
    const post = () =>
      fetch(`${url}/v1/realtime_sessions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'x-runway-version': '2024-11-06',
          'content-type': 'application/json',
        },
        body: JSON.stringify(PRESET_BODY),
      });
    expect((await post()).status).toBe(503);
    const ok = await post();
    expect(ok.status).toBe(200);
    const { id } = (await ok.json()) as { id: string };
    await waitForOutput(cli, new RegExp(`session ${id} READY`));
    const lines = cli.stdout().split('\n');
    expect(lines.filter((l) => / POST \/v1\/realtime_sessions -> /.test(l))).toEqual([
      expect.stringMatching(/-> 503 \[status:503\] \d+ms$/),
      expect.stringMatching(/-> 200 \d+ms$/),
    ]);
    // The key appears once, in the banner meant for copy-paste, never in request lines.
    expect(cli.stdout().split(key as string).length - 1).toBe(1);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('--help prints the usage and the fault grammar, exit 0', async (ctx) => {
    const { expect } = ctx;
    const cli = runCli(['--help'], ctx);
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).toContain('Usage: runway-emulator [options]');
    expect(cli.stdout()).toContain('--fault ROUTE:KIND[=ARG][xN]');
  });

  it('a bad flag: one line on stderr, exit 2', async (ctx) => {
    const { expect } = ctx;
    const cli = runCli(['--port', '0', '--bogus'], ctx);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toMatch(/^runway-emulator: Unknown option '--bogus'.*\(see --help\)\n$/);
    expect(cli.stdout()).toBe('');
  });
});

describe('parseCli', () => {
  it('maps flags to emulator options', ({ expect }) => {
    expect(
      parseCli([
        '--port=8080',
        '--mode',
        'hosted-only',
        '--provisioning-ms',
        '10',
        '--hard-cap-ms',
        '2000',
        '--join-window-ms',
        '500',
        '--strict-urls',
        '--fault',
        'create:429x2',
        '--fault',
        '*:delay=5',
        '--livekit-url',
        'ws://127.0.0.1:7880',
        '--livekit-api-key',
        'k',
        '--livekit-api-secret',
        's',
      ]),
    ).toEqual({
      kind: 'run',
      quiet: false,
      options: {
        port: 8080,
        mode: 'hosted-only',
        provisioningMs: 10,
        hardCapMs: 2000,
        joinWindowMs: 500,
        allowInsecureLiveKitUrls: false,
        faults: [
          { route: 'create', kind: 'status', status: 429, times: 2 },
          { route: '*', kind: 'latency', delayMs: 5, times: 1 },
        ],
        livekit: { url: 'ws://127.0.0.1:7880', apiKey: 'k', apiSecret: 's' },
        worker: true,
      },
    });
    expect(parseCli(['-h'])).toEqual({ kind: 'help' });
    const noWorker = parseCli(['--no-worker']);
    expect(noWorker.kind === 'run' && noWorker.options.worker).toBe(false);
    const wording = parseCli(['--refusal-wording', 'zod3']);
    expect(wording.kind === 'run' && wording.options.refusalWording).toBe('zod3');
  });

  it.for([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--mode', 'cloud'], /emulator mode must be one of/],
    [['--refusal-wording', 'zod5'], /refusalWording must be one of runway, zod4-quoted/],
    [['--port', 'abc'], /--port expects a non-negative integer/],
    [['--delete-terminal-status', '200'], /204 or 404/],
    [['--fault', 'create:teapot'], /invalid --fault 'create:teapot'/],
    [['--livekit-url', 'ws://127.0.0.1:7880'], /go together/],
    [['extra'], /positional/],
  ] as [string[], RegExp][])('refuses %j', ([args, message], { expect }) => {
    expect(() => parseCli(args)).toThrow(message);
  });
});
