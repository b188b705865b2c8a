// Loopback and non-public host classification, used to guard the API key and Runway's reachability.
import { describe, expect, it } from 'vitest';
import { isLoopbackHost, isNonPublicHost } from '../../../src/livekit/addresses.js';

describe('addresses', () => {
  it.each(['localhost', 'api.localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]'])(
    '%s is loopback',
    (h) => {
      expect(isLoopbackHost(h)).toBe(true);
      expect(isNonPublicHost(h)).toBe(true);
    },
  );
  it.each([
    '10.0.0.1',
    '172.16.5.4',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.1.1',
    '100.64.0.1',
    'fd00::2',
    'fe80::1',
    'box.local',
    'myserver',
    '0.0.0.0',
  ])('%s is not public', (h) => {
    expect(isLoopbackHost(h)).toBe(false);
    expect(isNonPublicHost(h)).toBe(true);
  });
  it.each(['example.livekit.cloud', '8.8.8.8', '172.32.0.1', '2001:db8::1', '192.169.0.1'])(
    '%s is public',
    (h) => {
      expect(isNonPublicHost(h)).toBe(false);
    },
  );
});
