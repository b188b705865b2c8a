// One Runway API base URL in front of several emulators, each with its own provisioning delay: every
// create goes to one picked at random (seeded), every later request of that session to the same one.
// Real provisioning varies from session to session; one emulator has a single fixed delay.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type EmulatedSession,
  type EmulatorOptions,
  type RunningEmulator,
  startEmulator,
} from '../../src/emulator/index.js';

/** A started mix; `url` and `apiKey` are what a client uses. */
export interface EmulatorMix {
  readonly url: string;
  readonly apiKey: string;
  /** The emulators, one per provisioning delay, in the order given. */
  readonly emulators: readonly RunningEmulator[];
  /** The emulator that owns a session. */
  emulatorOf(sessionId: string): RunningEmulator | undefined;
  /** Snapshot of a session from its emulator. */
  session(sessionId: string): EmulatedSession | undefined;
  /** Provisioning delay of the emulator that owns a session, ms. */
  provisioningOf(sessionId: string): number | undefined;
  /** Sessions RUNNING (billing) and sessions not in a terminal status, over every emulator. */
  leftOver(): { sessionsBilling: number; notEnded: number; sessions: number };
  close(): Promise<void>;
}

/** Options of {@link startEmulatorMix}. */
export interface EmulatorMixOptions {
  /** One emulator per entry, with that `provisioningMs`. */
  provisioningMs: readonly number[];
  /** Seed of the pick (same seed, same sequence of delays). */
  seed: number;
  /** Other emulator options, shared by all. */
  emulator?: Omit<EmulatorOptions, 'provisioningMs' | 'apiKey' | 'port' | 'host'>;
}

/** Small seeded PRNG (mulberry32): uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);
const SESSION_PATH = /^\/v1\/realtime_sessions\/([^/]+)(?:\/consume)?$/;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function requestHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    if (name !== 'connection' && name !== 'keep-alive' && name !== 'content-length') {
      headers.append(name, req.rawHeaders[i + 1]!);
    }
  }
  return headers;
}

/** Starts the emulators and the front server on 127.0.0.1, port 0. */
export async function startEmulatorMix(opts: EmulatorMixOptions): Promise<EmulatorMix> {
  if (opts.provisioningMs.length === 0)
    throw new RangeError('provisioningMs needs at least one delay');
  const first = await startEmulator({ ...opts.emulator, provisioningMs: opts.provisioningMs[0] });
  const rest = await Promise.all(
    opts.provisioningMs
      .slice(1)
      .map((ms) => startEmulator({ ...opts.emulator, provisioningMs: ms, apiKey: first.apiKey })),
  );
  const emulators = [first, ...rest];
  const owner = new Map<string, number>();
  const pick = seededRandom(opts.seed);

  const forward = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://front.invalid').pathname;
    const id = SESSION_PATH.exec(path)?.[1];
    const index = id === undefined ? Math.floor(pick() * emulators.length) : (owner.get(id) ?? 0);
    const target = emulators[index]!;
    const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req);
    const response = await target.fetch(
      new Request(new URL(req.url ?? '/', target.url), {
        method,
        headers: requestHeaders(req),
        ...(body && body.length > 0 ? { body } : {}),
      }),
    );
    const bytes = Buffer.from(await response.arrayBuffer());
    if (id === undefined && method === 'POST' && response.status === 200) {
      const created = JSON.parse(bytes.toString('utf8')) as { id: string };
      owner.set(created.id, index);
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    headers['content-length'] = String(bytes.length);
    res.writeHead(response.status, headers).end(bytes);
  };

  const server = createServer((req, res) => {
    forward(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const emulatorOf = (sessionId: string) => {
    const i = owner.get(sessionId);
    return i === undefined ? undefined : emulators[i];
  };
  return {
    url,
    apiKey: first.apiKey,
    emulators,
    emulatorOf,
    session: (sessionId) => emulatorOf(sessionId)?.session(sessionId),
    provisioningOf: (sessionId) => {
      const i = owner.get(sessionId);
      return i === undefined ? undefined : opts.provisioningMs[i];
    },
    leftOver() {
      const all = emulators.flatMap((e) => e.sessions());
      return {
        sessions: all.length,
        sessionsBilling: emulators.reduce((n, e) => n + e.billing().sessionsBilling, 0),
        notEnded: all.filter((s) => !TERMINAL.has(s.status)).length,
      };
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.all(emulators.map((e) => e.close()));
    },
  };
}
