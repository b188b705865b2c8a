// AvatarSession options: one zod schema (with the client's own pieces), environment fallbacks named as such,
// one formatter of its issues into RunwayOptionError, frozen resolved options.
import type { APIConnectOptions, voice } from '@livekit/agents';
import { z } from 'zod';
import {
  addIssue,
  apiUrlSchema,
  CONN_OPTION_KEYS,
  connOptionsSchema,
  intIn,
  tokenSchema,
  whitespaceProblem,
  withConnDefaults,
} from './api/client_options.js';
import { isUuidV4 } from './api/ids.js';
import {
  describeValue as describe,
  editDistance,
  formatOptionIssues,
} from './api/option_errors.js';
import { rememberSecret } from './api/redact.js';
import { MAX_TIMER_MS } from './api/time.js';
import { type AvatarSpec, PRESET_IDS, type PresetId } from './api/types.js';
import { resolveStateDir } from './learning/store.js';
import { log } from './log.js';
import { STRATEGY_OPTIONS, type StrategyName } from './strategies/registry.js';
import { isToolName, TOOL_LIMITS, validateTools } from './tools/definitions.js';
import type { RunwayTool } from './tools/types.js';

/** How the avatar reaches the agent's room. @public */
export type StrategyOption = 'auto' | StrategyName;

/** Strategies that can be selected explicitly (derived from the registry). */
export const STRATEGIES: readonly StrategyOption[] = STRATEGY_OPTIONS;

/** Default production API base URL. */
export const DEFAULT_API_URL = 'https://api.dev.runwayml.com';
/** Default identity (and name) of the avatar participant. */
export const DEFAULT_AVATAR_IDENTITY = 'runway-avatar-agent';

/** The environment variables the options fall back to. */
export const ENV = { apiKey: 'RUNWAYML_API_SECRET', apiUrl: 'RUNWAYML_BASE_URL' } as const;

/**
 * Options of {@link AvatarSession}. API-compatible with the upstream Node port
 * (`@livekit/agents-plugin-runway`), plus what Runway's API offers. An unknown key is refused (with
 * "Did you mean"), and every duration has an upper bound.
 * @public
 */
export interface AvatarSessionOptions {
  /** A custom Runway avatar (UUID v4). Exactly one of `avatarId` and `presetId`. */
  avatarId?: string;
  /**
   * A Runway preset avatar, e.g. `'cat-character'`. Exactly one of `avatarId` and `presetId`. An id
   * Runway added after this release (lower-case words joined by `-`) is passed through with a warning;
   * a likely typo of a known id is refused with "Did you mean".
   */
  presetId?: PresetId | (string & {});
  /** Maximum session length in SECONDS (Runway's unit), 10..1800. Runway caps sessions at about 300 s today. */
  maxDuration?: number;
  /** Overrides the avatar's personality for this session, 1..10000 characters. */
  personality?: string;
  /** Overrides the avatar's opening line, 1..2000 characters. */
  startScript?: string;
  /** Runway API key. Default: `RUNWAYML_API_SECRET`. */
  apiKey?: string;
  /** Runway API base URL. Default: `RUNWAYML_BASE_URL`, else `https://api.dev.runwayml.com`. */
  apiUrl?: string;
  /** Identity of the avatar participant in the agent's room. Default `runway-avatar-agent`. */
  avatarParticipantIdentity?: string;
  /** Display name of the avatar participant. Default: the identity. */
  avatarParticipantName?: string;
  /**
   * Timeout (`timeoutMs`, per attempt, 1..600000) and retries (`maxRetry` = retries after the first
   * attempt, 0..10; `retryIntervalMs` 0..60000). Integers.
   */
  connOptions?: Partial<APIConnectOptions>;
  /**
   * How the avatar reaches the room: `'integration'` (bring your own room, current API shape),
   * `'livekit'` (bring your own room, deprecated shape), `'hosted'` (Runway's room bridged into
   * yours) or `'auto'` (default: detect what the API accepts).
   */
  strategy?: StrategyOption;
  /**
   * After an interruption, how long to wait for the avatar to confirm it cleared its buffer before
   * the segment is marked finished (interrupted) anyway. Milliseconds, 0..60000, default 2000.
   */
  clearBufferTimeoutMs?: number;
  /**
   * How long the avatar may take to join with video before it counts as lost (then `onAvatarLost`
   * applies). Milliseconds, 1..600000, default 30000.
   */
  avatarJoinTimeoutMs?: number;
  /**
   * Renew the Runway session before its effective cap (`sessionCapMs`): a replacement session under
   * the same avatar identity takes over in a pause between the agent's speech segments. Each renewal
   * is a new billed session. Default true.
   */
  renew?: boolean;
  /**
   * The effective length of one Runway session, milliseconds, from 5000 to `maxDuration × 1000` (Runway
   * ends the session at `maxDuration`, 300 s when not given: a larger cap would be a loss, not a renewal).
   * Runway ends sessions at about 300 s whatever `maxDuration` says (livekit/agents#6427, #6703).
   * Default 300000, or `maxDuration × 1000` if lower.
   */
  sessionCapMs?: number;
  /**
   * How long before the cap renewal may start (in a pause); it is forced when a quarter of this is
   * left. Milliseconds, from 1000 to half the cap; default 60000, lowered to half the cap when that is
   * less (logged).
   */
  renewLeadMs?: number;
  /**
   * What to do when the avatar goes away unexpectedly: `'respawn'` (default: start a new session, a
   * few attempts with backoff, the agent heard without a face meanwhile), `'audio-only'` (the agent
   * goes on speaking on a normal room audio track) or `'close'` (close the agent session).
   */
  onAvatarLost?: AvatarLostPolicy;
  /** Respawn attempts after a loss before falling back to audio only, 0..20. Default 3. */
  respawnAttempts?: number;
  /**
   * When the avatar cannot be started (API unreachable after retries, session FAILED, consume failed),
   * let the agent speak without an avatar instead of throwing from `start()`, with a warning. Default false.
   */
  fallbackToAudioOnly?: boolean;
  /**
   * Directory where what the plugin learns about the API (detection verdict, READY timings) is shared by
   * every job process of the machine; `false` keeps it in this process only. Default:
   * `RUNWAY_AGENTS_STATE_DIR` (`off` turns it off), else the user's cache directory.
   */
  stateDir?: string | false;
  /**
   * Runway tools the hosted character may use (at most 20, reference §8): `client_event` tools (the
   * character sends an event, emitted as `client_event`) and `backend_rpc` tools (the character calls
   * `handler` and waits up to `timeoutSeconds` for its JSON answer). Checked exactly as Runway's schema
   * says when the AvatarSession is constructed, before any request: a bad definition is a
   * {@link RunwayOptionError} naming the tool and the field (`tools[2] ("get_weather").parameters[0] ("unit").enum`).
   * Default: none.
   */
  tools?: RunwayTool[];
  /**
   * Offer the agent's own `llm.tool(...)` functions to the hosted character as `backend_rpc` tools. A
   * call runs the tool's `execute` with a `RunContext` on the AgentSession, as the agent's LLM would, and
   * the call and its output are added to the session's history (and emitted as `function_tools_executed`).
   * - a `voice.Agent`: all of that agent's function tools. Use this in the usual order, where
   *   `avatar.start()` comes before `session.start()` and no agent is running yet;
   * - `true`: all function tools of the agent running in the AgentSession at `start()`;
   * - a list of names: those tools of the running agent (each a Runway tool name, at most 20, no repeats).
   *
   * Their zod parameters are converted at `start()`, where a schema feature Runway cannot express, or a
   * name the agent does not have, is refused naming the tool and the field. Counted with `tools` (at most
   * 20 in all, names unique). Sent with hosted sessions only: with a bring-your-own-room strategy the
   * agent's LLM runs its tools itself. Fixed for the avatar session (a renewal declares the same tools).
   * Default false.
   */
  agentTools?: boolean | string[] | voice.Agent;
  /**
   * How long the character waits for an exposed agent tool's answer (its `timeoutSeconds`), in SECONDS
   * (Runway's unit), 1..8. Default 4 (Runway's).
   */
  agentToolTimeoutSeconds?: number;
  /**
   * Also publish each `client_event` of the character into the agent's room, on the data topic
   * `CLIENT_EVENT_TOPIC` (`lk.runway.client_event`), so a frontend can react (show a card, open a page)
   * without knowing Runway. Default false.
   */
  forwardClientEvents?: boolean;
}

/** What {@link AvatarSessionOptions.onAvatarLost} can do. @public */
export type AvatarLostPolicy = 'respawn' | 'audio-only' | 'close';
const LOST_POLICIES: readonly AvatarLostPolicy[] = ['respawn', 'audio-only', 'close'];

/** Options after validation and environment fallbacks. Frozen. */
export interface ResolvedOptions {
  readonly avatar: AvatarSpec;
  readonly maxDuration: number | undefined;
  readonly personality: string | undefined;
  readonly startScript: string | undefined;
  readonly apiKey: string;
  readonly apiUrl: string;
  readonly avatarIdentity: string;
  readonly avatarName: string;
  readonly connOptions: APIConnectOptions;
  readonly strategy: StrategyOption;
  readonly clearBufferTimeoutMs: number;
  readonly avatarJoinTimeoutMs: number;
  readonly renew: boolean;
  readonly sessionCapMs: number;
  readonly renewLeadMs: number;
  readonly onAvatarLost: AvatarLostPolicy;
  readonly respawnAttempts: number;
  readonly fallbackToAudioOnly: boolean;
  /** Directory of the learning store; undefined: memory only. */
  readonly stateDir: string | undefined;
  /** The validated `tools` (copies; none: empty). */
  readonly tools: readonly RunwayTool[];
  /** `agentTools` as given (a list is a frozen copy): which of the agent's function tools to expose. */
  readonly agentTools: boolean | readonly string[] | voice.Agent;
  /** The `timeoutSeconds` of exposed agent tools. */
  readonly agentToolTimeoutSeconds: number;
  readonly forwardClientEvents: boolean;
  /** Values passed through with a caveat (an unknown preset id); logged as warnings when resolved. */
  readonly warnings: readonly string[];
  /** Values derived from others (renewLeadMs lowered to half the cap); logged at info when resolved. */
  readonly notes: readonly string[];
}

/** Describes a received value for an error message without echoing long or secret strings. */
export const describeValue = (value: unknown): string => describe(value);

// ---- presets -------------------------------------------------------------------------------------

/** A preset id as Runway writes them: lower-case words of letters and digits joined by `-`, ≤ 64. */
const WELL_FORMED_PRESET = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The closest preset id to a mistyped one, if any is close (for "Did you mean"). */
export function suggestPreset(value: string): PresetId | undefined {
  const norm = value
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  let best: PresetId | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const id of PRESET_IDS) {
    const d = editDistance(norm, id);
    if (d < bestDistance) [best, bestDistance] = [id, d];
  }
  return bestDistance <= Math.max(3, Math.floor((best?.length ?? 0) / 3)) ? best : undefined;
}

/**
 * A known preset a well-formed unknown id is probably a typo of: at most 2 edits away (a swap counts
 * one), or the same id with a missing or extra `-`. `dog-character` (3 edits from `cat-character`) is a
 * new preset, `cat-charcter` a typo.
 */
export function likelyPresetTypo(value: string): PresetId | undefined {
  for (const id of PRESET_IDS) {
    if (value.replace(/-/g, '') === id.replace(/-/g, '')) return id;
    if (editDistance(value, id) <= 2) return id;
  }
  return undefined;
}

const PRESET_ALLOWED = `one of ${PRESET_IDS.join(', ')}, or a newer Runway preset id (lower-case words joined by "-")`;

// ---- the schema ---------------------------------------------------------------------------------

/** A duration in ms, `min..max` (max at most what `setTimeout` honours). */
function msIn(min: number, max: number) {
  const bound = Math.min(max, MAX_TIMER_MS);
  const allowed = `a number of milliseconds from ${min} to ${bound}`;
  return z
    .number({ error: allowed })
    .refine(Number.isFinite, { error: allowed })
    .min(min, { error: allowed })
    .max(bound, { error: allowed });
}

function textIn(min: number, max: number) {
  const allowed = `a string of ${min}..${max} characters`;
  return z.string({ error: allowed }).min(min, { error: allowed }).max(max, { error: allowed });
}

const IDENTITY_ALLOWED =
  'a string of 1..256 characters, not only whitespace, without control characters';
const identity = z
  .string({ error: IDENTITY_ALLOWED })
  .max(256, { error: IDENTITY_ALLOWED })
  .superRefine((s, ctx) => {
    const problem = whitespaceProblem(s);
    // Inner spaces are fine in a name; blank, padded or control-character identities are not.
    if (problem && problem !== 'contains whitespace' && problem !== 'empty')
      addIssue(ctx, IDENTITY_ALLOWED, { problem });
  });

const flag = z.boolean({ error: 'true or false' });

/** Upper bounds of the duration options, ms. */
export const DURATION_LIMITS = {
  clearBufferTimeoutMs: 60_000,
  avatarJoinTimeoutMs: 600_000,
  sessionCapMs: 1_800_000,
  renewLeadMs: 900_000,
} as const;

const AGENT_TOOLS_ALLOWED = `a voice.Agent (its function tools), true (every function tool of the running agent), false, or a list of at most ${TOOL_LIMITS.tools} distinct tool names matching ^[a-zA-Z_][a-zA-Z0-9_]*$ (1..${TOOL_LIMITS.nameLength} characters)`;
/** A `voice.Agent` (duck-typed: a second copy of @livekit/agents would defeat `instanceof`). */
function isAgentLike(value: unknown): value is voice.Agent {
  const toolCtx = (value as { toolCtx?: { functionTools?: unknown } } | null)?.toolCtx;
  return typeof toolCtx === 'object' && toolCtx !== null && 'functionTools' in toolCtx;
}

const agentToolsSchema = z.union(
  [
    flag,
    z.custom<voice.Agent>(isAgentLike),
    z.array(z.unknown()).superRefine((names, ctx) => {
      if (names.length > TOOL_LIMITS.tools)
        addIssue(ctx, AGENT_TOOLS_ALLOWED, { problem: `${names.length} names` });
      names.forEach((name, i) => {
        if (!isToolName(name)) addIssue(ctx, AGENT_TOOLS_ALLOWED, {}, [i]);
        else if (names.indexOf(name) !== i)
          addIssue(
            ctx,
            AGENT_TOOLS_ALLOWED,
            { problem: `repeats agentTools[${names.indexOf(name)}]` },
            [i],
          );
      });
    }),
  ],
  { error: AGENT_TOOLS_ALLOWED },
);

const { min: TIMEOUT_MIN, max: TIMEOUT_MAX } = TOOL_LIMITS.timeoutSeconds;
const TOOL_TIMEOUT_ALLOWED = `a number of seconds from ${TIMEOUT_MIN} to ${TIMEOUT_MAX}`;

const API_KEY_ALLOWED = `a Runway API key (printable ASCII, no whitespace): pass apiKey or set ${ENV.apiKey}`;

const shape = {
  avatarId: z.unknown().optional(),
  presetId: z.unknown().optional(),
  maxDuration: intIn(10, 1800, 'seconds').optional(),
  personality: textIn(1, 10_000).optional(),
  startScript: textIn(1, 2000).optional(),
  apiKey: tokenSchema(API_KEY_ALLOWED),
  apiUrl: apiUrlSchema,
  avatarParticipantIdentity: identity.optional(),
  avatarParticipantName: identity.optional(),
  connOptions: connOptionsSchema.optional(),
  strategy: z
    .enum(STRATEGIES as [StrategyOption, ...StrategyOption[]], {
      error: `one of ${STRATEGIES.join(', ')}`,
    })
    .optional(),
  clearBufferTimeoutMs: msIn(0, DURATION_LIMITS.clearBufferTimeoutMs).optional(),
  avatarJoinTimeoutMs: msIn(1, DURATION_LIMITS.avatarJoinTimeoutMs).optional(),
  renew: flag.optional(),
  sessionCapMs: msIn(5000, DURATION_LIMITS.sessionCapMs).optional(),
  renewLeadMs: msIn(1000, DURATION_LIMITS.renewLeadMs).optional(),
  onAvatarLost: z
    .enum(LOST_POLICIES as [AvatarLostPolicy, ...AvatarLostPolicy[]], {
      error: `one of ${LOST_POLICIES.join(', ')}`,
    })
    .optional(),
  respawnAttempts: intIn(0, 20, '').optional(),
  fallbackToAudioOnly: flag.optional(),
  stateDir: z
    .union([z.literal(false), z.string().refine((v) => v.trim() !== '')], {
      error: 'a directory path, or false to keep learning in memory only',
    })
    .optional(),
  // Checked by validateTools after the schema, whose errors name the tool (by index and name) and the field.
  tools: z.unknown().optional(),
  agentTools: agentToolsSchema.optional(),
  agentToolTimeoutSeconds: z
    .number({ error: TOOL_TIMEOUT_ALLOWED })
    .refine(Number.isFinite, { error: TOOL_TIMEOUT_ALLOWED })
    .min(TIMEOUT_MIN, { error: TOOL_TIMEOUT_ALLOWED })
    .max(TIMEOUT_MAX, { error: TOOL_TIMEOUT_ALLOWED })
    .optional(),
  forwardClientEvents: flag.optional(),
};

/** The known option names (for "Did you mean" on an unknown one). */
export const OPTION_KEYS: readonly string[] = Object.keys(shape);

/** Every AvatarSession option, the cross-option rules included. Input: options after env fallbacks. */
export const optionsSchema = z.strictObject(shape).superRefine((o, ctx) => {
  checkAvatar(o.avatarId, o.presetId, ctx);
  const limit = (o.maxDuration ?? 300) * 1000;
  if (o.sessionCapMs !== undefined && o.sessionCapMs > limit) {
    addIssue(
      ctx,
      `at most maxDuration × 1000 = ${limit} ms`,
      {
        problem: `Runway ends the session at maxDuration (${o.maxDuration ?? 300} s${o.maxDuration === undefined ? ', its default' : ''}), so the avatar would be lost and respawned, not renewed`,
        note: 'Lower sessionCapMs or raise maxDuration.',
      },
      ['sessionCapMs'],
    );
  }
  const cap = o.sessionCapMs ?? Math.min(300_000, limit);
  if (o.renewLeadMs !== undefined && o.renewLeadMs > cap / 2) {
    addIssue(
      ctx,
      `at most half the session cap (${cap / 2} ms)`,
      {
        problem: `the session cap is ${cap} ms${o.sessionCapMs === undefined ? ' (derived from maxDuration)' : ''}`,
      },
      ['renewLeadMs'],
    );
  }
});

function checkAvatar(avatarId: unknown, presetId: unknown, ctx: z.RefinementCtx): void {
  const hasAvatar = avatarId !== undefined && avatarId !== null && avatarId !== '';
  const hasPreset = presetId !== undefined && presetId !== null && presetId !== '';
  if (hasAvatar === hasPreset) {
    addIssue(
      ctx,
      `exactly one of avatarId (a custom avatar's UUID v4) and presetId (one of ${PRESET_IDS.join(', ')})`,
      { option: 'avatarId/presetId', received: hasAvatar ? 'both' : 'neither' },
    );
    return;
  }
  if (hasAvatar) {
    if (!isUuidV4(avatarId))
      addIssue(ctx, 'a UUID v4 such as "3f2b8c1e-5d4a-4b6f-9c2d-1e0f7a8b9c0d"', {}, ['avatarId']);
    return;
  }
  if (typeof presetId !== 'string') {
    addIssue(ctx, PRESET_ALLOWED, {}, ['presetId']);
    return;
  }
  if ((PRESET_IDS as readonly string[]).includes(presetId)) return;
  if (!WELL_FORMED_PRESET.test(presetId) || presetId.length > 64) {
    const near = suggestPreset(presetId);
    addIssue(
      ctx,
      PRESET_ALLOWED,
      { problem: 'not a well-formed preset id', ...(near ? { suggestion: near } : {}) },
      ['presetId'],
    );
    return;
  }
  const typo = likelyPresetTypo(presetId);
  if (typo)
    addIssue(
      ctx,
      PRESET_ALLOWED,
      { problem: `too close to the known preset "${typo}" to be a new one`, suggestion: typo },
      ['presetId'],
    );
}

// ---- resolution ---------------------------------------------------------------------------------

function knownKeys(path: string): readonly string[] {
  return path === 'connOptions' ? CONN_OPTION_KEYS : OPTION_KEYS;
}

/** Logs without requiring the @livekit/agents logger (resolveOptions may run before it is initialised). */
function report(warnings: readonly string[], notes: readonly string[]): void {
  if (warnings.length === 0 && notes.length === 0) return;
  try {
    for (const warning of warnings) log().warn({ warning }, 'Runway avatar option');
    for (const note of notes) log().info({ note }, 'Runway avatar option derived');
  } catch {
    // No logger yet: they stay readable on ResolvedOptions.warnings and .notes.
  }
}

/**
 * Validates every option before any network call; throws {@link RunwayOptionError} naming the option (or
 * the environment variable it came from), the value received, what is allowed and "Did you mean".
 */
export function resolveOptions(
  opts: AvatarSessionOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedOptions {
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    throw formatOptionIssues(
      new z.ZodError([{ code: 'custom', message: 'an options object', path: [], input: opts }]),
      opts,
      { knownKeys, prefix: 'options' },
    );
  }
  // Undefined members count as absent (spreading a config with unset fields is common).
  const input: Record<string, unknown> = Object.fromEntries(
    Object.entries(opts).filter(([, v]) => v !== undefined),
  );
  const fromEnv: Record<string, string> = {};
  const envValue = (name: string) => {
    const v = env[name];
    return v === undefined || v === '' ? undefined : v;
  };
  if (input.apiKey === undefined || input.apiKey === '') {
    const v = envValue(ENV.apiKey);
    if (v !== undefined) fromEnv.apiKey = ENV.apiKey;
    input.apiKey = v;
  }
  if (input.apiUrl === undefined || input.apiUrl === '') {
    const v = envValue(ENV.apiUrl);
    if (v !== undefined) fromEnv.apiUrl = ENV.apiUrl;
    input.apiUrl = v ?? DEFAULT_API_URL;
  }
  if (input.avatarParticipantIdentity === '') delete input.avatarParticipantIdentity;
  if (input.avatarParticipantName === '') delete input.avatarParticipantName;

  const parsed = optionsSchema.safeParse(input);
  if (!parsed.success) {
    throw formatOptionIssues(parsed.error, input, {
      fromEnv,
      secrets: new Set(['apiKey']),
      knownKeys,
    });
  }
  const o = parsed.data;
  const tools = validateTools(o.tools, 'tools');
  rememberSecret(o.apiKey);
  const warnings: string[] = [];
  const notes: string[] = [];
  const avatar: AvatarSpec =
    o.avatarId !== undefined && o.avatarId !== null && o.avatarId !== ''
      ? { type: 'custom', avatarId: o.avatarId as string }
      : { type: 'runway-preset', presetId: o.presetId as PresetId };
  if (
    avatar.type === 'runway-preset' &&
    !(PRESET_IDS as readonly string[]).includes(avatar.presetId)
  )
    warnings.push(
      `presetId "${avatar.presetId}" is not one of the ${PRESET_IDS.length} presets this release knows; it is passed to Runway as given`,
    );
  const sessionCapMs = o.sessionCapMs ?? Math.min(300_000, (o.maxDuration ?? 300) * 1000);
  let renewLeadMs = o.renewLeadMs ?? 60_000;
  if (renewLeadMs > sessionCapMs / 2) {
    renewLeadMs = sessionCapMs / 2;
    notes.push(
      `renewLeadMs derived as half the session cap (${renewLeadMs} ms): the default 60000 ms is more than half of sessionCapMs ${sessionCapMs}`,
    );
  }
  const avatarIdentity = o.avatarParticipantIdentity ?? DEFAULT_AVATAR_IDENTITY;
  report(warnings, notes);
  return Object.freeze({
    avatar,
    maxDuration: o.maxDuration,
    personality: o.personality,
    startScript: o.startScript,
    apiKey: o.apiKey,
    apiUrl: o.apiUrl,
    avatarIdentity,
    avatarName: o.avatarParticipantName ?? avatarIdentity,
    connOptions: withConnDefaults(o.connOptions),
    strategy: o.strategy ?? 'auto',
    clearBufferTimeoutMs: o.clearBufferTimeoutMs ?? 2000,
    avatarJoinTimeoutMs: o.avatarJoinTimeoutMs ?? 30_000,
    renew: o.renew ?? true,
    sessionCapMs,
    renewLeadMs,
    onAvatarLost: o.onAvatarLost ?? 'respawn',
    respawnAttempts: o.respawnAttempts ?? 3,
    fallbackToAudioOnly: o.fallbackToAudioOnly ?? false,
    stateDir: resolveStateDir(o.stateDir, env),
    tools: Object.freeze(tools),
    agentTools: Array.isArray(o.agentTools)
      ? Object.freeze([...(o.agentTools as string[])])
      : ((o.agentTools as boolean | voice.Agent | undefined) ?? false),
    agentToolTimeoutSeconds: o.agentToolTimeoutSeconds ?? TOOL_LIMITS.timeoutSeconds.default,
    forwardClientEvents: o.forwardClientEvents ?? false,
    warnings: Object.freeze(warnings),
    notes: Object.freeze(notes),
  });
}
