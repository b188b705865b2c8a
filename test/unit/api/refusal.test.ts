// Runway's refusal of an unknown top-level key, recognised by meaning: every zod wording, alone or in a list,
// quoted or not, or as `unrecognized_keys` issues; never an unrelated 400.
import { describe, expect, it } from 'vitest';
import { isUnrecognizedKeyRefusal, keysNamedByRefusal } from '../../../src/api/refusal.js';
import { RunwayAPIError } from '../../../src/errors.js';
import { isShapeRefusal } from '../../../src/strategies/detect.js';

const refusal = (body: unknown, statusCode = 400) =>
  new RunwayAPIError({ statusCode, request: 'POST /v1/realtime_sessions', body });

const issue = (keys: string[], path: (string | number)[] = []) => ({
  code: 'unrecognized_keys',
  keys,
  path,
  message: `Unrecognized key${keys.length > 1 ? 's' : ''}: ${keys.map((k) => `"${k}"`).join(', ')}`,
});

describe('isUnrecognizedKeyRefusal', () => {
  it.each([
    ['Unrecognized key: integration'],
    ['Unrecognized key: "integration"'],
    ["Unrecognized key: 'integration'"],
    ['Unrecognized keys: "integration", "agentIdentity"'],
    ['Unrecognized keys: "agentIdentity", "integration"'],
    ["Unrecognized key(s) in object: 'integration'"],
    ["Unrecognized key(s) in object: 'tools', 'integration'"],
    ['unrecognized key: `integration`.'],
    ['Unrecognized keys: integration and livekit'],
  ])('recognises %s', (text) => {
    expect(isUnrecognizedKeyRefusal(refusal({ error: text }), 'integration')).toBe(true);
    expect(isShapeRefusal(refusal({ error: text }), 'integration')).toBe(true);
  });

  it('recognises top-level unrecognized_keys issues whatever the error text', () => {
    for (const keys of [['integration'], ['integration', 'x'], ['x', 'integration']])
      expect(
        isUnrecognizedKeyRefusal(
          refusal({ error: 'Validation of body failed', issues: [issue(keys)] }),
          'integration',
        ),
      ).toBe(true);
  });

  it.each([
    ['another key refused', { error: 'Unrecognized key: livekit' }],
    ['another key, quoted', { error: 'Unrecognized key: "integrations"' }],
    ['a key that only starts alike', { error: 'Unrecognized keys: "integrationX", "tools"' }],
    [
      'a validation error of the key',
      {
        error: 'Validation of body failed',
        issues: [{ code: 'invalid_type', path: ['integration', 'url'], message: 'Invalid input' }],
      },
    ],
    [
      'the key refused below the top level',
      { error: 'Validation of body failed', issues: [issue(['integration'], ['avatar'])] },
    ],
    [
      'issues refusing another key',
      { error: 'Validation of body failed', issues: [issue(['tools'])] },
    ],
    ['a version error', { error: 'Invalid API Version' }],
    ['no error text', 'no body'],
    ['a text that merely mentions the key', { error: 'integration is not available on your plan' }],
  ])('refuses %s', (_what, body) => {
    expect(isUnrecognizedKeyRefusal(refusal(body), 'integration')).toBe(false);
  });

  it('needs a 400 RunwayAPIError', () => {
    expect(
      isUnrecognizedKeyRefusal(
        refusal({ error: 'Unrecognized key: integration' }, 422),
        'integration',
      ),
    ).toBe(false);
    const plain = Object.assign(new Error('x'), {
      statusCode: 400,
      runwayError: 'Unrecognized key: integration',
    });
    expect(isUnrecognizedKeyRefusal(plain, 'integration')).toBe(false);
    expect(isUnrecognizedKeyRefusal(undefined, 'integration')).toBe(false);
  });

  it('hosted has no key to refuse', () => {
    expect(isShapeRefusal(refusal({ error: 'Unrecognized key: hosted' }), 'hosted')).toBe(false);
  });

  it('lists the keys a refusal names', () => {
    expect(keysNamedByRefusal(`Unrecognized key(s) in object: 'a', 'b'`)).toEqual(['a', 'b']);
    expect(keysNamedByRefusal('Unrecognized key: livekit')).toEqual(['livekit']);
    expect(keysNamedByRefusal('Validation of body failed')).toEqual([]);
  });
});
