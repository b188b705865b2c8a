// Killing the agent's process outright: Runway's worker notices the trusted agent is gone and the session
// stops billing within a stated bound, with no cleanup code ever running in the agent.
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { startEmulatorWithWorker } from './support/agent_harness.js';
import { spawnAgentProcess } from './support/agent_process.js';

/**
 * The stated bound: livekit-server keeps a vanished participant about 20 s for a reconnect before it
 * announces the departure (measured: the session ends ~23 s after SIGKILL), plus the worker's 2 s grace,
 * with slack for a loaded machine.
 */
const BILLING_BOUND_S = 40;

describe('an agent process killed with SIGKILL', () => {
  it(`leaves no session billing for more than ${BILLING_BOUND_S} s`, async () => {
    const { emulator } = await startEmulatorWithWorker();
    const { child, stderr } = await spawnAgentProcess(emulator, 'kill');
    const sessionId = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`agent never became ready: ${stderr()}`)),
        60_000,
      );
      createInterface({ input: child.stdout }).on('line', (line) => {
        const m = /^READY (\S+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.on('exit', (code: number | null) =>
        reject(new Error(`agent exited early (${code}): ${stderr()}`)),
      );
    });
    await emulator.waitForStatus(sessionId, 'RUNNING', 10_000);

    child.kill('SIGKILL');
    const killedAt = Date.now();
    await emulator.waitForStatus(sessionId, 'COMPLETED', BILLING_BOUND_S * 1000);
    const endedAfterS = (Date.now() - killedAt) / 1000;
    expect(endedAfterS).toBeLessThan(BILLING_BOUND_S);
    expect(emulator.billing().sessionsBilling).toBe(0);
    console.info(`session ended ${endedAfterS.toFixed(1)} s after SIGKILL`);
  });
});
