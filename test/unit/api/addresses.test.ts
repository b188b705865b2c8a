// Loopback and non-public host classification (one home: src/api/addresses.ts), used to guard the API key
// and Runway's reachability. IPv4-mapped IPv6 hosts are classified as the IPv4 address they carry.
import { describe, expect, it } from 'vitest';
import { ipv6Groups, isLoopbackHost, isNonPublicHost } from '../../../src/api/addresses.js';

const hostOf = (url: string) => new URL(url).hostname;

describe('addresses', () => {
  it.each([
    'localhost',
    'api.localhost',
    '127.0.0.1',
    '127.1.2.3',
    '::1',
    '[::1]',
    '[0:0:0:0:0:0:0:1]',
    '[::ffff:127.0.0.1]',
    hostOf('http://[::ffff:127.0.0.1]:8080/'),
    hostOf('http://api.localhost/'),
  ])('%s is loopback', (h) => {
    expect(isLoopbackHost(h)).toBe(true);
    expect(isNonPublicHost(h)).toBe(true);
  });
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
    '::',
    '[::ffff:10.0.0.5]',
    hostOf('wss://[::ffff:10.0.0.5]/'),
    hostOf('wss://[::ffff:192.168.0.1]:7880/'),
    '[::ffff:a9fe:101]',
  ])('%s is not public', (h) => {
    expect(isLoopbackHost(h)).toBe(false);
    expect(isNonPublicHost(h)).toBe(true);
  });
  it.each([
    'example.livekit.cloud',
    '8.8.8.8',
    '172.32.0.1',
    '2001:db8::1',
    '192.169.0.1',
    '[::ffff:8.8.8.8]',
    hostOf('wss://[::ffff:8.8.8.8]/'),
  ])('%s is public', (h) => {
    expect(isLoopbackHost(h)).toBe(false);
    expect(isNonPublicHost(h)).toBe(false);
  });
  it('expands IPv6 literals', () => {
    expect(ipv6Groups('::ffff:7f00:1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]);
    expect(ipv6Groups('::ffff:127.0.0.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]);
    expect(ipv6Groups('fe80::1%eth0')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Groups('example.com')).toBeUndefined();
  });
});
