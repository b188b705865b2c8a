// connOptions, apiKey and apiUrl are validated once: AvatarSession's options and RunwayClient accept and
// refuse exactly the same values (they disagreed on retryIntervalMs 2.5 and on http://api.localhost).
import { describe, expect, it } from 'vitest';
import { RunwayClient } from '../../../src/api/client.js';
import { RunwayOptionError } from '../../../src/errors.js';
import { resolveOptions } from '../../../src/options.js';

const KEY = `key_${'0f'.repeat(32)}`;

function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'accepted';
  } catch (error) {
    expect(RunwayOptionError.is(error)).toBe(true);
    return `refused: ${(error as RunwayOptionError).option}`;
  }
}

const CASES: [
  string,
  { apiKey?: string; apiUrl?: string; connOptions?: Record<string, unknown> },
][] = [
  ['retryIntervalMs 2.5', { connOptions: { retryIntervalMs: 2.5 } }],
  ['retryIntervalMs 0', { connOptions: { retryIntervalMs: 0 } }],
  ['timeoutMs 3e9', { connOptions: { timeoutMs: 3e9 } }],
  ['timeoutMs 1', { connOptions: { timeoutMs: 1 } }],
  ['maxRetry 10', { connOptions: { maxRetry: 10 } }],
  ['maxRetry 11', { connOptions: { maxRetry: 11 } }],
  ['an unknown connOptions key', { connOptions: { timeout: 1 } }],
  ['http://api.localhost', { apiUrl: 'http://api.localhost:9' }],
  ['http://[::ffff:127.0.0.1]', { apiUrl: 'http://[::ffff:127.0.0.1]:9' }],
  ['http://[::ffff:10.0.0.5]', { apiUrl: 'http://[::ffff:10.0.0.5]:9' }],
  ['http://127.0.0.1', { apiUrl: 'http://127.0.0.1:9' }],
  ['https with credentials', { apiUrl: 'https://u:p@api.example.com' }],
  ['a key with a newline', { apiKey: `${KEY}\n` }],
];

describe('one validator for the client options', () => {
  it.each(CASES)('%s: AvatarSession options and RunwayClient agree', (_what, patch) => {
    const apiKey = patch.apiKey ?? KEY;
    const apiUrl = patch.apiUrl ?? 'https://api.example.com';
    const viaOptions = outcome(() =>
      resolveOptions(
        { presetId: 'cat-character', apiKey, apiUrl, connOptions: patch.connOptions as never },
        {},
      ),
    );
    const viaClient = outcome(
      () => new RunwayClient({ apiKey, baseUrl: apiUrl, connOptions: patch.connOptions as never }),
    );
    expect(viaClient).toBe(viaOptions);
  });

  it('refuses 2.5 ms and accepts api.localhost on both sides', () => {
    expect(
      outcome(
        () =>
          new RunwayClient({
            apiKey: KEY,
            baseUrl: 'https://a.example',
            connOptions: { retryIntervalMs: 2.5 },
          }),
      ),
    ).toBe('refused: connOptions.retryIntervalMs');
    expect(outcome(() => new RunwayClient({ apiKey: KEY, baseUrl: 'http://api.localhost' }))).toBe(
      'accepted',
    );
  });
});
