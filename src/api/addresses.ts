// Address classification, the one home for it: loopback hosts (may receive the API key over http) and
// hosts Runway's cloud cannot reach. IPv4-mapped IPv6 literals are classified as the IPv4 they carry.
import { isIP } from 'node:net';

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function ipv4Octets(host: string): number[] | undefined {
  if (isIP(host) !== 4) return undefined;
  return host.split('.').map(Number);
}

/**
 * The eight 16-bit groups of an IPv6 literal (`::` expanded, a dotted IPv4 tail converted), or undefined
 * when `host` is not one. `new URL()` writes `[::ffff:127.0.0.1]` as `[::ffff:7f00:1]`: both parse here.
 */
export function ipv6Groups(host: string): number[] | undefined {
  if (isIP(host) !== 6) return undefined;
  let text = host.replace(/%.*$/, ''); // a zone id names an interface, not an address
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = tail[1].split('.').map(Number);
    text = `${text.slice(0, -tail[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const fill = rest === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  const groups = [...left, ...fill, ...right].map((g) => Number.parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : undefined;
}

/** The IPv4 address an IPv4-mapped IPv6 literal (`::ffff:a.b.c.d`, RFC 4291 §2.5.5.2) carries. */
function mappedIpv4(host: string): string | undefined {
  const g = ipv6Groups(host);
  if (!g || g.slice(0, 5).some((x) => x !== 0) || g[5] !== 0xffff) return undefined;
  const [hi = 0, lo = 0] = g.slice(6);
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

/** Lower-cased host without brackets; an IPv4-mapped IPv6 literal becomes its IPv4 address. */
function normalHost(hostname: string): string {
  const host = stripBrackets(hostname.toLowerCase());
  return mappedIpv4(host) ?? host;
}

/** True for `localhost` (and `*.localhost`), 127.0.0.0/8, ::1 and `::ffff:127.x.y.z`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = normalHost(hostname);
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const v6 = ipv6Groups(host);
  if (v6) return v6.slice(0, 7).every((x) => x === 0) && v6[7] === 1;
  return ipv4Octets(host)?.[0] === 127;
}

/**
 * True for hosts a cloud service cannot reach: loopback, private, link-local, CGNAT, unspecified,
 * unique-local and link-local IPv6 (and IPv4-mapped forms of those), single-label, `.local`, `.internal`.
 */
export function isNonPublicHost(hostname: string): boolean {
  const host = normalHost(hostname);
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
  const v6 = ipv6Groups(host);
  if (v6) {
    const first = v6[0] ?? 0;
    return v6.every((x) => x === 0) || (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80;
  }
  return false;
}
