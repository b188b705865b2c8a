// The hosted bridge in a process of its own (the bridge bench's role), for tests that starve or freeze
// only the bridge while Runway's emulated worker, livekit-server and the test go on.
import { randomUUID } from 'node:crypto';
import { onTestFinished } from 'vitest';
import { type ChildHandle, forkRole } from '../../../bench/lib/ipc.js';
import type { RunningEmulator } from '../../../src/emulator/index.js';
import { liveKitEnv } from './env.js';

/**
 * Forks the bridge role, starts a hosted session against `emulator` in a new agent room named after
 * `name`, and stops and closes it when the test finishes. `sample` reads the bridge's stats.
 */
export async function startBridgeProcess<Stats>(
  emulator: RunningEmulator,
  name: string,
): Promise<{ bridge: ChildHandle; sample: () => Promise<Stats> }> {
  const env = liveKitEnv();
  const bridge = await forkRole('bridge');
  onTestFinished(() => bridge.close());
  await bridge.call('init', {
    livekit: { url: env.url, apiKey: env.apiKey, apiSecret: env.apiSecret },
    roomName: `${name}-${randomUUID()}`,
    agentIdentity: `${name}-agent`,
    api: { url: emulator.url, apiKey: emulator.apiKey },
  });
  await bridge.call('start');
  onTestFinished(async () => {
    await bridge.call('stop').catch(() => {});
  });
  const sample = async () => (await bridge.call<{ bridge?: Stats }>('sample')).bridge!;
  return { bridge, sample };
}
