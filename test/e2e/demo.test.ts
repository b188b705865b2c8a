// `npm run demo` end to end (default strategy): real server, emulator, agent worker process, simulated user.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { OFFLINE_GREETING } from '../../examples/offline/index.js';
import { REPO_ROOT } from '../../scripts/lib/livekit_server.js';

interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tsx scripts/demo.ts <args>` and collects its output; SIGKILLs its process group on timeout. */
function runDemo(args: string[], timeoutMs: number): Promise<DemoRun> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'demo.ts'), ...args],
      {
        cwd: REPO_ROOT,
        // The e2e suite already runs in a private network namespace (or was told not to).
        env: { ...process.env, DEMO_NETNS: '0', NODE_ENV: 'production' },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm run demo', () => {
  it('runs the offline demo: the user sees and hears the avatar, the session ends COMPLETED', async () => {
    const out = await mkdtemp(join(tmpdir(), 'demo-test-'));
    onTestFinished(() => rm(out, { recursive: true, force: true }));

    const run = await runDemo(['--seconds', '8', '--out', out], 110_000);
    const explain = `exit ${run.code}\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}`;
    expect(run.code, explain).toBe(0);

    // Progress lines are timestamped as they happen; the summary closes the run.
    expect(run.stdout).toMatch(
      /^\[\s*\d+\.\d\ds\] livekit-server ready at ws:\/\/127\.0\.0\.1:\d+/m,
    );
    expect(run.stdout).toMatch(/^\[\s*\d+\.\d\ds\] first avatar video frame/m);
    expect(run.stdout).toContain('OK: the user saw and heard the avatar');

    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    expect(summary.ok).toBe(true);
    expect(summary.failures).toEqual([]);
    expect(summary.strategy).toEqual({
      requested: 'auto',
      used: 'integration',
      emulatorMode: 'integration',
    });
    expect(summary.avatarIdentity).toBe('runway-avatar-agent');
    expect(summary.video.firstFrameAfterJoinMs).toBeGreaterThan(0);
    expect(summary.video.framesDecoded).toBeGreaterThanOrEqual(25);
    expect(summary.video.framesSpeaking).toBeGreaterThan(0);
    expect(summary.audio.heardSeconds).toBeGreaterThanOrEqual(1);
    // The greeting was heard and matched to the agent's transcript, and the user got a reply.
    expect(summary.audio.utterances[0]?.text).toBe(OFFLINE_GREETING);
    expect(summary.userLines.length).toBeGreaterThanOrEqual(1);
    expect(summary.audio.utterances.length).toBeGreaterThanOrEqual(2);
    // The agent worker ended the Runway session with END_CALL; nothing is left billing.
    expect(summary.sessions).toHaveLength(1);
    expect(summary.sessions[0]).toMatchObject({ via: 'integration', status: 'COMPLETED' });
    expect(summary.sessions[0].endedBy).toContain('END_CALL');
    expect(summary.billing.sessionsBilling).toBe(0);
    expect(summary.agent.forced).toBe(false);

    // The contact sheet is a PNG of a 4 × 3 grid; the worker's log and the heard audio are there.
    const png = await readFile(join(out, 'contact-sheet.png'));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBeGreaterThan(4 * 200);
    expect(png.readUInt32BE(20)).toBeGreaterThan(3 * 100);
    expect((await stat(join(out, 'agent.log'))).size).toBeGreaterThan(0);
    expect((await stat(join(out, 'heard.wav'))).size).toBeGreaterThan(44 + 48_000 * 2);
  }, 120_000);
});
