// Bench 7, jobs per machine: N jobs at once as separate job processes of one agent worker (cli.runApp, dev
// mode), for bring-your-own-room and hosted, and a baseline job with no avatar. Agent rooms and Runway's
// hosted rooms are on two livekit-servers, as deployed. Per job: dispatch (room created) → the avatar's
// first frame at the user, split into LiveKit (agents-js job launch + room connect + media path), the
// plugin (its own work inside avatar.start()), and emulated Runway (API answers, provisioning); and CPU
// and RSS of each job process above the baseline job's.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OFFLINE_GREETING } from '../examples/offline/index.js';
import { startAgentWorker } from '../scripts/demo/agent_worker.js';
import { REPO_ROOT, startLiveKitServer } from '../scripts/lib/livekit_server.js';
import { runUserJob, type UserJobOutcome } from '../scripts/lib/user_jobs.js';
import { type EmulatorMode, startEmulator } from '../src/emulator/index.js';
import { STATE_DIR_ENV } from '../src/learning/store.js';
import { JOB_LINE } from './lib/jobs_agent.js';
import { summarize } from './lib/stats.js';
import type { Bench, BenchOptions, BenchResult, MetricRow } from './lib/types.js';

type Kind = 'byo' | 'hosted' | 'none';
const KINDS: Record<Kind, { strategy: string; mode: EmulatorMode; label: string }> = {
  byo: { strategy: 'integration', mode: 'integration', label: 'bring-your-own-room (integration)' },
  hosted: { strategy: 'hosted', mode: 'hosted-only', label: 'hosted (bridge)' },
  none: { strategy: 'integration', mode: 'integration', label: 'no avatar (baseline)' },
};
/** Steady-state window over which a job process's CPU is measured, after its first frame. */
const CPU_WINDOW_MS = 5000;
const CLK_TCK = 100;

interface JobLine {
  room: string;
  pid: number;
  entryAt: number;
  connectedAt: number;
  avatarStartedAt?: number;
  sessionId?: string;
  sessionStartedAt: number;
}

interface JobSample {
  kind: Kind;
  n: number;
  user: UserJobOutcome;
  job?: JobLine;
  /** ms, dispatch → first frame (or → session started, for the baseline). */
  totalMs?: number;
  livekitMs?: number;
  /** Of livekitMs: dispatch → the job's entry function runs (agents-js starts the job process). */
  launchMs?: number;
  pluginMs?: number;
  runwayMs?: number;
  cpuPercent?: number;
  rssMb?: number;
}

/** utime + stime of a process, in ms; undefined when it is gone. */
function cpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
  } catch {
    return undefined;
  }
}

function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** One round: a fresh worker, `n` rooms at once, each user held while its job process is measured. */
async function round(kind: Kind, n: number, progress: (m: string) => void): Promise<JobSample[]> {
  const spec = KINDS[kind];
  const [agentServer, runwayServer] = await Promise.all([
    startLiveKitServer({}),
    startLiveKitServer({}),
  ]);
  const emulator = await startEmulator({
    mode: spec.mode,
    livekit: {
      url: runwayServer.url,
      apiKey: runwayServer.apiKey,
      apiSecret: runwayServer.apiSecret,
    },
    worker: true,
  });
  const stateDir = await mkdtemp(join(tmpdir(), 'bench-jobs-'));
  const lines = new Map<string, JobLine>();
  const agent = await startAgentWorker({
    repoRoot: REPO_ROOT,
    agentFile: join(REPO_ROOT, 'bench', 'lib', 'jobs_agent.ts'),
    logFile: join(stateDir, 'agent.log'),
    livekit: agentServer,
    runway: { baseUrl: emulator.url, apiKey: emulator.apiKey },
    strategy: spec.strategy,
    voice: 'tone',
    startScript: OFFLINE_GREETING,
    onMilestone: () => {},
    extraEnv: {
      [STATE_DIR_ENV]: stateDir,
      AGENT_MAX_JOBS: String(n + 1),
      BENCH_AVATAR: kind === 'none' ? '0' : '1',
    },
    onLine: (line) => {
      const at = line.indexOf(JOB_LINE);
      if (at < 0) return;
      const job = JSON.parse(line.slice(at + JOB_LINE.length)) as JobLine;
      lines.set(job.room, job);
    },
  });
  const samples: JobSample[] = [];
  try {
    await Promise.race([agent.registered, agent.failure]);
    progress(`jobs: ${spec.label}, ${n} job(s) at once`);
    const measured = new Map<string, { cpu?: number; rss?: number }>();
    const one = async (i: number): Promise<UserJobOutcome> => {
      const room = `jobs-${kind}-${n}-${i}`;
      // The user stays until the job process has been measured over its steady window.
      return runUserJob(agentServer, {
        room,
        heardMs: kind === 'none' ? 0 : 300,
        timeoutMs: 90_000,
        video: kind !== 'none',
        hold: async () => {
          const deadline = Date.now() + 30_000;
          while (!lines.has(room) && Date.now() < deadline) await sleep(100);
          const pid = lines.get(room)?.pid;
          if (pid === undefined) return;
          await sleep(1000);
          const c0 = cpuMs(pid);
          await sleep(CPU_WINDOW_MS);
          const c1 = cpuMs(pid);
          measured.set(room, {
            ...(c0 !== undefined && c1 !== undefined
              ? { cpu: ((c1 - c0) / CPU_WINDOW_MS) * 100 }
              : {}),
            ...(rssMb(pid) !== undefined ? { rss: rssMb(pid) } : {}),
          });
        },
      });
    };
    const users = await Promise.all(Array.from({ length: n }, (_, i) => one(i)));
    const creates = emulator.requests.filter((r) => r.route === 'create' && r.status === 200);
    for (const user of users) {
      const job = lines.get(user.room);
      const sample: JobSample = { kind, n, user, ...(job ? { job } : {}) };
      const m = measured.get(user.room);
      if (m?.cpu !== undefined) sample.cpuPercent = m.cpu;
      if (m?.rss !== undefined) sample.rssMb = m.rss;
      if (job && kind === 'none') sample.totalMs = job.sessionStartedAt - user.createdAtMs;
      if (job?.avatarStartedAt !== undefined && user.firstFrameAtMs !== undefined) {
        // The Runway session this job created, its create request (the nearest in time) and the rest.
        const session = emulator.sessions().find((x) => x.id === job.sessionId);
        const createdAt = session ? Date.parse(session.createdAt) : Number.NaN;
        const create = creates
          .slice()
          .sort((a, b) => Math.abs(a.atMs - createdAt) - Math.abs(b.atMs - createdAt))[0];
        const others = emulator.requests.filter(
          (r) =>
            r.sessionId === job.sessionId && r.atMs <= job.avatarStartedAt! && r.route !== 'create',
        );
        let runwayMs = [create, ...others].reduce((sum, r) => sum + (r?.durationMs ?? 0), 0);
        if (kind === 'hosted' && session) {
          const ready = session.timeline.find((t) => t.status === 'READY')?.atMs;
          if (ready !== undefined) runwayMs += ready - createdAt;
        }
        const startMs = job.avatarStartedAt - job.connectedAt;
        sample.totalMs = user.firstFrameAtMs - user.createdAtMs;
        sample.runwayMs = Math.min(runwayMs, startMs);
        sample.pluginMs = startMs - sample.runwayMs;
        sample.livekitMs = sample.totalMs - startMs;
        sample.launchMs = job.entryAt - user.createdAtMs;
      }
      samples.push(sample);
    }
  } finally {
    await agent.stop(10_000);
    await emulator.close();
    await Promise.all([agentServer.stop(), runwayServer.stop()]);
    await rm(stateDir, { recursive: true, force: true });
  }
  return samples;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function rowsFor(samples: JobSample[], kind: Kind, n: number, base: JobSample[]): MetricRow[] {
  const s = samples.filter((x) => x.kind === kind && x.n === n);
  const scenario = `${KINDS[kind].label}, ${n} at once`;
  const pick = (f: (x: JobSample) => number | undefined) =>
    s.map(f).filter((v): v is number => v !== undefined && Number.isFinite(v));
  const rows: MetricRow[] = [];
  const add = (metric: string, unit: string, values: number[]) => {
    if (values.length) rows.push({ scenario, metric, unit, summary: summarize(values) });
  };
  if (kind === 'none')
    add(
      'dispatch → agent session started',
      'ms',
      pick((x) => x.totalMs),
    );
  else {
    add(
      'dispatch → first avatar frame',
      'ms',
      pick((x) => x.totalMs),
    );
    add(
      '  of which plugin (inside avatar.start)',
      'ms',
      pick((x) => x.pluginMs),
    );
    add(
      '  of which emulated Runway (API, provisioning)',
      'ms',
      pick((x) => x.runwayMs),
    );
    add(
      '  of which LiveKit (job launch, connect, media)',
      'ms',
      pick((x) => x.livekitMs),
    );
    add(
      '    of which job process launch (agents-js)',
      'ms',
      pick((x) => x.launchMs),
    );
  }
  const baseCpu = summarize(base.map((x) => x.cpuPercent ?? Number.NaN).filter(Number.isFinite));
  const baseRss = summarize(base.map((x) => x.rssMb ?? Number.NaN).filter(Number.isFinite));
  add(
    'job process CPU',
    '% core',
    pick((x) => x.cpuPercent),
  );
  add(
    'job process RSS',
    'MB',
    pick((x) => x.rssMb),
  );
  if (kind !== 'none' && baseCpu.n > 0) {
    add(
      'CPU above a no-avatar job',
      '% core',
      pick((x) => (x.cpuPercent ?? Number.NaN) - baseCpu.median),
    );
    add(
      'RSS above a no-avatar job',
      'MB',
      pick((x) => (x.rssMb ?? Number.NaN) - baseRss.median),
    );
  }
  add('jobs that failed', 'jobs', [s.filter((x) => x.user.error).length]);
  return rows;
}

/** Bench 7: see the file comment. */
export const jobs: Bench = {
  name: 'jobs',
  title: 'N jobs at once as job processes of one worker: dispatch → first frame, CPU/RSS per job',
  rooms: true,
  async run(opts: BenchOptions): Promise<BenchResult> {
    const counts = opts.quick ? [1] : [1, 4, 8];
    // Hosted: each session bridges ~0.5 core of media, so 8 at once do not fit 2 cores.
    const plan: [Kind, number[]][] = [
      ['none', counts],
      ['byo', counts],
      ['hosted', counts.filter((n) => n <= 4)],
    ];
    // BENCH_JOBS_PLAN=hosted:1,4;byo:8 runs only those rounds (re-measuring part of the plan).
    const only = process.env['BENCH_JOBS_PLAN'];
    if (only) {
      plan.length = 0;
      for (const part of only.split(';')) {
        const [kind, ns] = part.split(':') as [Kind, string];
        if (!(kind in KINDS)) throw new Error(`BENCH_JOBS_PLAN: unknown kind ${kind}`);
        plan.push([kind, ns.split(',').map(Number)]);
      }
    }
    const samples: JobSample[] = [];
    for (const [kind, ns] of plan) {
      for (const n of ns) samples.push(...(await round(kind, n, opts.progress)));
    }
    const rows: MetricRow[] = [];
    for (const [kind, ns] of plan) {
      for (const n of ns) {
        const base = samples.filter((x) => x.kind === 'none' && x.n === n);
        rows.push(...rowsFor(samples, kind, n, base));
      }
    }
    return {
      parameters: {
        counts,
        hostedCounts: counts.filter((n) => n <= 4),
        cpuWindowMs: CPU_WINDOW_MS,
        worker: 'cli.runApp dev mode (one process per job, no idle processes); AGENT_MAX_JOBS=n+1',
      },
      rows,
      targets: [],
      notes: [
        'Dispatch = the room is created (automatic dispatch). LiveKit = agents-js starting the job process (dev mode: spawn + load + prewarm on the call path) and connecting it, plus the path from avatar.start() returning to the first frame at the user (worker join / bridge, SFU).',
        'Plugin = time inside avatar.start() not spent waiting for the emulated Runway (its responses, and for hosted the provisioning NOT_READY → READY). The poller noticing READY late counts as plugin.',
        'CPU over a 5 s steady window from 1 s after the first frame; RSS at its end. Baseline: the same job with no avatar (its agent speaks on a room track).',
      ],
      raw: samples,
    };
  },
};
