// `npm run demo` end to end (default strategy): real server, emulator, agent worker process, simulated user.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { OFFLINE_GREETING } from '../../examples/offline/index.js';
import { runDemo } from './support/demo_process.js';

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

  it('hosted: the character calls the example agent’s own tool, and the result comes back', async () => {
    const out = await mkdtemp(join(tmpdir(), 'demo-test-'));
    onTestFinished(() => rm(out, { recursive: true, force: true }));

    const run = await runDemo(['--strategy', 'hosted', '--seconds', '6', '--out', out], 110_000);
    const explain = `exit ${run.code}\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}`;
    expect(run.code, explain).toBe(0);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    expect(summary.strategy.used, explain).toBe('hosted');
    // examples/agent.ts's time_in_city ran in the agent's job process, answered through the plugin.
    expect(summary.toolCall, explain).toMatchObject({
      tool: 'time_in_city',
      args: { city: 'Paris', timeZone: 'Europe/Paris' },
      outcome: 'result',
      result: { city: 'Paris', timeZone: 'Europe/Paris' },
    });
    expect(summary.toolCall.result.time).toMatch(/^\d\d:\d\d$/);
    expect(run.stdout).toMatch(/tool result after/);
    // The character said the result; the session ended and nothing bills.
    expect(summary.avatarLines.map((l: { text: string }) => l.text).join('\n')).toContain(
      'The tool said:',
    );
    expect(summary.billing.sessionsBilling).toBe(0);
  }, 120_000);
});
