// Example LiveKit voice agent with a Runway Characters avatar. Run: `npx tsx examples/agent.ts dev`.
//
// Settings (environment):
//   RUNWAYML_API_SECRET                 Runway API key (required)
//   RUNWAYML_BASE_URL                   Runway API base URL (optional)
//   RUNWAY_AVATAR_ID | RUNWAY_PRESET_ID a custom avatar (UUID) or a preset; default preset cat-character
//                                       (RUNWAY_AVATAR_PRESET_ID, as in the upstream example, also works)
//   RUNWAY_PERSONALITY, RUNWAY_START_SCRIPT, RUNWAY_STRATEGY (auto | integration | livekit | hosted)
//   LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET (required; or --url/--api-key/--api-secret)
//   AGENT_STT, AGENT_LLM, AGENT_TTS     LiveKit Inference model strings (defaults below)
//   AGENT_OFFLINE=1                     offline stand-ins instead of STT/LLM/TTS (scripted demo)
//   AGENT_OFFLINE_VOICE                 formant (default, speech-like) | tone (test tones)
//   AGENT_MAX_JOBS                      report the worker's load as running jobs / N instead of the
//                                       machine's CPU, so LiveKit sends it at most N jobs (README: Capacity)
//   RUNWAY_AGENTS_STATE_DIR             where job processes share what the plugin learnt (off: memory only)

import { fileURLToPath } from 'node:url';
import {
  cli,
  defineAgent,
  initializeLogger,
  type JobContext,
  type JobProcess,
  log,
  ServerOptions,
  voice,
} from '@livekit/agents';
// In your own project: import { AvatarSession, ... } from 'livekit-agents-runway';
import {
  AvatarSession,
  type AvatarSessionOptions,
  prewarmStrategy,
  RunwayOptionError,
} from '../src/index.js';
import {
  EnergySTT,
  GREETING_INSTRUCTIONS,
  OFFLINE_DIALOGUE,
  OFFLINE_TURNS,
  ScriptedLLM,
  ToneTTS,
} from './offline/index.js';
import { TIME_TOOL, timeInCity } from './tools.js';
import { relayAvatarToRoom } from './web/agent_relay.js';

/** LiveKit Inference models used unless AGENT_STT / AGENT_LLM / AGENT_TTS say otherwise. */
const DEFAULT_MODELS = {
  stt: 'deepgram/nova-3',
  llm: 'openai/gpt-4.1-mini',
  tts: 'cartesia/sonic-3',
} as const;
const DEFAULT_PRESET = 'cat-character';
const INSTRUCTIONS =
  'You are a friendly assistant shown as an animated character. Keep answers short and spoken-style.';

/** A setting is missing or wrong; the message names it and says how to fix it. */
class ConfigError extends Error {}

interface AgentConfig {
  avatar: AvatarSessionOptions;
  /** AGENT_MAX_JOBS, if set. */
  maxJobs: number | undefined;
  offline: false | 'formant' | 'tone';
  models: { stt: string; llm: string; tts: string };
}

/** Which environment variable feeds each AvatarSession option (for error messages). */
const ENV_OF_OPTION: Record<string, string> = {
  apiKey: 'RUNWAYML_API_SECRET',
  apiUrl: 'RUNWAYML_BASE_URL',
  avatarId: 'RUNWAY_AVATAR_ID',
  presetId: 'RUNWAY_PRESET_ID',
  'avatarId/presetId': 'RUNWAY_AVATAR_ID / RUNWAY_PRESET_ID',
  personality: 'RUNWAY_PERSONALITY',
  startScript: 'RUNWAY_START_SCRIPT',
  strategy: 'RUNWAY_STRATEGY',
};

/** Reads and checks the settings. Throws {@link ConfigError}; never echoes a secret. */
function readConfig(env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const get = (name: string) => env[name]?.trim() || undefined;
  if (!get('RUNWAYML_API_SECRET')) {
    throw new ConfigError(
      'RUNWAYML_API_SECRET is not set: create an API key at https://dev.runwayml.com and export RUNWAYML_API_SECRET=<key>',
    );
  }
  for (const [name, flag, what] of [
    ['LIVEKIT_URL', '--url', "your LiveKit server's wss:// URL"],
    ['LIVEKIT_API_KEY', '--api-key', 'your LiveKit API key'],
    ['LIVEKIT_API_SECRET', '--api-secret', 'your LiveKit API secret'],
  ] as const) {
    if (!get(name)) {
      throw new ConfigError(
        `${name} is not set: export ${name}=<${what}> (or pass ${flag}); the avatar needs it to join your room`,
      );
    }
  }
  const avatarId = get('RUNWAY_AVATAR_ID');
  const presetId = get('RUNWAY_PRESET_ID') ?? get('RUNWAY_AVATAR_PRESET_ID');
  if (avatarId && presetId) {
    throw new ConfigError(
      'RUNWAY_AVATAR_ID and RUNWAY_PRESET_ID are both set: keep only one (a custom avatar or a preset)',
    );
  }
  const offlineFlag = (get('AGENT_OFFLINE') ?? '0').toLowerCase();
  if (!['0', '1', 'true', 'false', 'yes', 'no'].includes(offlineFlag)) {
    throw new ConfigError(`AGENT_OFFLINE must be 1 or 0 (received ${JSON.stringify(offlineFlag)})`);
  }
  const voiceName = get('AGENT_OFFLINE_VOICE') ?? 'formant';
  if (voiceName !== 'formant' && voiceName !== 'tone') {
    throw new ConfigError(
      `AGENT_OFFLINE_VOICE must be formant or tone (received ${JSON.stringify(voiceName)})`,
    );
  }
  const model = (name: string, fallback: string) => {
    const value = get(name) ?? fallback;
    if (!/^[\w.-]+\/[\w.:-]+$/.test(value)) {
      throw new ConfigError(
        `${name} must be a LiveKit Inference model string such as "${fallback}" (received ${JSON.stringify(value)})`,
      );
    }
    return value;
  };
  const maxJobsText = get('AGENT_MAX_JOBS');
  const maxJobs = maxJobsText === undefined ? undefined : Number(maxJobsText);
  if (maxJobs !== undefined && !(Number.isInteger(maxJobs) && maxJobs >= 1 && maxJobs <= 1000)) {
    throw new ConfigError(
      `AGENT_MAX_JOBS must be a whole number of jobs from 1 to 1000 (received ${JSON.stringify(maxJobsText)})`,
    );
  }
  return {
    maxJobs,
    avatar: {
      ...(avatarId ? { avatarId } : { presetId: presetId ?? DEFAULT_PRESET }),
      personality: get('RUNWAY_PERSONALITY'),
      startScript: get('RUNWAY_START_SCRIPT'),
      strategy: get('RUNWAY_STRATEGY') as AvatarSessionOptions['strategy'],
    },
    offline: ['1', 'true', 'yes'].includes(offlineFlag) ? voiceName : false,
    models: {
      stt: model('AGENT_STT', DEFAULT_MODELS.stt),
      llm: model('AGENT_LLM', DEFAULT_MODELS.llm),
      tts: model('AGENT_TTS', DEFAULT_MODELS.tts),
    },
  };
}

/** The agent session: LiveKit Inference models, or the offline stand-ins with AGENT_OFFLINE=1. */
function createSession(config: AgentConfig): voice.AgentSession {
  // The avatar's audio output cannot pause, so false-interruption resume is turned off explicitly.
  const interruption = { resumeFalseInterruption: false };
  if (config.offline) {
    return new voice.AgentSession({
      // EnergySTT turns each burst of the user's audio into the next scripted line.
      stt: new EnergySTT({ transcripts: OFFLINE_DIALOGUE.map((d) => d.user) }),
      llm: new ScriptedLLM(OFFLINE_TURNS),
      tts: new ToneTTS({ voice: config.offline }),
      vad: null,
      turnHandling: { turnDetection: 'stt', interruption },
    });
  }
  return new voice.AgentSession({
    stt: config.models.stt,
    llm: config.models.llm,
    tts: config.models.tts,
    turnHandling: { interruption },
  });
}

export default defineAgent({
  // agents-js runs prewarm in every job process before it hands the process a job: ahead of time in
  // production (`start`: idle processes wait for jobs, prewarmed one after another), at dispatch in dev
  // mode (no idle processes). Detection is learnt once per machine and shared by every job process
  // through the plugin's state directory; prewarm reads it, and re-detects there (not in a call) only
  // once the verdict has expired on an API that refused the richest shape. Short timeouts: a prewarm
  // has 10 s (`initializeProcessTimeout`), and a failed probe only leaves detection to the first session.
  prewarm: async (_proc: JobProcess) => {
    // RUNWAYML_API_SECRET / RUNWAYML_BASE_URL as for the AvatarSession.
    const verdict = await prewarmStrategy({
      strategy: readConfig().avatar.strategy,
      connOptions: { timeoutMs: 3000, maxRetry: 1 },
    });
    log().debug(
      { strategy: verdict ?? 'detected by the first session' },
      'Runway avatar prewarmed',
    );
  },
  entry: async (ctx: JobContext) => {
    const config = readConfig();
    const session = createSession(config);
    await ctx.connect();
    const agent = new voice.Agent({
      instructions: INSTRUCTIONS,
      tools: { [TIME_TOOL]: timeInCity },
    });
    // Start the avatar before the session, so the session adopts the avatar's audio output. With the
    // hosted strategy Runway's character speaks: `agentTools` offers it the agent's own tools.
    const avatar = new AvatarSession({ ...config.avatar, agentTools: agent });
    await avatar.start(session, ctx.room);
    await session.start({ agent, room: ctx.room });
    // For frontends such as examples/web: the avatar's strategy and state as the agent's attributes,
    // and the hosted character's transcripts and client events as data in the room.
    relayAvatarToRoom(avatar, ctx.room, session);
    session.generateReply({ instructions: GREETING_INSTRUCTIONS });
  },
});

/** The value of `--name value` or `--name=value` in argv. */
function flagValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === name) return argv[i + 1];
    if (argv[i]?.startsWith(`${name}=`)) return argv[i]!.slice(name.length + 1);
  }
  return undefined;
}

/**
 * In the main process, before a worker command (start, dev, connect) runs: checks every setting and
 * exits with one line naming the bad one. Job processes (argv[2] is this file) and --help skip it.
 */
function checkSettingsOrExit(argv: readonly string[]): void {
  const command = argv[2];
  if (!['start', 'dev', 'connect'].includes(command ?? '')) return;
  if (argv.includes('--help') || argv.includes('-h')) return;
  // The CLI flags become environment variables, so the avatar (and forked jobs) see them too.
  for (const [flag, name] of [
    ['--url', 'LIVEKIT_URL'],
    ['--api-key', 'LIVEKIT_API_KEY'],
    ['--api-secret', 'LIVEKIT_API_SECRET'],
  ] as const) {
    const value = flagValue(argv, flag);
    if (value) process.env[name] = value;
  }
  try {
    const config = readConfig();
    // AvatarSession validates every option without any network call; it logs through the agents
    // logger, which runApp re-initialises for the worker.
    initializeLogger({ pretty: false, level: 'warn' });
    new AvatarSession(config.avatar);
  } catch (error) {
    let message: string;
    if (error instanceof ConfigError) message = error.message;
    else if (RunwayOptionError.is(error)) {
      const env = ENV_OF_OPTION[error.option];
      message = env ? `${error.message} (set by ${env})` : error.message;
    } else throw error;
    for (const name of ['RUNWAYML_API_SECRET', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET']) {
      const secret = process.env[name];
      if (secret && secret.length >= 4) message = message.split(secret).join('***');
    }
    process.stderr.write(`error: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    process.exit(1);
  }
}

/**
 * The worker's options. By default agents-js reports the machine's CPU use as the worker's load, and
 * livekit-server sends no job to a worker whose load has reached 1, whatever `loadThreshold` says. With
 * AGENT_MAX_JOBS the load is this worker's own running jobs / N: a capacity measured per strategy
 * (README: Capacity) rather than a CPU reading that other processes on the machine also move.
 */
function serverOptions(): ServerOptions {
  const agent = fileURLToPath(import.meta.url);
  const maxJobs = Number(process.env.AGENT_MAX_JOBS) || undefined;
  if (!maxJobs) return new ServerOptions({ agent });
  return new ServerOptions({
    agent,
    loadFunc: async (worker) => Math.min(1, worker.activeJobs.length / maxJobs),
    loadThreshold: 1,
  });
}

checkSettingsOrExit(process.argv);
cli.runApp(serverOptions());
