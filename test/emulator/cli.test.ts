// The runway-emulator CLI as a child process: banner, one log line per request, signals, exit codes.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it, type TestContext } from 'vitest';
import { parseCli } from '../../src/emulator/cli_args.js';
import type { WorkerDriver } from '../../src/emulator/index.js';
import { createPreset, fastEmulator, PRESET_BODY } from './helpers.js';

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

// Not concurrent: fastEmulator() closes the emulator through the current test's onTestFinished.
describe('runway-emulator tool subcommands', () => {
  it('call-tool and client-event ask a running emulator; a refusal exits 1 with its error', async (ctx) => {
    const { expect } = ctx;
    const seen: string[] = [];
    const driver: WorkerDriver = {
      startByoSession() {},
      startHostedSession() {},
      stop() {},
      async callTool(id, tool, args) {
        seen.push(`call ${tool} ${JSON.stringify(args)}`);
        return {
          tool,
          args,
          callerIdentity: `worker:${id}`,
          destinationIdentity: `backend:${id}`,
          timeoutMs: 4000,
          elapsedMs: 3,
          kind: 'result',
          payload: '"sunny"',
          result: 'sunny',
          json: true,
        };
      },
      async emitClientEvent(_id, tool) {
        seen.push(`emit ${tool}`);
      },
    };
    const emulator = await fastEmulator({ driver });
    const id = await createPreset(emulator);
    await emulator.waitForStatus(id, 'READY', 2_000);
    const target = ['--url', emulator.url, '--api-key', emulator.apiKey];
    const called = runCli(['call-tool', id, 'weather', '{"city":"Paris"}', ...target], ctx);
    expect([await called.exited, called.stderr()]).toEqual([0, '']);
    expect(JSON.parse(called.stdout())).toMatchObject({ kind: 'result', result: 'sunny' });
    const emitted = runCli(['client-event', id, 'show', ...target], ctx);
    expect(await emitted.exited).toBe(0);
    expect(emitted.stdout()).toBe('sent show\n');
    expect(seen).toEqual(['call weather {"city":"Paris"}', 'emit show']);
    const unknown = '6f1c3b0e-8a4d-4c59-9e0a-2b7d6c1f4a90';
    const refused = runCli(['call-tool', unknown, 'weather', ...target], ctx);
    expect(await refused.exited).toBe(1);
    expect(refused.stderr()).toBe(`runway-emulator: 404 session ${unknown}: no such session\n`);
    expect(refused.stdout() + refused.stderr()).not.toContain(emulator.apiKey);
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

  it('parses call-tool / client-event, with URL and key from the environment by default', ({
    expect,
  }) => {
    const env = { RUNWAYML_BASE_URL: 'http://127.0.0.1:9/', RUNWAYML_API_SECRET: 'key_env' };
    expect(parseCli(['call-tool', 'sid', 'weather', '{"city":"Rome"}'], env)).toEqual({
      kind: 'tool',
      action: 'call',
      url: 'http://127.0.0.1:9',
      apiKey: 'key_env',
      sessionId: 'sid',
      tool: 'weather',
      args: { city: 'Rome' },
      unchecked: false,
    });
    expect(
      parseCli(
        ['client-event', 'sid', 'show', '--unchecked', '--url', 'http://h:1', '--api-key', 'k'],
        {},
      ),
    ).toMatchObject({ action: 'emit', url: 'http://h:1', apiKey: 'k', args: {}, unchecked: true });
  });

  it.for([
    [['call-tool', 'sid'], /call-tool expects SESSION_ID TOOL \[ARGS_JSON\], got 1 arguments/],
    [['call-tool', 'sid', 't', '{'], /ARGS_JSON must be JSON/],
    [['client-event', 'sid', 't', '[1]'], /ARGS_JSON must be a JSON object/],
    [['call-tool', 'sid', 't', '--api-key', 'k'], /needs --url or RUNWAYML_BASE_URL/],
    [['call-tool', 'sid', 't', '--url', 'http://h:1'], /needs --api-key or RUNWAYML_API_SECRET/],
    [['call-tool', 'sid', 't', '--bogus'], /Unknown option '--bogus'/],
  ] as [string[], RegExp][])('refuses tool command %j', ([args, message], { expect }) => {
    expect(() => parseCli(args, {})).toThrow(message);
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
