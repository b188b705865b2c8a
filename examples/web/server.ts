// The web viewer's local server: the page, its bundled script, and a token endpoint for one room, on 127.0.0.1.
//
// Standalone: LIVEKIT_URL=... LIVEKIT_API_KEY=... LIVEKIT_API_SECRET=... \
//   npx tsx examples/web/server.ts --room <room> [--port 8090]
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { AccessToken } from 'livekit-server-sdk';
import { bundleViewer } from './bundle.js';
import type { BrowserSnapshot, ViewerTokenResponse } from './protocol.js';

const PAGE = fileURLToPath(new URL('./index.html', import.meta.url));

/** Options of {@link startViewerServer}. */
export interface ViewerServerOptions {
  /** The LiveKit server the page connects to (`ws://` or `wss://`), as the browser reaches it. */
  livekitUrl: string;
  apiKey: string;
  /** Signs the viewers' tokens; never sent anywhere. */
  apiSecret: string;
  /** The room every token is for. */
  room: string;
  /** Port on 127.0.0.1; default 0 (a free one). */
  port?: number;
  /** Viewer identities are `<prefix>-<random>`; default `viewer`. */
  identityPrefix?: string;
  /**
   * `GET /token` answers only once this settles (the page waits): lets a caller hand out tokens only
   * after the room exists, while the page is already open.
   */
  tokenGate?: Promise<unknown>;
  /**
   * Receives the page's greyscale snapshots of the avatar (`POST /snapshot`), asked for every
   * `snapshotEveryMs` (default 1000). Without it the page sends none and the route does not exist.
   */
  onSnapshot?: (snapshot: BrowserSnapshot) => void;
  snapshotEveryMs?: number;
}

/** Largest snapshot body accepted, bytes (a 272-wide frame is ~65 kB as base64). */
const MAX_SNAPSHOT_BYTES = 512 * 1024;

/** The snapshot in `body`, or null when it is not a well-formed one. Pure. */
export function parseSnapshot(body: string): BrowserSnapshot | null {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return null;
  }
  const s = v as Partial<BrowserSnapshot> | null;
  const dim = (n: unknown): n is number =>
    Number.isInteger(n) && (n as number) > 0 && (n as number) <= 2048;
  if (!s || typeof s.atMs !== 'number' || !dim(s.width) || !dim(s.height)) return null;
  if (typeof s.luma !== 'string' || Buffer.byteLength(s.luma, 'base64') !== s.width * s.height) {
    return null;
  }
  return { atMs: s.atMs, width: s.width, height: s.height, luma: s.luma };
}

function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        resolve(null);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(null));
  });
}

/** A running viewer server. */
export interface ViewerServer {
  /** `http://127.0.0.1:<port>/`: open it in a browser. */
  url: string;
  /** Tokens handed out so far (one per page load). */
  readonly tokensIssued: number;
  /** Resolves when a page first asks for a token (a browser has the page open). */
  readonly pageOpened: Promise<void>;
  close(): Promise<void>;
}

/**
 * Serves the viewer on 127.0.0.1 only. `GET /token` mints a subscribe-only token (no publishing, no
 * data) for a fresh identity in the configured room, valid 1 hour. Requests whose `Host` is not this
 * loopback address are refused, so a web page elsewhere cannot fetch tokens through DNS rebinding.
 */
export async function startViewerServer(opts: ViewerServerOptions): Promise<ViewerServer> {
  const [page, script] = await Promise.all([readFile(PAGE), bundleViewer()]);
  let issued = 0;
  let markOpened!: () => void;
  const pageOpened = new Promise<void>((resolve) => {
    markOpened = resolve;
  });
  let allowedHosts = new Set<string>();
  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer) => {
    res.writeHead(status, {
      'content-type': type,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.end(body);
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (!allowedHosts.has(req.headers.host ?? '')) {
      return send(res, 421, 'text/plain', 'this server answers only on its loopback address\n');
    }
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/snapshot' && req.method === 'POST' && opts.onSnapshot) {
      const body = await readBody(req, MAX_SNAPSHOT_BYTES);
      const snapshot = body === null ? null : parseSnapshot(body);
      if (!snapshot) return send(res, 400, 'text/plain', 'not a snapshot\n');
      opts.onSnapshot(snapshot);
      return send(res, 204, 'text/plain', '');
    }
    if (req.method !== 'GET') return send(res, 405, 'text/plain', 'GET only\n');
    switch (path) {
      case '/':
      case '/index.html':
        return send(res, 200, 'text/html; charset=utf-8', page);
      case '/viewer.js':
        return send(res, 200, 'text/javascript; charset=utf-8', script);
      case '/token': {
        markOpened();
        await opts.tokenGate?.catch(() => {});
        const identity = `${opts.identityPrefix ?? 'viewer'}-${randomBytes(3).toString('hex')}`;
        const at = new AccessToken(opts.apiKey, opts.apiSecret, { identity, ttl: '1h' });
        at.addGrant({
          room: opts.room,
          roomJoin: true,
          canSubscribe: true,
          canPublish: false,
          canPublishData: false,
        });
        const body: ViewerTokenResponse = {
          url: opts.livekitUrl,
          token: await at.toJwt(),
          room: opts.room,
          identity,
          ...(opts.onSnapshot ? { snapshotEveryMs: opts.snapshotEveryMs ?? 1000 } : {}),
        };
        issued++;
        return send(res, 200, 'application/json', JSON.stringify(body));
      }
      case '/favicon.ico':
        return send(res, 204, 'text/plain', '');
      default:
        return send(res, 404, 'text/plain', 'not found\n');
    }
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, 'text/plain', 'internal error\n'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  return {
    url: `http://127.0.0.1:${port}/`,
    get tokensIssued() {
      return issued;
    },
    pageOpened,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function main(argv: string[]): Promise<void> {
  const flag = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const room = flag('--room');
  const { LIVEKIT_URL: url, LIVEKIT_API_KEY: key, LIVEKIT_API_SECRET: secret } = process.env;
  if (!room || !url || !key || !secret) {
    process.stderr.write(
      'usage: LIVEKIT_URL=... LIVEKIT_API_KEY=... LIVEKIT_API_SECRET=... npx tsx examples/web/server.ts --room <room> [--port N]\n',
    );
    process.exit(2);
  }
  const port = Number(flag('--port') ?? 0);
  const server = await startViewerServer({
    livekitUrl: url,
    apiKey: key,
    apiSecret: secret,
    room,
    port,
  });
  process.stdout.write(`viewer for room ${room}: ${server.url}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`viewer server: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
