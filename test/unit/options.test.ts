// Every invalid AvatarSession option fails before any network call, naming the option, the value and what is allowed.
import { describe, expect, it } from 'vitest';
import { resolveOptions, suggestPreset } from '../../src/options.js';
import { optionError } from '../support/option_error.js';

const env = { RUNWAYML_API_SECRET: 'key_test' } as NodeJS.ProcessEnv;
const ok = { presetId: 'cat-character' } as const;

describe('resolveOptions', () => {
  it('resolves defaults and env fallbacks', () => {
    const r = resolveOptions(ok, env);
    expect(r.avatar).toEqual({ type: 'runway-preset', presetId: 'cat-character' });
    expect(r.apiKey).toBe('key_test');
    expect(r.apiUrl).toBe('https://api.dev.runwayml.com');
    expect(r.avatarIdentity).toBe('runway-avatar-agent');
    expect(r.avatarName).toBe('runway-avatar-agent');
    expect(r.strategy).toBe('auto');
    expect(r.clearBufferTimeoutMs).toBe(2000);
    expect(r.connOptions).toEqual({ maxRetry: 3, retryIntervalMs: 2000, timeoutMs: 10000 });
    expect(r.renew).toBe(true);
    expect(r.sessionCapMs).toBe(300_000);
    expect(r.renewLeadMs).toBe(60_000);
    expect(r.onAvatarLost).toBe('respawn');
    expect(r.respawnAttempts).toBe(3);
    expect(r.fallbackToAudioOnly).toBe(false);
    expect(r.avatarJoinTimeoutMs).toBe(30_000);
    expect(Object.isFrozen(r)).toBe(true);
  });

  it('ties the session cap to a lower maxDuration and the renewal lead to half the cap', () => {
    const r = resolveOptions({ ...ok, maxDuration: 60 }, env);
    expect(r.sessionCapMs).toBe(60_000);
    expect(r.renewLeadMs).toBe(30_000);
    expect(r.notes.join()).toMatch(/renewLeadMs derived as half the session cap \(30000 ms\)/);
    expect(resolveOptions(ok, env).notes).toEqual([]);
    expect(
      resolveOptions({ ...ok, sessionCapMs: 15_000, renewLeadMs: 6000 }, env).renewLeadMs,
    ).toBe(6000);
  });

  it('prefers explicit options over the environment', () => {
    const r = resolveOptions(
      { ...ok, apiKey: 'key_x', apiUrl: 'http://127.0.0.1:9/', avatarParticipantIdentity: 'face' },
      { ...env, RUNWAYML_BASE_URL: 'https://elsewhere.example' },
    );
    expect(r.apiKey).toBe('key_x');
    expect(r.apiUrl).toBe('http://127.0.0.1:9/');
    expect(r.avatarName).toBe('face');
  });

  it('reads RUNWAYML_BASE_URL', () => {
    expect(resolveOptions(ok, { ...env, RUNWAYML_BASE_URL: 'https://x.example' }).apiUrl).toBe(
      'https://x.example',
    );
  });

  it('accepts a custom avatar UUID v4', () => {
    const avatarId = '3f2b8c1e-5d4a-4b6f-9c2d-1e0f7a8b9c0d';
    expect(resolveOptions({ avatarId }, env).avatar).toEqual({ type: 'custom', avatarId });
  });

  it.each([
    [{}, 'avatarId/presetId', /exactly one of avatarId .* and presetId/],
    [
      { presetId: 'cat-character', avatarId: '3f2b8c1e-5d4a-4b6f-9c2d-1e0f7a8b9c0d' },
      'avatarId/presetId',
      /received "both"/,
    ],
    [{ avatarId: 'not-a-uuid' }, 'avatarId', /received "not-a-uuid".*UUID v4/],
    [{ avatarId: '3f2b8c1e-5d4a-1b6f-9c2d-1e0f7a8b9c0d' }, 'avatarId', /UUID v4/],
    [{ presetId: 'Dog Character' }, 'presetId', /one of game-character, .*cooking-teacher/],
    [{ presetId: 'cat-charcter' }, 'presetId', /Did you mean "cat-character"/],
    [
      { ...ok, maxDuration: 9 },
      'maxDuration',
      /received 9; expected an integer number of seconds from 10 to 1800/,
    ],
    [{ ...ok, maxDuration: 1801 }, 'maxDuration', /received 1801/],
    [{ ...ok, maxDuration: 30.5 }, 'maxDuration', /received 30.5/],
    [{ ...ok, maxDuration: '60' }, 'maxDuration', /received "60"/],
    [{ ...ok, personality: '' }, 'personality', /1..10000 characters/],
    [{ ...ok, personality: 'x'.repeat(10_001) }, 'personality', /a string of 10001 characters/],
    [{ ...ok, startScript: 'x'.repeat(2001) }, 'startScript', /1..2000 characters/],
    [{ ...ok, strategy: 'magic' }, 'strategy', /one of auto, integration, livekit, hosted/],
    [{ ...ok, clearBufferTimeoutMs: -1 }, 'clearBufferTimeoutMs', /milliseconds from 0 to 60000/],
    [
      { ...ok, clearBufferTimeoutMs: Number.POSITIVE_INFINITY },
      'clearBufferTimeoutMs',
      /received Infinity; expected a number of milliseconds from 0 to 60000/,
    ],
    [{ ...ok, onAvatarLost: 'panic' }, 'onAvatarLost', /one of respawn, audio-only, close/],
    [{ ...ok, renew: 'yes' }, 'renew', /true or false/],
    [{ ...ok, sessionCapMs: 100 }, 'sessionCapMs', /milliseconds from 5000 to 1800000/],
    [{ ...ok, respawnAttempts: 1.5 }, 'respawnAttempts', /integer from 0 to 20/],
    [{ ...ok, connOptions: { maxRetry: -1 } }, 'connOptions.maxRetry', /from 0 to 10/],
    [{ ...ok, connOptions: { timeoutMs: 0 } }, 'connOptions.timeoutMs', /from 1 to 600000/],
    [{ ...ok, avatarParticipantIdentity: 'x'.repeat(300) }, 'avatarParticipantIdentity', /1..256/],
  ])('rejects %j', (opts, option, message) => {
    const error = optionError(() => resolveOptions(opts as never, env));
    expect(error.option).toBe(option);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(option.split('/')[0]);
  });

  it('requires an API key and says where it comes from', () => {
    const error = optionError(() => resolveOptions(ok, {}));
    expect(error.option).toBe('apiKey');
    expect(error.message).toContain('RUNWAYML_API_SECRET');
  });

  it('never echoes a long secret-like value', () => {
    const error = optionError(() =>
      resolveOptions({ ...ok, personality: 'k'.repeat(20_000) }, env),
    );
    expect(error.message).not.toContain('kkkkkkkkkk');
  });

  it('passes a well-formed preset id Runway added later through, with a warning', () => {
    const r = resolveOptions({ presetId: 'dog-character' }, env);
    expect(r.avatar).toEqual({ type: 'runway-preset', presetId: 'dog-character' });
    expect(r.warnings.join()).toMatch(/"dog-character" is not one of the 9 presets/);
    expect(resolveOptions(ok, env).warnings).toEqual([]);
  });

  it('suggests the closest preset for a near miss', () => {
    const error = optionError(() => resolveOptions({ presetId: 'cat_charcter' }, env));
    expect(error.message).toContain('Did you mean "cat-character"?');
    expect(suggestPreset('Tennis Coach')).toBe('tennis-coach');
    expect(suggestPreset('completely unrelated words')).toBeUndefined();
  });
});
