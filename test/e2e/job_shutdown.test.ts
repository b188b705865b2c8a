// A job process that shuts down while the avatar starts (agents-js: shutdown callbacks, i.e. aclose(), then
// process.exit): after the process has exited, nothing it created is READY or RUNNING.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startEmulatorWithWorker } from './support/agent_harness.js';
import { liveKitEnv } from './support/env.js';
import { expectNothingAlive } from './support/judge.js';
import { connectParticipant } from './support/room.js';
import { mintToken } from './support/token.js';

describe('job shutdown while start() runs', () => {
  it.each([
    ['integration', 'create', 500],
    ['hosted', 'create', 500],
    ['hosted', 'READY', 1200],
  ] as const)(
    '%s, during the %s: the process exits and nothing is left READY or RUNNING',
    async (strategy, phase, shutdownAfterMs) => {
      const { emulator } = await startEmulatorWithWorker(
        phase === 'create'
          ? { faults: [{ route: 'create', kind: 'latency', delayMs: 1500 }] }
          : { provisioningMs: 2500 },
      );
      const env = liveKitEnv();
      const roomName = `shutdown-${randomUUID().slice(0, 8)}`;
      await connectParticipant({ token: await mintToken({ identity: 'user', room: roomName }) });
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'test/e2e/fixtures/agent_shutdown_process.ts'],
        {
          env: {
            ...process.env,
            LIVEKIT_URL: env.url,
            LIVEKIT_API_KEY: env.apiKey,
            LIVEKIT_API_SECRET: env.apiSecret,
            AGENT_TOKEN: await mintToken({ identity: 'agent', room: roomName, kind: 'agent' }),
            RUNWAYML_BASE_URL: emulator.url,
            RUNWAYML_API_SECRET: emulator.apiKey,
            STRATEGY: strategy,
            SHUTDOWN_AFTER_MS: String(shutdownAfterMs),
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      onTestFinished(() => {
        if (child.exitCode === null) child.kill('SIGKILL');
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code, stderr).toBe(0);
      expect(stdout).toMatch(/CLOSED \d+/);
      expect(stdout).toContain('START CLOSED');
      // The session created while the process was shutting down exists, and is ended.
      expect(emulator.sessions()).toHaveLength(1);
      expectNothingAlive(emulator);
    },
  );
});
