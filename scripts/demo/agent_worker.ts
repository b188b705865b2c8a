// Runs examples/agent.ts as a real LiveKit agent worker process, its output captured to a log file.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { findOnPath } from '../lib/livekit_server_binary.js';

/** Settings of {@link startAgentWorker}. */
export interface AgentWorkerOptions {
  repoRoot: string;
  logFile: string;
  livekit: { url: string; apiKey: string; apiSecret: string };
  runway: { baseUrl: string; apiKey: string };
  strategy: string;
  voice: 'formant' | 'tone';
  /** The hosted character's first line (`RUNWAY_START_SCRIPT`). */
  startScript: string;
  /** Called for log lines the demo reports as steps (worker registered, job received, ...). */
  onMilestone: (what: AgentMilestone, atMs: number) => void;
  /** More environment for the worker (e.g. `RUNWAY_AGENTS_STATE_DIR`); set after the settings above. */
  extraEnv?: Record<string, string>;
  /** The agent file to run instead of examples/agent.ts (benchmarks). */
  agentFile?: string;
  /** Called with every line of the worker's output (secrets redacted). */
  onLine?: (line: string) => void;
}

/** Moments in the worker's log the demo shows as progress. */
export type AgentMilestone = 'registered' | 'job' | 'entry_failed';

const MILESTONES: ReadonlyArray<[AgentMilestone, RegExp]> = [
  ['registered', /registered worker/],
  ['job', /received job request/],
  ['entry_failed', /error in entry function/],
];

/** Environment variables that configure the example agent; inherited ones are dropped. */
const AGENT_ENV_PREFIXES = ['RUNWAY', 'AGENT_', 'LIVEKIT_', 'LOG_LEVEL'];

/** A running agent worker. */
export interface AgentWorker {
  readonly pid: number;
  /** Resolves once the worker has registered with the server; rejects if it exits first. */
  readonly registered: Promise<void>;
  /** Exit code (or 128 + signal) once exited. */
  readonly exited: Promise<number>;
  /** Rejects when the job's entry function failed or the worker exited; never resolves. */
  readonly failure: Promise<never>;
  /** The last lines of its output (secrets redacted). */
  tail(lines?: number): string[];
  /**
   * SIGTERM (the worker shuts its jobs down: the avatar session ends the Runway session), then
   * SIGKILL to its whole process group after `graceMs`. Resolves with how it ended.
   */
  stop(graceMs?: number): Promise<{ code: number; forced: boolean; ms: number }>;
}

/** Terminal colour codes (the agents logger colours its output even into a pipe). */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Replaces secrets and JWTs in a line of the worker's output, and drops colour codes. */
function redactor(secrets: string[]): (line: string) => string {
  const known = secrets.filter((s) => s.length >= 8);
  return (line) => {
    let out = line.replace(ANSI_COLOUR, '').replace(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, '<jwt>');
    for (const s of known) out = out.split(s).join('<secret>');
    return out;
  };
}

/**
 * Starts `node --import tsx examples/agent.ts dev --log-level info` in its own process group (so
 * the demo decides when it stops, even on Ctrl-C), with the offline stand-ins and the given
 * LiveKit and Runway settings. Its output goes to `logFile` only.
 */
export async function startAgentWorker(opts: AgentWorkerOptions): Promise<AgentWorker> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!AGENT_ENV_PREFIXES.some((p) => k.startsWith(p))) env[k] = v;
  }
  Object.assign(env, {
    LIVEKIT_URL: opts.livekit.url,
    LIVEKIT_API_KEY: opts.livekit.apiKey,
    LIVEKIT_API_SECRET: opts.livekit.apiSecret,
    RUNWAYML_BASE_URL: opts.runway.baseUrl,
    RUNWAYML_API_SECRET: opts.runway.apiKey,
    RUNWAY_STRATEGY: opts.strategy,
    RUNWAY_START_SCRIPT: opts.startScript,
    AGENT_OFFLINE: '1',
    AGENT_OFFLINE_VOICE: opts.voice,
    NO_COLOR: '1',
    // A run's emulator listens on a new port: learning stays in its job processes unless asked for.
    RUNWAY_AGENTS_STATE_DIR: 'off',
    ...opts.extraEnv,
  });
  const nodeArgs = [
    '--import',
    'tsx',
    opts.agentFile ?? join(opts.repoRoot, 'examples', 'agent.ts'),
    'dev',
    '--log-level',
    process.env['DEMO_AGENT_LOG_LEVEL'] || 'info',
  ];
  // The kernel kills the worker if the demo itself dies without cleaning up.
  const setpriv = await findOnPath('setpriv');
  const [cmd, args] = setpriv
    ? [setpriv, ['--pdeathsig', 'SIGKILL', '--', process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  const log: WriteStream = createWriteStream(opts.logFile, { flags: 'w', mode: 0o600 });
  const child: ChildProcess = spawn(cmd, args, {
    cwd: opts.repoRoot,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const redact = redactor([opts.livekit.apiSecret, opts.runway.apiKey]);
  const tail: string[] = [];
  const seen = new Set<AgentMilestone>();
  let onRegistered: () => void = () => {};
  let onEntryFailed: () => void = () => {};
  let partial = '';
  const onData = (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const raw of lines) {
      const line = redact(raw);
      log.write(`${line}\n`);
      opts.onLine?.(line);
      tail.push(line);
      if (tail.length > 200) tail.shift();
      for (const [what, re] of MILESTONES) {
        if (seen.has(what) || !re.test(line)) continue;
        seen.add(what);
        opts.onMilestone(what, Date.now());
        if (what === 'registered') onRegistered();
        if (what === 'entry_failed') onEntryFailed();
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);

  const exited = new Promise<number>((resolve) => {
    child.once('error', (err) => {
      tail.push(`spawn error: ${err.message}`);
      resolve(127);
    });
    child.once('exit', (code, signal) => {
      if (partial) onData(Buffer.from('\n'));
      log.end();
      resolve(code ?? (signal ? 128 + (signal === 'SIGKILL' ? 9 : 15) : 1));
    });
  });
  const registered = new Promise<void>((resolve, reject) => {
    onRegistered = resolve;
    void exited.then((code) =>
      reject(new Error(`the agent worker exited (code ${code}) before registering`)),
    );
  });
  registered.catch(() => {});
  const failure = new Promise<never>((_, reject) => {
    onEntryFailed = () =>
      reject(new Error(`the agent's job failed (error in entry function; see ${opts.logFile})`));
    void exited.then((code) => reject(new Error(`the agent worker exited early (code ${code})`)));
  });
  failure.catch(() => {});

  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  let stopping: Promise<{ code: number; forced: boolean; ms: number }> | undefined;
  return {
    pid: child.pid ?? -1,
    registered,
    exited,
    failure,
    tail: (n = 40) => tail.slice(-n),
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        const started = Date.now();
        let forced = false;
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const timer = setTimeout(() => {
          forced = true;
          killGroup('SIGKILL');
        }, graceMs);
        const code = await exited;
        clearTimeout(timer);
        // Job processes the worker may have left behind share its process group.
        killGroup('SIGKILL');
        return { code, forced, ms: Date.now() - started };
      })();
      return stopping;
    },
  };
}
