// A scriptable node:http server on 127.0.0.1:0 for fault injection: each request takes the next scripted step
// (JSON answer, raw status, reset after the body, hang, slow body) and is recorded with its connection.
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the server does with one request. Every step reads the whole request body first. */
export type Step =
  | {
      kind: 'json';
      status?: number;
      body: unknown;
      headers?: Record<string, string>;
      /** Answer only after this long (the request was processed meanwhile). */
      delayMs?: number;
    }
  | { kind: 'text'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'slowBody'; status?: number; chunkIntervalMs: number; chunks: number };

/** One request as the server saw it. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** 1-based index of the TCP connection it came on. */
  connection: number;
  /** `Date.now()` when the request body was complete. */
  at: number;
}

/** A running scripted server. */
export interface ScriptedServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Number of TCP connections accepted so far. */
  readonly connections: number;
  /** Queues steps, taken in order by the next requests. */
  push(...steps: Step[]): void;
  /** The step used when the queue is empty (default: 500 `{"error":"no scripted step"}`). */
  fallback: Step;
  close(): Promise<void>;
}

const socketIds = new WeakMap<Socket, number>();

function run(step: Step, res: import('node:http').ServerResponse, socket: Socket): void {
  switch (step.kind) {
    case 'json': {
      if (step.delayMs) {
        const delayed = { ...step, delayMs: 0 };
        const timer = setTimeout(() => run(delayed, res, socket), step.delayMs);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      const text = JSON.stringify(step.body);
      res.writeHead(step.status ?? 200, { 'content-type': 'application/json', ...step.headers });
      res.end(text);
      return;
    }
    case 'text':
      res.writeHead(step.status, step.headers ?? {});
      res.end(step.body ?? '');
      return;
    case 'reset':
      socket.destroy();
      return;
    case 'hang':
      return;
    case 'slowBody': {
      res.writeHead(step.status ?? 200, { 'content-type': 'application/json' });
      let sent = 0;
      const timer = setInterval(() => {
        if (res.destroyed || sent >= step.chunks) {
          clearInterval(timer);
          if (!res.destroyed) res.end();
          return;
        }
        sent++;
        res.write(' ');
      }, step.chunkIntervalMs);
      res.on('close', () => clearInterval(timer));
      return;
    }
  }
}

/** Starts a scripted server on 127.0.0.1, port 0. */
export async function startScriptedServer(): Promise<ScriptedServer> {
  const queue: Step[] = [];
  let connections = 0;
  const server: Server = createServer();
  const state: ScriptedServer = {
    url: '',
    port: 0,
    requests: [],
    get connections() {
      return connections;
    },
    push: (...steps) => {
      queue.push(...steps);
    },
    fallback: { kind: 'json', status: 500, body: { error: 'no scripted step' } },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  server.on('connection', (socket: Socket) => {
    connections++;
    socketIds.set(socket, connections);
  });
  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      state.requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        connection: socketIds.get(req.socket) ?? 0,
        at: Date.now(),
      });
      run(queue.shift() ?? state.fallback, res, req.socket);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  state.port = port;
  state.url = `http://127.0.0.1:${port}`;
  return state;
}

/** A loopback port with nothing listening (bound, then released): connecting to it is refused. */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}
