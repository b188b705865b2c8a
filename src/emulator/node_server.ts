// node:http glue for the fetch app, with the socket-level faults (reset, hang, slow body).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { matchRoute, SocketFault } from './app.js';
import type { Emulator } from './emulator.js';
import type { FaultSpec } from './faults.js';

/** A listening server; `close()` destroys open sockets (hung requests included). */
export interface NodeServerHandle {
  url: string;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

function toHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (!HOP_BY_HOP.has(name)) headers.append(name, raw[i + 1] as string);
  }
  return headers;
}

async function collect(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function reset(req: IncomingMessage): void {
  const socket = req.socket;
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  if (response.body === null) {
    res.writeHead(response.status, headers).end();
    return;
  }
  if (!response.headers.has('content-length')) {
    const bytes = Buffer.from(await response.arrayBuffer());
    headers['content-length'] = String(bytes.length);
    res.writeHead(response.status, headers).end(bytes);
    return;
  }
  // Streamed (slow body): headers first, then each chunk as the app produces it.
  res.writeHead(response.status, headers);
  res.flushHeaders();
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) throw new SocketFault('aborted');
      res.write(value);
    }
    res.end();
  } catch {
    await reader.cancel().catch(() => {});
    res.destroy();
  }
}

/** Listens on `host:port` and serves the emulator's app; sets `emulator.url`. */
export async function listen(
  emulator: Emulator,
  host: string,
  port: number,
): Promise<NodeServerHandle> {
  const server: Server = createServer((req, res) => {
    void handle(emulator, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${hostPart}:${address.port}`;
  emulator.url = url;
  let closing: Promise<void> | undefined;
  return {
    url,
    close() {
      closing ??= new Promise<void>((resolve) => {
        emulator.shutdown();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function handle(
  emulator: Emulator,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const gone = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) gone.abort();
  });
  try {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', emulator.url);
    const match = matchRoute(method, url.pathname);
    const fault: FaultSpec | null =
      match.kind === 'route' ? (emulator.faults.take(match.route) ?? null) : null;
    const skipBody = fault?.kind === 'reset' && (fault.when ?? 'before-body') === 'before-body';
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const body = hasBody && !skipBody ? await collect(req) : undefined;
    const request = new Request(url, {
      method,
      headers: toHeaders(req),
      signal: gone.signal,
      ...(body && body.length > 0 ? { body } : {}),
    });
    const response = await emulator.fetch(request, { fault });
    await send(res, response);
  } catch (err) {
    if (err instanceof SocketFault && err.reason === 'reset') reset(req);
    else if (err instanceof SocketFault) res.destroy();
    else if (!res.headersSent)
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end('{"error":"Internal server error"}');
    else res.destroy();
  }
}
