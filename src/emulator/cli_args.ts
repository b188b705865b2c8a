// Parsing of the runway-emulator command line (node:util parseArgs) and its --help text.
import { parseArgs } from 'node:util';
import { checkMode, checkRefusalWording, EMULATOR_DEFAULTS } from './config.js';
import { FAULT_GRAMMAR, parseFaultFlag } from './faults.js';
import type { EmulatorOptions } from './types.js';

/** The `runway-emulator --help` text. @public */
export const CLI_HELP = `runway-emulator: a local emulator of Runway's realtime-sessions API (gwm1_avatars)

Usage: runway-emulator [options]
       runway-emulator call-tool SESSION_ID TOOL [ARGS_JSON] [--url URL] [--api-key KEY] [--unchecked]
       runway-emulator client-event SESSION_ID TOOL [ARGS_JSON] [--url URL] [--api-key KEY] [--unchecked]

  call-tool / client-event ask a running emulator (--url, default $RUNWAYML_BASE_URL; --api-key,
  default $RUNWAYML_API_SECRET) to make the session's hosted character call a declared backend_rpc
  tool (prints the outcome JSON: result, error or timeout) or emit a declared client_event tool.
  ARGS_JSON defaults to {}; --unchecked skips the check of the args against the declared parameters.
  Exit status 0 when done, 1 when refused (the emulator's error on stderr).

  --port N                   TCP port (default 0: an ephemeral port)
  --host ADDR                bind address (default 127.0.0.1)
  --mode MODE                hosted-only | legacy-livekit | integration (default integration)
  --api-key KEY              API key to accept (default: a generated key_… printed at start)
  --provisioning-ms N        NOT_READY → READY delay (default ${EMULATOR_DEFAULTS.provisioningMs})
  --queued-ms N              how long queued: true shows (default ${EMULATOR_DEFAULTS.queuedMs})
  --ready-lifetime-ms N      READY credentials lifetime (default ${EMULATOR_DEFAULTS.readyLifetimeMs})
  --join-window-ms N         time for the first participant (default ${EMULATOR_DEFAULTS.joinWindowMs})
  --hard-cap-ms N            effective RUNNING cap (default ${EMULATOR_DEFAULTS.hardCapMs})
  --second-consume-status N  status of a second consume (default ${EMULATOR_DEFAULTS.secondConsumeStatus})
  --delete-terminal-status N 204 or 404 for DELETE on an ended session (default ${EMULATOR_DEFAULTS.deleteTerminalStatus})
  --consume-requires-content-type   400 on consume without Content-Type: application/json
  --refusal-wording W        words the refusal of an unknown top-level key as runway (default:
                             Unrecognized key: k), zod4-quoted, zod4-list, zod3 or issues
  --strict-urls              refuse ws://, http://, localhost and private LiveKit URLs, as Runway does
  --livekit-url URL          LiveKit server for hosted sessions (consume returns real tokens)
  --livekit-api-key KEY      its API key
  --livekit-api-secret SECRET  its API secret
  --no-worker                don't run the emulated avatar worker in LiveKit rooms (sessions then
                             move only when a test marks them)
  --quiet                    do not log requests
  -h, --help                 this help
  ${FAULT_GRAMMAR.split('\n').join('\n  ')}

Exit status: 0 after SIGINT/SIGTERM, 2 on a bad flag.`;

/** A `call-tool` / `client-event` request to a running emulator's control routes. */
export interface CliToolCommand {
  kind: 'tool';
  action: 'call' | 'emit';
  /** The emulator's base URL. */
  url: string;
  /** The emulator's API key (never printed). */
  apiKey: string;
  sessionId: string;
  tool: string;
  args: Record<string, unknown>;
  unchecked: boolean;
}

/** Result of {@link parseCli}. */
export type CliCommand =
  | { kind: 'help' }
  | { kind: 'run'; options: EmulatorOptions; quiet: boolean }
  | CliToolCommand;

const TOOL_ACTIONS: Record<string, CliToolCommand['action']> = {
  'call-tool': 'call',
  'client-event': 'emit',
};

/** Parses `call-tool` / `client-event` (argv after the subcommand); `env` gives URL and key defaults. */
function parseToolCommand(
  action: CliToolCommand['action'],
  argv: string[],
  env: Record<string, string | undefined>,
): CliToolCommand {
  const name = action === 'call' ? 'call-tool' : 'client-event';
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      'api-key': { type: 'string' },
      unchecked: { type: 'boolean' },
    },
  });
  const [sessionId, tool, argsJson = '{}', ...extra] = positionals;
  if (!sessionId || !tool || extra.length > 0) {
    throw new Error(
      `${name} expects SESSION_ID TOOL [ARGS_JSON], got ${positionals.length} arguments`,
    );
  }
  let args: unknown;
  try {
    args = JSON.parse(argsJson);
  } catch {
    throw new Error(`${name}: ARGS_JSON must be JSON, got '${argsJson.slice(0, 60)}'`);
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw new Error(`${name}: ARGS_JSON must be a JSON object`);
  }
  const url = values.url ?? env.RUNWAYML_BASE_URL;
  if (!url) throw new Error(`${name} needs --url or RUNWAYML_BASE_URL (the emulator's URL)`);
  const apiKey = values['api-key'] ?? env.RUNWAYML_API_SECRET;
  if (!apiKey)
    throw new Error(`${name} needs --api-key or RUNWAYML_API_SECRET (the emulator's key)`);
  return {
    kind: 'tool',
    action,
    url: url.replace(/\/+$/, ''),
    apiKey,
    sessionId,
    tool,
    args: args as Record<string, unknown>,
    unchecked: values.unchecked ?? false,
  };
}

const int = (flag: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value))
    throw new Error(`--${flag} expects a non-negative integer, got '${value}'`);
  return Number(value);
};

/**
 * Parses argv (without node and script); throws an Error with a one-line message on a bad flag.
 * `env` supplies the defaults of the tool subcommands (`RUNWAYML_BASE_URL`, `RUNWAYML_API_SECRET`).
 */
export function parseCli(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
): CliCommand {
  const action = argv[0] === undefined ? undefined : TOOL_ACTIONS[argv[0]];
  if (action) return parseToolCommand(action, argv.slice(1), env);
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      help: { type: 'boolean', short: 'h' },
      port: { type: 'string' },
      host: { type: 'string' },
      mode: { type: 'string' },
      'api-key': { type: 'string' },
      'provisioning-ms': { type: 'string' },
      'queued-ms': { type: 'string' },
      'ready-lifetime-ms': { type: 'string' },
      'join-window-ms': { type: 'string' },
      'hard-cap-ms': { type: 'string' },
      'second-consume-status': { type: 'string' },
      'delete-terminal-status': { type: 'string' },
      'consume-requires-content-type': { type: 'boolean' },
      'strict-urls': { type: 'boolean' },
      'refusal-wording': { type: 'string' },
      'livekit-url': { type: 'string' },
      'livekit-api-key': { type: 'string' },
      'livekit-api-secret': { type: 'string' },
      fault: { type: 'string', multiple: true },
      quiet: { type: 'boolean' },
      'no-worker': { type: 'boolean' },
    },
  });
  if (values.help) return { kind: 'help' };
  const lk = [values['livekit-url'], values['livekit-api-key'], values['livekit-api-secret']];
  const lkCount = lk.filter((v) => v !== undefined).length;
  if (lkCount !== 0 && lkCount !== 3) {
    throw new Error('--livekit-url, --livekit-api-key and --livekit-api-secret go together');
  }
  const del = int('delete-terminal-status', values['delete-terminal-status']);
  if (del !== undefined && del !== 204 && del !== 404) {
    throw new Error(`--delete-terminal-status expects 204 or 404, got ${del}`);
  }
  const options: EmulatorOptions = {
    port: int('port', values.port),
    host: values.host,
    mode: values.mode === undefined ? undefined : checkMode(values.mode),
    apiKey: values['api-key'],
    provisioningMs: int('provisioning-ms', values['provisioning-ms']),
    queuedMs: int('queued-ms', values['queued-ms']),
    readyLifetimeMs: int('ready-lifetime-ms', values['ready-lifetime-ms']),
    joinWindowMs: int('join-window-ms', values['join-window-ms']),
    hardCapMs: int('hard-cap-ms', values['hard-cap-ms']),
    secondConsumeStatus: int('second-consume-status', values['second-consume-status']),
    deleteTerminalStatus: del as 204 | 404 | undefined,
    consumeRequiresContentType: values['consume-requires-content-type'],
    allowInsecureLiveKitUrls: values['strict-urls'] ? false : undefined,
    refusalWording:
      values['refusal-wording'] === undefined
        ? undefined
        : checkRefusalWording(values['refusal-wording']),
    faults: (values.fault ?? []).map(parseFaultFlag),
    worker: !values['no-worker'],
    ...(lkCount === 3
      ? {
          livekit: {
            url: values['livekit-url'] as string,
            apiKey: values['livekit-api-key'] as string,
            apiSecret: values['livekit-api-secret'] as string,
          },
        }
      : {}),
  };
  for (const key of Object.keys(options) as (keyof EmulatorOptions)[]) {
    if (options[key] === undefined) delete options[key];
  }
  return { kind: 'run', options, quiet: values.quiet ?? false };
}
