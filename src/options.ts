// AvatarSession options: validation with clear errors, environment fallbacks, frozen resolved options.
import { type APIConnectOptions, DEFAULT_API_CONNECT_OPTIONS } from '@livekit/agents';
import { type AvatarSpec, PRESET_IDS, type PresetId } from './api/types.js';
import { RunwayOptionError } from './errors.js';
import { resolveStateDir } from './learning/store.js';

/** How the avatar reaches the agent's room. @public */
export type StrategyOption = 'auto' | 'integration' | 'livekit' | 'hosted';

/** Strategies that can be selected explicitly. */
export const STRATEGIES: readonly StrategyOption[] = ['auto', 'integration', 'livekit', 'hosted'];

/** Default production API base URL. */
export const DEFAULT_API_URL = 'https://api.dev.runwayml.com';
/** Default identity (and name) of the avatar participant. */
export const DEFAULT_AVATAR_IDENTITY = 'runway-avatar-agent';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * Options of {@link AvatarSession}. API-compatible with the upstream Node port
 * (`@livekit/agents-plugin-runway`), plus what Runway's API offers.
 * @public
 */
export interface AvatarSessionOptions {
  /** A custom Runway avatar (UUID v4). Exactly one of `avatarId` and `presetId`. */
  avatarId?: string;
  /** A Runway preset avatar, e.g. `'cat-character'`. Exactly one of `avatarId` and `presetId`. */
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
  /** Timeout (`timeoutMs`, per attempt) and retries (`maxRetry` = retries after the first attempt). */
  connOptions?: Partial<APIConnectOptions>;
  /**
   * How the avatar reaches the room: `'integration'` (bring your own room, current API shape),
   * `'livekit'` (bring your own room, deprecated shape), `'hosted'` (Runway's room bridged into
   * yours) or `'auto'` (default: detect what the API accepts).
   */
  strategy?: StrategyOption;
  /**
   * After an interruption, how long to wait for the avatar to confirm it cleared its buffer before
   * the segment is marked finished (interrupted) anyway. Milliseconds, default 2000.
   */
  clearBufferTimeoutMs?: number;
  /**
   * How long the avatar may take to join with video before it counts as lost (then `onAvatarLost`
   * applies). Milliseconds, default 30000.
   */
  avatarJoinTimeoutMs?: number;
  /**
   * Renew the Runway session before its effective cap (`sessionCapMs`): a replacement session under
   * the same avatar identity takes over in a pause between the agent's speech segments. Each renewal
   * is a new billed session. Default true.
   */
  renew?: boolean;
  /**
   * The effective length of one Runway session, milliseconds. Runway ends sessions at about 300 s
   * whatever `maxDuration` says (livekit/agents#6427, #6703). Default 300000, or `maxDuration` if lower.
   */
  sessionCapMs?: number;
  /**
   * How long before the cap renewal may start (in a pause); it is forced when a quarter of this is
   * left. Milliseconds, default 60000, at most half the cap.
   */
  renewLeadMs?: number;
  /**
   * What to do when the avatar goes away unexpectedly: `'respawn'` (default: start a new session, a
   * few attempts with backoff, the agent heard without a face meanwhile), `'audio-only'` (the agent
   * goes on speaking on a normal room audio track) or `'close'` (close the agent session).
   */
  onAvatarLost?: AvatarLostPolicy;
  /** Respawn attempts after a loss before falling back to audio only. Default 3. */
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
}

/** Describes a received value for an error message without echoing long or secret strings. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return value.length > 60 ? `a string of ${value.length} characters` : JSON.stringify(value);
  }
  if (typeof value === 'number') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

function fail(option: string, received: unknown, allowed: string, hint = ''): never {
  throw new RunwayOptionError(
    option,
    `Invalid option ${option}: received ${describeValue(received)}; expected ${allowed}.${hint}`,
  );
}

/** Edit distance, for "did you mean". Small inputs only. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** The closest preset id to a mistyped one, if any is close. */
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

function optionalString(option: string, value: unknown, min: number, max: number) {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length < min || value.length > max) {
    fail(option, value, `a string of ${min}..${max} characters`);
  }
  return value;
}

function optionalInt(option: string, value: unknown, min: number, max: number, unit: string) {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(option, value, `an integer number of ${unit} from ${min} to ${max}`);
  }
  return value;
}

function resolveAvatar(avatarId: unknown, presetId: unknown): AvatarSpec {
  const hasAvatar = avatarId !== undefined && avatarId !== null && avatarId !== '';
  const hasPreset = presetId !== undefined && presetId !== null && presetId !== '';
  if (hasAvatar === hasPreset) {
    fail(
      'avatarId/presetId',
      hasAvatar ? 'both' : 'neither',
      `exactly one of avatarId (a custom avatar's UUID v4) and presetId (one of ${PRESET_IDS.join(', ')})`,
    );
  }
  if (hasAvatar) {
    if (typeof avatarId !== 'string' || !UUID_V4.test(avatarId)) {
      fail('avatarId', avatarId, 'a UUID v4 such as "3f2b8c1e-5d4a-4b6f-9c2d-1e0f7a8b9c0d"');
    }
    return { type: 'custom', avatarId };
  }
  if (typeof presetId !== 'string' || !(PRESET_IDS as readonly string[]).includes(presetId)) {
    const near = typeof presetId === 'string' ? suggestPreset(presetId) : undefined;
    fail(
      'presetId',
      presetId,
      `one of ${PRESET_IDS.join(', ')}`,
      near ? ` Did you mean "${near}"?` : '',
    );
  }
  return { type: 'runway-preset', presetId: presetId as PresetId };
}

function resolveConnOptions(value: unknown): APIConnectOptions {
  if (value === undefined) return { ...DEFAULT_API_CONNECT_OPTIONS };
  if (typeof value !== 'object' || value === null) fail('connOptions', value, 'an object');
  const v = value as Partial<APIConnectOptions>;
  const out = { ...DEFAULT_API_CONNECT_OPTIONS, ...v };
  const check = (key: keyof APIConnectOptions, min: number) => {
    const n = out[key];
    if (typeof n !== 'number' || !Number.isFinite(n) || n < min || !Number.isInteger(n)) {
      fail(`connOptions.${key}`, n, `an integer >= ${min}`);
    }
  };
  check('maxRetry', 0);
  check('retryIntervalMs', 0);
  check('timeoutMs', 1);
  return out;
}

function identityOption(option: string, value: unknown, fallback: string): string {
  if (value === undefined || value === '') return fallback;
  if (typeof value !== 'string' || value.length > 256)
    fail(option, value, 'a string of 1..256 characters');
  return value;
}

/**
 * Validates every option before any network call; throws {@link RunwayOptionError} naming the option,
 * the value received and what is allowed.
 */
export function resolveOptions(
  opts: AvatarSessionOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedOptions {
  if (typeof opts !== 'object' || opts === null) fail('options', opts, 'an options object');
  const avatar = resolveAvatar(opts.avatarId, opts.presetId);
  const maxDuration = optionalInt('maxDuration', opts.maxDuration, 10, 1800, 'seconds');
  const personality = optionalString('personality', opts.personality, 1, 10_000);
  const startScript = optionalString('startScript', opts.startScript, 1, 2000);

  const apiKey = opts.apiKey || env.RUNWAYML_API_SECRET;
  if (!apiKey) {
    fail('apiKey', opts.apiKey, 'a Runway API key: pass apiKey or set RUNWAYML_API_SECRET');
  }
  if (typeof apiKey !== 'string') fail('apiKey', apiKey, 'a string');
  const apiUrl = opts.apiUrl || env.RUNWAYML_BASE_URL || DEFAULT_API_URL;
  if (typeof apiUrl !== 'string') fail('apiUrl', apiUrl, 'a URL string');

  const strategy = opts.strategy ?? 'auto';
  if (!STRATEGIES.includes(strategy)) fail('strategy', strategy, `one of ${STRATEGIES.join(', ')}`);

  const clearBufferTimeoutMs = opts.clearBufferTimeoutMs ?? 2000;
  if (
    typeof clearBufferTimeoutMs !== 'number' ||
    !Number.isFinite(clearBufferTimeoutMs) ||
    clearBufferTimeoutMs < 0
  ) {
    fail('clearBufferTimeoutMs', clearBufferTimeoutMs, 'a number of milliseconds >= 0');
  }

  const ms = (option: string, value: unknown, fallback: number, min: number) => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
      fail(option, value, `a number of milliseconds >= ${min}`);
    }
    return value;
  };
  const flag = (option: string, value: unknown, fallback: boolean) => {
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') fail(option, value, 'true or false');
    return value;
  };
  const capDefault = Math.min(300_000, (maxDuration ?? 300) * 1000);
  const sessionCapMs = ms('sessionCapMs', opts.sessionCapMs, capDefault, 5000);
  const renewLeadMs = Math.min(ms('renewLeadMs', opts.renewLeadMs, 60_000, 1000), sessionCapMs / 2);
  const onAvatarLost = opts.onAvatarLost ?? 'respawn';
  if (!LOST_POLICIES.includes(onAvatarLost)) {
    fail('onAvatarLost', onAvatarLost, `one of ${LOST_POLICIES.join(', ')}`);
  }
  const respawnAttempts = opts.respawnAttempts ?? 3;
  if (!Number.isInteger(respawnAttempts) || respawnAttempts < 0 || respawnAttempts > 20) {
    fail('respawnAttempts', respawnAttempts, 'an integer from 0 to 20');
  }

  const avatarIdentity = identityOption(
    'avatarParticipantIdentity',
    opts.avatarParticipantIdentity,
    DEFAULT_AVATAR_IDENTITY,
  );
  if (
    opts.stateDir !== undefined &&
    opts.stateDir !== false &&
    (typeof opts.stateDir !== 'string' || opts.stateDir.trim() === '')
  ) {
    fail('stateDir', opts.stateDir, 'a directory path, or false to keep learning in memory only');
  }
  return Object.freeze({
    avatar,
    maxDuration,
    personality,
    startScript,
    apiKey,
    apiUrl,
    avatarIdentity,
    avatarName: identityOption('avatarParticipantName', opts.avatarParticipantName, avatarIdentity),
    connOptions: resolveConnOptions(opts.connOptions),
    strategy,
    clearBufferTimeoutMs,
    avatarJoinTimeoutMs: ms('avatarJoinTimeoutMs', opts.avatarJoinTimeoutMs, 30_000, 1),
    renew: flag('renew', opts.renew, true),
    sessionCapMs,
    renewLeadMs,
    onAvatarLost,
    respawnAttempts,
    fallbackToAudioOnly: flag('fallbackToAudioOnly', opts.fallbackToAudioOnly, false),
    stateDir: resolveStateDir(opts.stateDir, env),
  });
}
