// As deployed: examples/agent.ts as a real worker (cli.runApp, dev mode), every job in its own process,
// agent rooms on one livekit-server and Runway's hosted rooms on another. Detection is paid once for the
// whole worker (the learning store is shared by the job processes), not once per job.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OFFLINE_GREETING } from '../../examples/offline/index.js';
import { startAgentWorker } from '../../scripts/demo/agent_worker.js';
import {
  type LiveKitServerHandle,
  REPO_ROOT,
  startLiveKitServer,
} from '../../scripts/lib/livekit_server.js';
import { runUserJob, type UserJobOutcome } from '../../scripts/lib/user_jobs.js';
import { type EmulatorMode, startEmulator } from '../../src/emulator/index.js';
import { STATE_DIR_ENV } from '../../src/learning/store.js';
import { liveKitEnv } from './support/env.js';
import { waitFor } from './support/wait.js';

const TERMINAL = new Set(['COMPLETED', 'CANCELLED', 'FAILED']);
/**
 * Audible avatar audio each user must hear, ms: proof that the voice reaches the user, not a measure of
 * how much. The hosted character says its greeting once, when the bridge joins its room, and the bridge
 * forwards the voice only once the first picture is shown (issue 17's "face with voice"). When two hosted
 * jobs share 2 busy cores, the first picture can come 2–3 s late, after most of the greeting: users then
 * heard 0–40 ms of it (a fresh-clone run failed on 0). So a user who has not heard enough {@link NUDGE_AFTER_MS}
 * after the face speaks, as a person would, and the character's answer comes after the face.
 */
const HEARD_MS = 100;
/** How long a user waits after the face for the greeting before it speaks itself, ms. */
const NUDGE_AFTER_MS = 3_000;

let runwayServer: LiveKitServerHandle;
let stateRoot: string;
beforeAll(async () => {
  runwayServer = await startLiveKitServer({});
  stateRoot = await mkdtemp(join(tmpdir(), 'deployment-state-'));
});
afterAll(async () => {
  await runwayServer?.stop();
  await rm(stateRoot, { recursive: true, force: true });
});

/** Which create shape a recorded request body used. */
function shapeOf(body: unknown): 'integration' | 'livekit' | 'hosted' {
  const b = (body ?? {}) as Record<string, unknown>;
  return b.integration ? 'integration' : b.livekit ? 'livekit' : 'hosted';
}

/** The room a bring-your-own-room create names ('' for a hosted one). */
function roomOf(body: unknown): string {
  const b = (body ?? {}) as Record<string, { roomName?: string } | undefined>;
  return b.integration?.roomName ?? b.livekit?.roomName ?? '';
}

interface DeploymentRun {
  jobs: UserJobOutcome[];
  refusedByShape: Record<string, number>;
  accepted: number;
  /** Every create: when (emulator clock), its answer, shape and room; to explain an unexpected count. */
  creates: string[];
  sessions: { status: string; via: string }[];
  stateFiles: string[];
  tail: string;
}

/** One worker, three jobs one after another, then two at the same time. */
async function runDeployment(mode: EmulatorMode): Promise<DeploymentRun> {
  const agentServer = { ...liveKitEnv(), httpUrl: liveKitEnv().url.replace(/^ws/, 'http') };
  const stateDir = join(stateRoot, mode);
  const emulator = await startEmulator({
    mode,
    livekit: {
      url: runwayServer.url,
      apiKey: runwayServer.apiKey,
      apiSecret: runwayServer.apiSecret,
    },
    worker: true,
  });
  const agent = await startAgentWorker({
    repoRoot: REPO_ROOT,
    logFile: join(process.env.DEPLOY_LOG_DIR ?? stateRoot, `agent-${mode}.log`),
    livekit: agentServer,
    runway: { baseUrl: emulator.url, apiKey: emulator.apiKey },
    strategy: 'auto',
    voice: 'tone',
    startScript: OFFLINE_GREETING,
    onMilestone: () => {},
    // The worker's load is its own jobs, not this shared machine's CPU: at 100 % CPU livekit-server
    // dispatches nothing (seen here while other test runs loaded the machine).
    extraEnv: { [STATE_DIR_ENV]: stateDir, AGENT_MAX_JOBS: '8' },
  });
  const jobs: UserJobOutcome[] = [];
  try {
    await Promise.race([agent.registered, agent.failure]);
    const job = (i: number) =>
      runUserJob(agentServer, {
        room: `deploy-${mode}-${i}`,
        heardMs: HEARD_MS,
        nudge: { afterMs: NUDGE_AFTER_MS, line: 'Hello? Can you hear me?' },
        timeoutMs: Number(process.env.DEPLOY_JOB_TIMEOUT_MS ?? 60_000),
      });
    // Every job shuts down with its room and ends its Runway session before the next one comes.
    const settle = () =>
      waitFor(() => emulator.sessions().every((s) => TERMINAL.has(s.status)), {
        timeoutMs: 30_000,
        debugName: 'every Runway session to end',
      }).catch(() => {});
    for (const i of [1, 2, 3]) {
      jobs.push(await job(i));
      await settle();
    }
    jobs.push(...(await Promise.all([job(4), job(5)])));
    await settle();
  } finally {
    await agent.stop(10_000);
    await emulator.close();
  }
  const refusedByShape: Record<string, number> = {};
  let accepted = 0;
  for (const r of emulator.requests.filter((q) => q.route === 'create')) {
    if (r.status === 400)
      refusedByShape[shapeOf(r.body)] = (refusedByShape[shapeOf(r.body)] ?? 0) + 1;
    else if (r.status !== null && r.status < 300) accepted++;
  }
  const creates = emulator.requests
    .filter((q) => q.route === 'create')
    .map((q) => `${q.atMs} ${q.status} ${shapeOf(q.body)} ${roomOf(q.body)}`);
  return {
    jobs,
    refusedByShape,
    accepted,
    creates,
    sessions: emulator.sessions().map((s) => ({ status: s.status, via: s.via })),
    stateFiles: await readdir(stateDir).catch(() => []),
    tail: agent.tail(80).join('\n'),
  };
}

function expectEveryJobServed(run: DeploymentRun): void {
  const explain = `${JSON.stringify(run.jobs, null, 1)}\n--- creates ---\n${run.creates.join('\n')}\n--- sessions ---\n${JSON.stringify(run.sessions)}\n--- agent log tail ---\n${run.tail}`;
  console.log(
    `deployment: voice heard by each user, ms: ${run.jobs.map((j) => `${j.heardMs}${j.nudged ? ' (after speaking)' : ''}`).join(', ')}`,
  );
  expect(run.jobs, explain).toHaveLength(5);
  for (const job of run.jobs) {
    expect(job.error, `${job.room}: ${explain}`).toBeUndefined();
    expect(job.framesReceived, job.room).toBeGreaterThan(0);
    expect(job.heardMs, job.room).toBeGreaterThanOrEqual(HEARD_MS);
    expect(job.avatarIdentity, job.room).toBe('runway-avatar-agent');
  }
  expect(run.accepted, explain).toBe(5);
  expect(run.sessions).toHaveLength(5);
  for (const s of run.sessions)
    expect(TERMINAL.has(s.status), JSON.stringify(run.sessions)).toBe(true);
  expect(run.stateFiles.filter((f) => f.endsWith('.json'))).toHaveLength(1); // learnt, on disk
}

describe('a deployed worker: one process per job, two livekit-servers', () => {
  it('hosted-only: every job is served, each refused shape is paid once for the whole worker', async () => {
    const run = await runDeployment('hosted-only');
    expectEveryJobServed(run);
    expect(run.sessions.every((s) => s.via === 'hosted')).toBe(true);
    // The first job detected it; the four after it (two at once) started hosted straight away.
    expect(run.refusedByShape).toEqual({ integration: 1, livekit: 1 });
  }, 240_000);

  it('integration: no refused create at all', async () => {
    const run = await runDeployment('integration');
    expectEveryJobServed(run);
    expect(run.sessions.every((s) => s.via === 'integration')).toBe(true);
    expect(run.refusedByShape).toEqual({});
  }, 240_000);
});
