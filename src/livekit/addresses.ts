// Address classification: loopback hosts (may receive the API key over http) and hosts Runway's cloud cannot reach.
import { isIP } from 'node:net';

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function ipv4Octets(host: string): number[] | undefined {
  if (isIP(host) !== 4) return undefined;
  return host.split('.').map(Number);
}

/** True for `localhost`, 127.0.0.0/8 and ::1. */
export function isLoopbackHost(hostname: string): boolean {
  const host = stripBrackets(hostname.toLowerCase());
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1') return true;
  return ipv4Octets(host)?.[0] === 127;
}

/** True for hosts that a cloud service cannot reach: loopback, private, link-local, CGNAT, `.local`. */
export function isNonPublicHost(hostname: string): boolean {
  const host = stripBrackets(hostname.toLowerCase());
  if (isLoopbackHost(host) || host.endsWith('.local') || host.endsWith('.internal')) return true;
  if (!host.includes('.') && isIP(host) === 0) return true; // single-label names resolve only locally
  const v4 = ipv4Octets(host);
  if (v4) {
    const [a = 0, b = 0] = v4;
    return (
      a === 0 ||
      a === 10 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (isIP(host) === 6) {
    return host === '::' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host);
  }
  return false;
}
