// A job process that shuts down while the avatar starts (agents-js: shutdown callbacks, i.e. aclose(), then
// process.exit): after the process has exited, nothing it created is READY or RUNNING.
import { describe, expect, it } from 'vitest';
import { startEmulatorWithWorker } from './support/agent_harness.js';
import { spawnAgentProcess } from './support/agent_process.js';
import { expectNothingAlive } from './support/judge.js';

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
      const { child, stderr } = await spawnAgentProcess(emulator, 'shutdown', {
        STRATEGY: strategy,
        SHUTDOWN_AFTER_MS: String(shutdownAfterMs),
      });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code, stderr()).toBe(0);
      expect(stdout).toMatch(/CLOSED \d+/);
      expect(stdout).toContain('START CLOSED');
      // The session created while the process was shutting down exists, and is ended.
      expect(emulator.sessions()).toHaveLength(1);
      expectNothingAlive(emulator);
    },
  );
});
