// LiveKit credentials resolution and the check that Runway's cloud can reach the LiveKit URL.
import { describe, expect, it } from 'vitest';
import { RunwayOptionError } from '../../../src/errors.js';
import {
  assertReachableByRunway,
  resolveLiveKitCredentials,
} from '../../../src/livekit/credentials.js';

describe('resolveLiveKitCredentials', () => {
  const env = {
    LIVEKIT_URL: 'wss://a.livekit.cloud',
    LIVEKIT_API_KEY: 'k',
    LIVEKIT_API_SECRET: 's',
  };
  it('falls back to the environment', () => {
    expect(resolveLiveKitCredentials({}, env)).toEqual({
      url: env.LIVEKIT_URL,
      apiKey: 'k',
      apiSecret: 's',
    });
  });
  it('prefers arguments', () => {
    expect(
      resolveLiveKitCredentials({ livekitUrl: 'wss://b.example', livekitApiKey: 'k2' }, env),
    ).toEqual({
      url: 'wss://b.example',
      apiKey: 'k2',
      apiSecret: 's',
    });
  });
  it('names every missing value and never prints the secret', () => {
    try {
      resolveLiveKitCredentials({ livekitApiSecret: 'topsecret' }, {});
      throw new Error('no error');
    } catch (error) {
      expect(RunwayOptionError.is(error)).toBe(true);
      const message = (error as Error).message;
      expect(message).toContain('livekitUrl (or LIVEKIT_URL)');
      expect(message).toContain('livekitApiKey (or LIVEKIT_API_KEY)');
      expect(message).not.toContain('LIVEKIT_API_SECRET');
      expect(message).not.toContain('topsecret');
    }
  });
  it('rejects a URL with another scheme', () => {
    expect(() => resolveLiveKitCredentials({ livekitUrl: 'ftp://x' }, env)).toThrow(
      /scheme "ftp:"/,
    );
  });
});

describe('assertReachableByRunway', () => {
  const runway = 'https://api.dev.runwayml.com';
  it('accepts a public wss URL', () => {
    expect(() => assertReachableByRunway('wss://proj.livekit.cloud', runway)).not.toThrow();
  });
  it.each([
    'ws://proj.livekit.cloud',
    'wss://localhost:7880',
    'wss://192.168.1.20',
    'ws://127.0.0.1:7880',
    'wss://[::ffff:10.0.0.5]',
    'wss://[::ffff:127.0.0.1]:7880',
    'wss://[::ffff:192.168.1.20]',
  ])('rejects %s when the API is Runway', (url) => {
    expect(() => assertReachableByRunway(url, runway)).toThrow(/public wss:\/\/ or https:\/\/ URL/);
  });
  it('allows anything when the API is a loopback emulator', () => {
    expect(() =>
      assertReachableByRunway('ws://127.0.0.1:7880', 'http://127.0.0.1:4010'),
    ).not.toThrow();
  });
});
