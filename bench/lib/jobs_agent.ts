// The agent the jobs bench runs as a real worker (cli.runApp, dev mode: one process per job). It is the
// example agent's shape (offline stand-ins, avatar started before the session) with the avatar optional,
// and it prints when each step of its job happened, for the bench to split the time.
//   BENCH_AVATAR=0  no avatar (the baseline job);  RUNWAY_STRATEGY  as in the example;
//   AGENT_MAX_JOBS  the worker's load is running jobs / N (livekit-server skips a worker at load 1).
import { fileURLToPath } from 'node:url';
import { cli, defineAgent, type JobContext, ServerOptions, voice } from '@livekit/agents';
import {
  GREETING_INSTRUCTIONS,
  OFFLINE_TURNS,
  ScriptedLLM,
  ToneTTS,
} from '../../examples/offline/index.js';
import { AvatarSession, type StrategyOption } from '../../src/index.js';

/** The line the bench reads; one per job. */
export const JOB_LINE = 'BENCH_JOB ';

export default defineAgent({
  entry: async (ctx: JobContext) => {
    const entryAt = Date.now();
    const session = new voice.AgentSession({
      llm: new ScriptedLLM(OFFLINE_TURNS),
      tts: new ToneTTS({ voice: 'tone' }),
      vad: null,
      turnHandling: { turnDetection: null, interruption: { resumeFalseInterruption: false } },
    });
    await ctx.connect();
    const connectedAt = Date.now();
    let avatarStartedAt: number | undefined;
    let sessionId: string | undefined;
    if (process.env.BENCH_AVATAR !== '0') {
      const avatar = new AvatarSession({
        presetId: 'cat-character',
        strategy: (process.env.RUNWAY_STRATEGY ?? 'auto') as StrategyOption,
        // The hosted character's opening line (it is what the user hears first).
        ...(process.env.RUNWAY_START_SCRIPT
          ? { startScript: process.env.RUNWAY_START_SCRIPT }
          : {}),
      });
      await avatar.start(session, ctx.room);
      avatarStartedAt = Date.now();
      sessionId = avatar.sessionId;
    }
    await session.start({
      agent: new voice.Agent({ instructions: 'bench' }),
      room: ctx.room,
    });
    session.generateReply({ instructions: GREETING_INSTRUCTIONS });
    const line = {
      room: ctx.room.name,
      pid: process.pid,
      entryAt,
      connectedAt,
      avatarStartedAt,
      sessionId,
      sessionStartedAt: Date.now(),
    };
    process.stdout.write(`${JOB_LINE}${JSON.stringify(line)}\n`);
  },
});

if (process.argv[2] === 'dev') {
  const maxJobs = Number(process.env.AGENT_MAX_JOBS) || 16;
  cli.runApp(
    new ServerOptions({
      agent: fileURLToPath(import.meta.url),
      loadFunc: async (worker) => Math.min(1, worker.activeJobs.length / maxJobs),
      loadThreshold: 1,
      // Several job processes loading at once on 2 cores take longer than agents-js's default 10 s.
      initializeProcessTimeout: 60_000,
    }),
  );
}
