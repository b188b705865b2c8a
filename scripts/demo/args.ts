// `npm run demo` command line: flags, their defaults, and the help text.
import type { EmulatorMode } from '../../src/emulator/index.js';

/** The plugin strategies the demo can ask the agent for (`RUNWAY_STRATEGY`). */
export type DemoStrategy = 'auto' | 'integration' | 'livekit' | 'hosted';

const STRATEGIES: readonly DemoStrategy[] = ['auto', 'integration', 'livekit', 'hosted'];
const MODES: readonly EmulatorMode[] = ['hosted-only', 'legacy-livekit', 'integration'];

/** Parsed demo options. */
export interface DemoArgs {
  help: boolean;
  strategy: DemoStrategy;
  /** The emulator's accepted API shapes: given by `--mode`, else chosen from the strategy. */
  mode: EmulatorMode;
  /** Conversation length, counted from the avatar's first video frame. */
  conversationMs: number;
  /** Where the contact sheet, summary and logs go. */
  outDir: string;
  /** Offline agent voice (`AGENT_OFFLINE_VOICE`). */
  voice: 'formant' | 'tone';
  /** Whether to re-run inside a private network namespace (`--no-netns` / `DEMO_NETNS=0`: no). */
  netns: boolean;
  /**
   * `--web`: serve the viewer page (examples/web) on 127.0.0.1 for a person to watch live. Implies the
   * host network (a browser outside a private namespace cannot reach into it).
   */
  web: { port: number; waitMs: number } | null;
}

/** The emulator mode that shows each strategy's path (the newest API that strategy is made for). */
export const MODE_FOR_STRATEGY: Record<DemoStrategy, EmulatorMode> = {
  auto: 'integration',
  integration: 'integration',
  livekit: 'legacy-livekit',
  hosted: 'hosted-only',
};

/** Text of `npm run demo -- --help`. */
export const DEMO_HELP = `Usage: npm run demo -- [options]

One-command offline demo: a local livekit-server, the Runway emulator, the example agent as a real
worker (scripted replies, locally synthesized voice) and a simulated user who talks to the avatar.
No API keys, no internet. Results go to demo-output/: contact-sheet.png (avatar frames over time),
summary.json, heard.wav (what the user heard) and agent.log (the agent worker's output).

Options:
  --strategy <name>   auto | integration | livekit | hosted (default auto): the plugin strategy
                      the agent asks for (RUNWAY_STRATEGY)
  --mode <mode>       emulator API shape: hosted-only | legacy-livekit | integration
                      (default: integration for auto/integration, legacy-livekit for livekit,
                      hosted-only for hosted; e.g. --strategy auto --mode hosted-only shows the
                      automatic fallback to the hosted flow)
  --seconds <n>       conversation length after the avatar's first frame (default 15, 4..120)
  --voice <name>      the offline agent's voice: formant (speech-like, default) | tone
  --out <dir>         output folder (default demo-output)
  --no-netns          run on the host network instead of a private network namespace
                      (also DEMO_NETNS=0; traffic stays on 127.0.0.1 either way)
  --web               watch live in a browser: serves the viewer page on http://127.0.0.1 and
                      prints its URL; the conversation starts once the page is open, and the
                      contact sheet shows the page's frames. Implies --no-netns (every server
                      still listens on 127.0.0.1 only)
  --web-port <n>      port of the viewer page (default: a free one)
  --web-wait <s>      how long to wait for the page to be opened (default 300; 0: do not wait)
  -h, --help          this text

Exit code 0 only when the user both saw (>= 25 decoded avatar frames) and heard (>= 1 s of
avatar audio) the avatar; 1 otherwise, 2 for a bad option, 130 when interrupted.`;

/** Parses the demo's argv (without node and script). Throws an Error with a readable message. */
export function parseDemoArgs(argv: readonly string[], env: NodeJS.ProcessEnv): DemoArgs {
  let strategy: DemoStrategy = 'auto';
  let mode: EmulatorMode | undefined;
  let seconds = 15;
  let outDir = 'demo-output';
  let voice: DemoArgs['voice'] = 'formant';
  let netns = env['DEMO_NETNS'] !== '0';
  let help = false;
  let web = false;
  let webPort = 0;
  let webWaitS = 300;
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    const eq = raw.indexOf('=');
    const flag = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    const value = (): string => {
      if (raw.startsWith('--') && eq > 0) return raw.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '-h':
      case '--help':
        help = true;
        break;
      case '--strategy': {
        const v = value();
        if (!STRATEGIES.includes(v as DemoStrategy)) {
          throw new Error(`--strategy must be one of ${STRATEGIES.join(', ')} (got ${v})`);
        }
        strategy = v as DemoStrategy;
        break;
      }
      case '--mode': {
        const v = value();
        if (!MODES.includes(v as EmulatorMode)) {
          throw new Error(`--mode must be one of ${MODES.join(', ')} (got ${v})`);
        }
        mode = v as EmulatorMode;
        break;
      }
      case '--seconds': {
        const v = value();
        seconds = Number(v);
        if (!Number.isFinite(seconds) || seconds < 4 || seconds > 120) {
          throw new Error(`--seconds must be a number from 4 to 120 (got ${v})`);
        }
        break;
      }
      case '--voice': {
        const v = value();
        if (v !== 'formant' && v !== 'tone') throw new Error(`--voice must be formant or tone`);
        voice = v;
        break;
      }
      case '--out':
        outDir = value();
        break;
      case '--no-netns':
        netns = false;
        break;
      case '--web':
        web = true;
        break;
      case '--web-port': {
        const v = value();
        webPort = Number(v);
        if (!Number.isInteger(webPort) || webPort < 1 || webPort > 65535) {
          throw new Error(`--web-port must be a port number from 1 to 65535 (got ${v})`);
        }
        web = true;
        break;
      }
      case '--web-wait': {
        const v = value();
        webWaitS = Number(v);
        if (!Number.isFinite(webWaitS) || webWaitS < 0 || webWaitS > 3600) {
          throw new Error(`--web-wait must be a number of seconds from 0 to 3600 (got ${v})`);
        }
        web = true;
        break;
      }
      default:
        throw new Error(`unknown option ${raw}`);
    }
  }
  return {
    help,
    strategy,
    mode: mode ?? MODE_FOR_STRATEGY[strategy],
    conversationMs: Math.round(seconds * 1000),
    outDir,
    voice,
    // A browser on this machine cannot reach into a private network namespace.
    netns: netns && !web,
    web: web ? { port: webPort, waitMs: Math.round(webWaitS * 1000) } : null,
  };
}
