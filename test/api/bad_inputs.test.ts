// A table of bad inputs (AvatarSession options, environment variables, start() options): each is refused
// with a RunwayOptionError naming the option or the variable, and not one request reaches the emulator.
import { Room } from '@livekit/rtc-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RunwayClient } from '../../src/api/client.js';
import { closeAllAgents } from '../../src/api/dispatcher.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { SessionLedger } from '../../src/ending/ledger.js';
import { AvatarSession, probeStrategy, RunwayOptionError } from '../../src/index.js';
import { resolveLiveKitCredentials, type StartOptions } from '../../src/livekit/credentials.js';
import { resolveOptions } from '../../src/options.js';
import { createStrategies } from '../../src/strategies/create.js';
import { resetStrategyCache, startAuto } from '../../src/strategies/detect.js';
import type { StrategyContext } from '../../src/strategies/strategy.js';

let emulator: RunningEmulator;
const KEY_SECRET = `key_${'ab'.repeat(32)}`;
const LK_SECRET = 'lk-secret-0123456789abcdef';
const SECRETS = [KEY_SECRET, LK_SECRET, 'pw-hunter2'];

beforeAll(async () => {
  emulator = await startEmulator({ provisioningMs: 50 });
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await emulator.close();
  await closeAllAgents();
  resetStrategyCache();
});

const good = () => ({ presetId: 'cat-character', apiKey: emulator.apiKey, apiUrl: emulator.url });
const uuid1 = '3f2b8c1e-5d4a-1b6f-9c2d-1e0f7a8b9c0d';

/** [what, options (merged over a valid set unless `replace`), the option or variable named, message]. */
type OptionCase = [string, Record<string, unknown>, string, RegExp?];
const OPTION_CASES: OptionCase[] = [
  ['no avatar', { presetId: undefined }, 'avatarId/presetId', /neither/],
  [
    'both avatars',
    { avatarId: '3f2b8c1e-5d4a-4b6f-9c2d-1e0f7a8b9c0d' },
    'avatarId/presetId',
    /both/,
  ],
  ['avatarId not a UUID', { presetId: undefined, avatarId: 'not-a-uuid' }, 'avatarId', /UUID v4/],
  ['avatarId a v1 UUID', { presetId: undefined, avatarId: uuid1 }, 'avatarId', /UUID v4/],
  ['avatarId a number', { presetId: undefined, avatarId: 42 }, 'avatarId'],
  [
    'presetId spaced and capitalised',
    { presetId: 'Cat Character' },
    'presetId',
    /Did you mean "cat-character"/,
  ],
  [
    'presetId with a typo',
    { presetId: 'cat-charcter' },
    'presetId',
    /Did you mean "cat-character"/,
  ],
  ['presetId with a swap', { presetId: 'influecner' }, 'presetId', /Did you mean "influencer"/],
  [
    'presetId with underscores',
    { presetId: 'tennis_coach' },
    'presetId',
    /Did you mean "tennis-coach"/,
  ],
  ['presetId a number', { presetId: 7 }, 'presetId'],
  ['presetId too long', { presetId: `a${'-b'.repeat(40)}` }, 'presetId'],
  ['maxDuration below 10', { maxDuration: 9 }, 'maxDuration', /from 10 to 1800/],
  ['maxDuration above 1800', { maxDuration: 1801 }, 'maxDuration'],
  ['maxDuration fractional', { maxDuration: 30.5 }, 'maxDuration'],
  ['maxDuration a string', { maxDuration: '60' }, 'maxDuration', /received "60"/],
  ['maxDuration NaN', { maxDuration: Number.NaN }, 'maxDuration'],
  ['personality empty', { personality: '' }, 'personality'],
  [
    'personality too long',
    { personality: 'p'.repeat(10_001) },
    'personality',
    /a string of 10001 characters/,
  ],
  ['personality a number', { personality: 5 }, 'personality'],
  ['startScript too long', { startScript: 's'.repeat(2001) }, 'startScript'],
  ['startScript null', { startScript: null }, 'startScript', /received null/],
  ['apiKey whitespace only', { apiKey: '   ' }, 'apiKey', /only whitespace/],
  ['apiKey with a space', { apiKey: 'key with space' }, 'apiKey', /contains whitespace/],
  [
    'apiKey with a trailing newline',
    { apiKey: `${KEY_SECRET}\n` },
    'apiKey',
    /ends with a newline/,
  ],
  ['apiKey non-ASCII', { apiKey: 'key_ünïcode' }, 'apiKey', /non-ASCII/],
  ['apiKey a number', { apiKey: 12345 }, 'apiKey'],
  ['apiUrl not a URL', { apiUrl: 'not-a-url' }, 'apiUrl', /not a URL/],
  ['apiUrl ftp', { apiUrl: 'ftp://127.0.0.1' }, 'apiUrl', /scheme ftp/],
  ['apiUrl http to a public host', { apiUrl: 'http://api.example.com' }, 'apiUrl', /clear text/],
  [
    'apiUrl http to an IPv4-mapped private host',
    { apiUrl: 'http://[::ffff:10.0.0.5]/' },
    'apiUrl',
    /clear text/,
  ],
  [
    'apiUrl with credentials',
    { apiUrl: 'https://user:pw-hunter2@api.dev.runwayml.com' },
    'apiUrl',
    /credentials/,
  ],
  [
    'apiUrl with a leading space',
    { apiUrl: ' https://api.dev.runwayml.com' },
    'apiUrl',
    /starts with whitespace/,
  ],
  [
    'avatarParticipantIdentity blank',
    { avatarParticipantIdentity: '   ' },
    'avatarParticipantIdentity',
    /only whitespace/,
  ],
  [
    'avatarParticipantIdentity too long',
    { avatarParticipantIdentity: 'x'.repeat(300) },
    'avatarParticipantIdentity',
  ],
  [
    'avatarParticipantIdentity with a line break',
    { avatarParticipantIdentity: 'a\nb' },
    'avatarParticipantIdentity',
    /line break/,
  ],
  [
    'avatarParticipantIdentity a number',
    { avatarParticipantIdentity: 5 },
    'avatarParticipantIdentity',
  ],
  ['avatarParticipantName a tab', { avatarParticipantName: '\t' }, 'avatarParticipantName'],
  ['connOptions a string', { connOptions: 'fast' }, 'connOptions'],
  ['connOptions.maxRetry negative', { connOptions: { maxRetry: -1 } }, 'connOptions.maxRetry'],
  [
    'connOptions.maxRetry above 10',
    { connOptions: { maxRetry: 11 } },
    'connOptions.maxRetry',
    /from 0 to 10/,
  ],
  ['connOptions.maxRetry fractional', { connOptions: { maxRetry: 1.5 } }, 'connOptions.maxRetry'],
  ['connOptions.timeoutMs 0', { connOptions: { timeoutMs: 0 } }, 'connOptions.timeoutMs'],
  [
    'connOptions.timeoutMs beyond setTimeout',
    { connOptions: { timeoutMs: 3e9 } },
    'connOptions.timeoutMs',
    /from 1 to 600000/,
  ],
  [
    'connOptions.retryIntervalMs fractional',
    { connOptions: { retryIntervalMs: 2.5 } },
    'connOptions.retryIntervalMs',
  ],
  [
    'connOptions.retryIntervalMs huge',
    { connOptions: { retryIntervalMs: 1e9 } },
    'connOptions.retryIntervalMs',
  ],
  [
    'connOptions.timeout (unknown)',
    { connOptions: { timeout: 5000 } },
    'connOptions.timeout',
    /Did you mean "connOptions.timeoutMs"/,
  ],
  [
    'connOptions.retries (unknown)',
    { connOptions: { retries: 3 } },
    'connOptions.retries',
    /unknown option/,
  ],
  [
    'strategy unknown',
    { strategy: 'magic' },
    'strategy',
    /one of auto, integration, livekit, hosted/,
  ],
  ['strategy capitalised', { strategy: 'Hosted' }, 'strategy'],
  ['strategey (unknown)', { strategey: 'hosted' }, 'strategey', /Did you mean "strategy"/],
  [
    'maxDurationMs (unknown)',
    { maxDurationMs: 60_000 },
    'maxDurationMs',
    /Did you mean "maxDuration"/,
  ],
  ['apikey (unknown)', { apikey: KEY_SECRET }, 'apikey', /Did you mean "apiKey"/],
  [
    'onAvatarLoss (unknown)',
    { onAvatarLoss: 'close' },
    'onAvatarLoss',
    /Did you mean "onAvatarLost"/,
  ],
  ['clearBufferTimeoutMs negative', { clearBufferTimeoutMs: -1 }, 'clearBufferTimeoutMs'],
  [
    'clearBufferTimeoutMs beyond setTimeout',
    { clearBufferTimeoutMs: 1e10 },
    'clearBufferTimeoutMs',
    /from 0 to 60000/,
  ],
  [
    'clearBufferTimeoutMs Infinity',
    { clearBufferTimeoutMs: Number.POSITIVE_INFINITY },
    'clearBufferTimeoutMs',
  ],
  ['clearBufferTimeoutMs a string', { clearBufferTimeoutMs: '2000' }, 'clearBufferTimeoutMs'],
  [
    'avatarJoinTimeoutMs beyond setTimeout',
    { avatarJoinTimeoutMs: 3e9 },
    'avatarJoinTimeoutMs',
    /from 1 to 600000/,
  ],
  ['avatarJoinTimeoutMs 0', { avatarJoinTimeoutMs: 0 }, 'avatarJoinTimeoutMs'],
  [
    'sessionCapMs beyond setTimeout',
    { sessionCapMs: 1e10 },
    'sessionCapMs',
    /from 5000 to 1800000/,
  ],
  ['sessionCapMs too small', { sessionCapMs: 100 }, 'sessionCapMs'],
  [
    'sessionCapMs beyond the default maxDuration',
    { sessionCapMs: 400_000 },
    'sessionCapMs',
    /maxDuration \(300 s, its default\)/,
  ],
  [
    'sessionCapMs beyond maxDuration',
    { sessionCapMs: 120_000, maxDuration: 60 },
    'sessionCapMs',
    /at most maxDuration × 1000 = 60000 ms/,
  ],
  ['renewLeadMs too small', { renewLeadMs: 500 }, 'renewLeadMs'],
  ['renewLeadMs beyond setTimeout', { renewLeadMs: 2e9 }, 'renewLeadMs'],
  [
    'renewLeadMs above half the cap',
    { renewLeadMs: 200_000 },
    'renewLeadMs',
    /at most half the session cap \(150000 ms\)/,
  ],
  [
    'renewLeadMs above half a cap from maxDuration',
    { renewLeadMs: 40_000, maxDuration: 60 },
    'renewLeadMs',
    /derived from maxDuration/,
  ],
  ['renew a string', { renew: 'yes' }, 'renew', /true or false/],
  ['onAvatarLost unknown', { onAvatarLost: 'panic' }, 'onAvatarLost', /respawn, audio-only, close/],
  ['respawnAttempts fractional', { respawnAttempts: 1.5 }, 'respawnAttempts'],
  ['respawnAttempts above 20', { respawnAttempts: 21 }, 'respawnAttempts'],
  ['respawnAttempts negative', { respawnAttempts: -1 }, 'respawnAttempts'],
  ['fallbackToAudioOnly a number', { fallbackToAudioOnly: 1 }, 'fallbackToAudioOnly'],
];

/** [what, environment, the variable (or option) named, message]; options name no apiKey / apiUrl. */
type EnvCase = [string, Record<string, string | undefined>, string, RegExp?];
const ENV_CASES: EnvCase[] = [
  ['no key anywhere', { RUNWAYML_API_SECRET: undefined }, 'apiKey', /RUNWAYML_API_SECRET/],
  [
    'a key with a trailing newline (a mounted secret)',
    { RUNWAYML_API_SECRET: `${KEY_SECRET}\n` },
    'RUNWAYML_API_SECRET',
    /environment variable RUNWAYML_API_SECRET: received a string of \d+ characters \(ends with a newline/,
  ],
  ['a blank key', { RUNWAYML_API_SECRET: '  ' }, 'RUNWAYML_API_SECRET', /only whitespace/],
  [
    'a key with a space',
    { RUNWAYML_API_SECRET: 'key with space' },
    'RUNWAYML_API_SECRET',
    /contains whitespace/,
  ],
  [
    'a key with a CRLF',
    { RUNWAYML_API_SECRET: `${KEY_SECRET}\r\n` },
    'RUNWAYML_API_SECRET',
    /ends with a newline/,
  ],
  [
    'a base URL over http to a public host',
    { RUNWAYML_BASE_URL: 'http://api.example.com' },
    'RUNWAYML_BASE_URL',
    /clear text/,
  ],
  [
    'a base URL with a trailing newline',
    { RUNWAYML_BASE_URL: 'https://api.dev.runwayml.com\n' },
    'RUNWAYML_BASE_URL',
    /ends with a newline/,
  ],
  [
    'a base URL without a scheme',
    { RUNWAYML_BASE_URL: 'api.dev.runwayml.com' },
    'RUNWAYML_BASE_URL',
    /not a URL/,
  ],
  [
    'a base URL with credentials',
    { RUNWAYML_BASE_URL: 'https://u:pw-hunter2@api.dev.runwayml.com' },
    'RUNWAYML_BASE_URL',
    /credentials/,
  ],
];

/** [what, start() options, environment, the option or variable named, message]. */
type StartCase = [
  string,
  StartOptions & Record<string, unknown>,
  Record<string, string | undefined>,
  string,
  RegExp?,
];
const LK = {
  livekitUrl: 'ws://127.0.0.1:7880',
  livekitApiKey: 'devkey',
  livekitApiSecret: LK_SECRET,
};
const START_CASES: StartCase[] = [
  ['nothing given', {}, {}, 'livekitUrl', /livekitUrl \(or LIVEKIT_URL\)/],
  ['no secret', { ...LK, livekitApiSecret: undefined }, {}, 'livekitApiSecret'],
  [
    'user:pass@ in the URL',
    { ...LK, livekitUrl: 'wss://user:pw-hunter2@lk.example' },
    {},
    'livekitUrl',
    /user:password@/,
  ],
  ['a blank secret', { ...LK, livekitApiSecret: '   ' }, {}, 'livekitApiSecret', /only whitespace/],
  [
    'a secret with a trailing newline',
    { ...LK, livekitApiSecret: `${LK_SECRET}\n` },
    {},
    'livekitApiSecret',
    /ends with a newline/,
  ],
  [
    'a key with a leading space',
    { ...LK, livekitApiKey: ' devkey' },
    {},
    'livekitApiKey',
    /starts with whitespace/,
  ],
  ['an ftp URL', { ...LK, livekitUrl: 'ftp://lk.example' }, {}, 'livekitUrl', /scheme "ftp:"/],
  ['not a URL', { ...LK, livekitUrl: 'lk example' }, {}, 'livekitUrl'],
  [
    'a mistyped option',
    { ...LK, livekitURL: 'wss://lk.example' },
    {},
    'livekitURL',
    /Did you mean "livekitUrl"/,
  ],
  [
    'LIVEKIT_URL with user:pass@',
    { livekitApiKey: 'devkey', livekitApiSecret: LK_SECRET },
    { LIVEKIT_URL: 'wss://a:pw-hunter2@lk.example' },
    'LIVEKIT_URL',
    /environment variable LIVEKIT_URL/,
  ],
  [
    'LIVEKIT_API_SECRET blank',
    { livekitUrl: LK.livekitUrl, livekitApiKey: 'devkey' },
    { LIVEKIT_API_SECRET: ' \n' },
    'LIVEKIT_API_SECRET',
  ],
  [
    'LIVEKIT_API_KEY with a newline',
    { livekitUrl: LK.livekitUrl, livekitApiSecret: LK_SECRET },
    { LIVEKIT_API_KEY: 'devkey\n' },
    'LIVEKIT_API_KEY',
    /ends with a newline/,
  ],
];

function expectOptionError(error: unknown, option: string, message?: RegExp): void {
  expect(RunwayOptionError.is(error), String(error)).toBe(true);
  const e = error as RunwayOptionError;
  expect(e.option).toBe(option);
  expect(e.message).toContain(option.split('/')[0]);
  if (message) expect(e.message).toMatch(message);
  for (const secret of SECRETS) expect(e.message.includes(secret)).toBe(false);
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('bad inputs are refused before any request', () => {
  it('the table is large enough', () => {
    expect(OPTION_CASES.length + ENV_CASES.length + START_CASES.length).toBeGreaterThanOrEqual(80);
  });

  it.each(OPTION_CASES)('option: %s', async (_what, patch, option, message) => {
    vi.stubEnv('RUNWAYML_API_SECRET', undefined);
    vi.stubEnv('RUNWAYML_BASE_URL', undefined);
    const opts = { ...good(), ...patch };
    expectOptionError(
      caught(() => new AvatarSession(opts as never)),
      option,
      message,
    );
    // The probe validates the same options (only those it takes) before it sends anything.
    if (/^(apiKey|apiUrl|connOptions)/.test(option))
      expectOptionError(
        await probeStrategy(opts as never).catch((e: unknown) => e),
        option,
        message,
      );
    expect(emulator.requests).toHaveLength(0);
  });

  it.each(ENV_CASES)('environment: %s', async (_what, env, option, message) => {
    vi.stubEnv('RUNWAYML_API_SECRET', emulator.apiKey);
    vi.stubEnv('RUNWAYML_BASE_URL', emulator.url);
    for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
    expectOptionError(
      caught(() => new AvatarSession({ presetId: 'cat-character' })),
      option,
      message,
    );
    expectOptionError(await probeStrategy().catch((e: unknown) => e), option, message);
    expect(emulator.requests).toHaveLength(0);
  });

  it.each(START_CASES)('start(): %s', async (_what, startOptions, env, option, message) => {
    for (const name of ['LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET'])
      vi.stubEnv(name, env[name]);
    const options = resolveOptions({ ...good() }, {});
    // `auto` through the real strategies, as AvatarSession.start() runs it, with a real (unconnected) room.
    const client = new RunwayClient({ apiKey: options.apiKey, baseUrl: options.apiUrl });
    const ctx: StrategyContext = {
      client,
      options,
      room: new Room(),
      roomName: 'bad-inputs',
      agentSession: undefined as never,
      agentIdentity: 'agent',
      livekit: () => resolveLiveKitCredentials(startOptions),
      emit: () => {},
      signal: new AbortController().signal,
      sessions: new SessionLedger(client),
    };
    const strategies = createStrategies();
    expectOptionError(await startAuto(ctx, strategies).catch((e: unknown) => e), option, message);
    expect(emulator.requests).toHaveLength(0);
  });

  it('a valid set passes, so the refusals above are about the bad value', () => {
    expect(() => new AvatarSession(good())).not.toThrow();
    expect(resolveLiveKitCredentials(LK, {})).toEqual({
      url: LK.livekitUrl,
      apiKey: 'devkey',
      apiSecret: LK_SECRET,
    });
  });
});
