// Runs test/e2e/fixtures/agent_process.ts as its own process, joined to a fresh room with a user in it,
// pointed at the emulator; killed when the test ends.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { onTestFinished } from 'vitest';
import type { RunningEmulator } from '../../../src/emulator/index.js';
import { liveKitEnv } from './env.js';
import { connectParticipant } from './room.js';
import { mintToken } from './token.js';

/** The agent process, with its last 4000 characters of stderr. */
export interface AgentProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  stderr(): string;
}

/** Starts the agent process in a new room (prefix `room`); `env` is added to the fixture's environment. */
export async function spawnAgentProcess(
  emulator: RunningEmulator,
  room: string,
  env: Record<string, string> = {},
): Promise<AgentProcess> {
  const lk = liveKitEnv();
  const roomName = `${room}-${randomUUID().slice(0, 8)}`;
  await connectParticipant({ token: await mintToken({ identity: 'user', room: roomName }) });
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/e2e/fixtures/agent_process.ts'], {
    env: {
      ...process.env,
      LIVEKIT_URL: lk.url,
      LIVEKIT_API_KEY: lk.apiKey,
      LIVEKIT_API_SECRET: lk.apiSecret,
      AGENT_TOKEN: await mintToken({ identity: `${room}-agent`, room: roomName, kind: 'agent' }),
      RUNWAYML_BASE_URL: emulator.url,
      RUNWAYML_API_SECRET: emulator.apiKey,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onTestFinished(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  return { child, stderr: () => stderr };
}
