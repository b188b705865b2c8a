// examples/agent.ts start-up: --help works, and a bad or missing setting stops it with one clear line.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const AGENT = fileURLToPath(new URL('../../examples/agent.ts', import.meta.url));
const SECRET = 'key_TESTSECRET_do_not_print_4711';
const LK_SECRET = 'lk_TESTSECRET_do_not_print_0815';

/** A complete, valid environment (nothing listens on the LiveKit URL; no test starts a worker). */
const VALID = {
  RUNWAYML_API_SECRET: SECRET,
  LIVEKIT_URL: 'ws://127.0.0.1:1',
  LIVEKIT_API_KEY: 'devkey',
  LIVEKIT_API_SECRET: LK_SECRET,
};

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node --import tsx examples/agent.ts ...args` with exactly `env` (plus PATH/HOME). */
function runAgent(args: string[], env: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', AGENT, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const cases = {
  help: runAgent.bind(null, ['--help'], {}),
  noKey: runAgent.bind(null, ['dev'], {}),
  noLiveKit: runAgent.bind(null, ['start'], { RUNWAYML_API_SECRET: SECRET }),
  badPreset: runAgent.bind(null, ['dev'], { ...VALID, RUNWAY_PRESET_ID: 'cat-charcter' }),
  valid: runAgent.bind(null, ['connect'], { ...VALID, AGENT_OFFLINE: '1' }),
  badMaxJobs: runAgent.bind(null, ['dev'], { ...VALID, AGENT_MAX_JOBS: '2.5' }),
};
const results = {} as Record<keyof typeof cases, Outcome>;

/** The single `error: ...` line the agent printed. */
function errorLine(o: Outcome): string {
  expect(o.code).toBe(1);
  expect(o.stdout).toBe('');
  const lines = o.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  return lines[0]!;
}

describe('examples/agent.ts start-up', () => {
  beforeAll(async () => {
    // Each run loads @livekit/agents (a few seconds): run them side by side.
    const entries = await Promise.all(
      Object.entries(cases).map(async ([k, run]) => [k, await run()] as const),
    );
    for (const [k, o] of entries) results[k as keyof typeof cases] = o;
  }, 60_000);

  it('--help prints the agents CLI usage without any settings', () => {
    expect(results.help.code).toBe(0);
    expect(results.help.stdout).toMatch(/Commands:[\s\S]*start[\s\S]*dev[\s\S]*connect/);
  });

  it('a missing RUNWAYML_API_SECRET stops it before the worker starts', () => {
    const line = errorLine(results.noKey);
    expect(line).toContain('RUNWAYML_API_SECRET is not set');
    expect(line).toContain('export RUNWAYML_API_SECRET=');
  });

  it('missing LiveKit credentials are named', () => {
    expect(errorLine(results.noLiveKit)).toContain('LIVEKIT_URL is not set');
  });

  it("the plugin's option errors are shown with the setting that fed them", () => {
    const line = errorLine(results.badPreset);
    expect(line).toContain('Invalid option presetId');
    expect(line).toContain('Did you mean "cat-character"?');
    expect(line).toContain('RUNWAY_PRESET_ID');
  });

  it('a bad AGENT_MAX_JOBS is named with what is allowed', () => {
    expect(errorLine(results.badMaxJobs)).toContain(
      'AGENT_MAX_JOBS must be a whole number of jobs from 1 to 1000 (received "2.5")',
    );
  });

  it('a valid configuration passes the check (and reaches the CLI)', () => {
    // `connect` without --room: the settings check passed and commander rejects the command line.
    expect(results.valid.code).not.toBe(0);
    expect(results.valid.stderr).toContain("required option '--room <string>' not specified");
    expect(results.valid.stderr).not.toMatch(/RUNWAY|LIVEKIT_|AGENT_/);
  });

  it('never prints a secret', () => {
    for (const o of Object.values(results)) {
      expect(o.stdout + o.stderr).not.toContain(SECRET);
      expect(o.stdout + o.stderr).not.toContain(LK_SECRET);
    }
  });
});
