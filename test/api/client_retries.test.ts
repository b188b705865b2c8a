// RunwayClient retries, timeouts and aborts over a real loopback socket: backoff, Retry-After, the create
// rule (one request only when Runway may have acted), total timeouts, and AbortSignal.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunwayClient } from '../../src/api/client.js';
import { closeAllAgents } from '../../src/api/dispatcher.js';
import type { CreateSessionBody } from '../../src/api/types.js';
import { RunwayAPIError, RunwayConnectionError, RunwayTimeoutError } from '../../src/errors.js';
import {
  type ScriptedServer,
  type Step,
  startScriptedServer,
  unusedPort,
} from '../support/scripted_server.js';

const API_KEY = `key_${'cd'.repeat(64)}`;
const ID = '8f0c2b7e-3c1a-4d5e-9f00-1234567890ab';
const RUNNING = { id: ID, createdAt: '2026-05-08T19:50:32Z', status: 'RUNNING' };
const CREDS = { url: 'wss://runway.livekit.cloud', token: 'lk-jwt', roomName: 'rw-room' };
const BODY: CreateSessionBody = {
  model: 'gwm1_avatars',
  avatar: { type: 'runway-preset', presetId: 'influencer' },
};
const fail = (status: number, headers?: Record<string, string>): Step => ({
  kind: 'json',
  status,
  body: { error: `status ${status}` },
  ...(headers ? { headers } : {}),
});

let server: ScriptedServer;
const clientFor = (
  conn: { maxRetry?: number; retryIntervalMs?: number; timeoutMs?: number },
  cap?: number,
) =>
  new RunwayClient({
    apiKey: API_KEY,
    baseUrl: server.url,
    connOptions: { maxRetry: 3, retryIntervalMs: 20, timeoutMs: 2000, ...conn },
    ...(cap === undefined ? {} : { retryAfterCapMs: cap }),
  });
const gaps = () => server.requests.slice(1).map((r, i) => r.at - (server.requests[i]?.at ?? 0));
const caught = (p: Promise<unknown>) => p.then(() => undefined).catch((e: unknown) => e as Error);

beforeEach(async () => {
  server = await startScriptedServer();
});
afterEach(() => server.close());
afterAll(() => closeAllAgents());

describe('idempotent routes', () => {
  it('GET retries 429/5xx with growing backoff, then succeeds', async () => {
    server.push(fail(503), fail(500), fail(429), { kind: 'json', body: RUNNING });
    await expect(clientFor({ retryIntervalMs: 200 }).retrieveSession(ID)).resolves.toEqual(RUNNING);
    expect(server.requests).toHaveLength(4);
    // Bases for retryIntervalMs 200: 200, 50, 100 ms (+0–50 % jitter). Lower bounds only, minus slack.
    const [g1, g2, g3] = gaps();
    expect(g1).toBeGreaterThanOrEqual(190);
    expect(g2).toBeGreaterThanOrEqual(45);
    expect(g3).toBeGreaterThanOrEqual(95);
  });

  it('maxRetry is the number of retries: maxRetry 2 means 3 attempts, then the last error', async () => {
    server.fallback = fail(502);
    const err = await caught(clientFor({ maxRetry: 2 }).retrieveSession(ID));
    expect(RunwayAPIError.is(err)).toBe(true);
    expect((err as RunwayAPIError).statusCode).toBe(502);
    expect(server.requests).toHaveLength(3);
  });

  it('DELETE retries a reset connection', async () => {
    server.push({ kind: 'reset' }, { kind: 'text', status: 204 });
    await expect(clientFor({}).cancelSession(ID)).resolves.toBe('cancelled');
    expect(server.requests).toHaveLength(2);
  });

  it('honours Retry-After in seconds', async () => {
    server.push(fail(429, { 'retry-after': '1' }), { kind: 'json', body: RUNNING });
    await clientFor({ retryIntervalMs: 10 }).retrieveSession(ID);
    expect(gaps()[0]).toBeGreaterThanOrEqual(950);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const at = new Date(Date.now() + 2000);
    server.push(fail(503, { 'retry-after': at.toUTCString() }), { kind: 'json', body: RUNNING });
    await clientFor({ retryIntervalMs: 10 }).retrieveSession(ID);
    // Second resolution: the wait is between 1 and 2 s; the backoff alone would be ~10 ms.
    expect(gaps()[0]).toBeGreaterThanOrEqual(900);
  });

  it('caps Retry-After', async () => {
    server.push(fail(429, { 'retry-after': '3600' }), { kind: 'json', body: RUNNING });
    const started = Date.now();
    await clientFor({ retryIntervalMs: 10 }, 300).retrieveSession(ID);
    expect(gaps()[0]).toBeGreaterThanOrEqual(280);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('does not retry 400, 401, 404', async () => {
    for (const status of [400, 401, 404]) {
      server.requests.length = 0;
      server.push(fail(status));
      const err = await caught(clientFor({}).retrieveSession(ID));
      expect((err as RunwayAPIError).statusCode).toBe(status);
      expect(server.requests, String(status)).toHaveLength(1);
    }
  });
});

describe('the create rule', () => {
  for (const status of [500, 502, 504]) {
    it(`create is not retried on ${status}; the error says a session may exist`, async () => {
      server.push(fail(status), { kind: 'json', body: { id: ID } });
      const err = await caught(clientFor({}).createSession(BODY));
      expect(RunwayAPIError.is(err)).toBe(true);
      expect(err?.message).toMatch(/may have been created/);
      expect((err as RunwayAPIError).retryable).toBe(false);
      expect(server.requests).toHaveLength(1);
    });
  }

  it('create is not retried after a reset once the body was sent', async () => {
    server.push({ kind: 'reset' }, { kind: 'json', body: { id: ID } });
    const err = await caught(clientFor({}).createSession(BODY));
    expect(RunwayConnectionError.is(err)).toBe(true);
    expect(err?.message).toMatch(/lost the connection.*may have been created/);
    expect((err as RunwayConnectionError).retryable).toBe(false);
    expect(server.requests).toHaveLength(1);
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual(BODY);
  });

  it('create is not retried on a timeout (headers never sent)', async () => {
    server.push({ kind: 'hang' }, { kind: 'json', body: { id: ID } });
    const err = await caught(clientFor({ timeoutMs: 300 }).createSession(BODY));
    expect(RunwayTimeoutError.is(err)).toBe(true);
    expect(err?.message).toMatch(/timed out after 300 ms.*may have been created/);
    expect((err as RunwayTimeoutError).retryable).toBe(false);
    expect(server.requests).toHaveLength(1);
  });

  it('create IS retried on 429 and 503', async () => {
    server.push(fail(429), fail(503), { kind: 'json', body: { id: ID } });
    await expect(clientFor({}).createSession(BODY)).resolves.toEqual({ id: ID });
    expect(server.requests).toHaveLength(3);
  });

  it('create IS retried on a refused connection; the final error says no session was created', async () => {
    const port = await unusedPort();
    const client = new RunwayClient({
      apiKey: API_KEY,
      baseUrl: `http://127.0.0.1:${port}`,
      connOptions: { maxRetry: 2, retryIntervalMs: 20, timeoutMs: 2000 },
    });
    const err = await caught(client.createSession(BODY));
    expect(RunwayConnectionError.is(err)).toBe(true);
    expect(err?.message).toMatch(
      /could not connect .*ECONNREFUSED.* after 3 attempts; no session was created/,
    );
    expect((err?.cause as { code?: string } | undefined)?.code).toBe('ECONNREFUSED');
  });

  it('consume follows the same rule: not retried on 500, retried on 503', async () => {
    server.push(fail(500));
    const err = await caught(clientFor({}).consumeSession(ID, 'stk_x'));
    expect(err?.message).toMatch(/may have been consumed/);
    expect(server.requests).toHaveLength(1);
    server.requests.length = 0;
    server.push(fail(503), { kind: 'json', body: CREDS });
    await expect(clientFor({}).consumeSession(ID, 'stk_x')).resolves.toEqual(CREDS);
    expect(server.requests).toHaveLength(2);
  });
});

describe('timeouts and aborts', () => {
  it('the total timeout fires on a hang, per attempt, and GET retries it', async () => {
    server.fallback = { kind: 'hang' };
    const started = Date.now();
    const err = await caught(clientFor({ timeoutMs: 250, maxRetry: 1 }).retrieveSession(ID));
    expect(RunwayTimeoutError.is(err)).toBe(true);
    expect(err?.message).toMatch(/timed out after 250 ms per attempt \(2 attempts\)/);
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(480);
  });

  it('the total timeout fires on a slow body that never stops dribbling', async () => {
    server.push({ kind: 'slowBody', chunkIntervalMs: 40, chunks: 200 });
    const started = Date.now();
    const err = await caught(clientFor({ timeoutMs: 300, maxRetry: 0 }).retrieveSession(ID));
    expect(RunwayTimeoutError.is(err)).toBe(true);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(4000);
  });

  it('an AbortSignal cancels a request in flight at once, without retry', async () => {
    server.fallback = { kind: 'hang' };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const err = await caught(
      clientFor({ timeoutMs: 10_000 }).retrieveSession(ID, { signal: controller.signal }),
    );
    expect(err?.name).toBe('AbortError');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(server.requests).toHaveLength(1);
  });

  it('an AbortSignal cancels a pending retry wait at once', async () => {
    server.push(fail(503, { 'retry-after': '20' }), { kind: 'json', body: RUNNING });
    const controller = new AbortController();
    const started = Date.now();
    const pending = caught(clientFor({}).retrieveSession(ID, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 150);
    const err = await pending;
    expect(err?.name).toBe('AbortError');
    expect(Date.now() - started).toBeLessThan(5000);
    await new Promise((r) => setTimeout(r, 100));
    expect(server.requests).toHaveLength(1);
  });

  it('a create already sent is awaited after an abort: its session id comes back, to be ended', async () => {
    server.push({ kind: 'json', status: 200, body: { id: ID }, delayMs: 400 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const created = await clientFor({}).createSession(BODY, { signal: controller.signal });
    expect(created.id).toBe(ID);
    expect(controller.signal.aborted).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(server.requests).toHaveLength(1);
  });

  it('a create aborted during its retry wait is not sent again', async () => {
    server.push(fail(503, { 'retry-after': '20' }), { kind: 'json', body: { id: ID } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const err = await caught(clientFor({}).createSession(BODY, { signal: controller.signal }));
    expect(err?.name).toBe('AbortError');
    await new Promise((r) => setTimeout(r, 100));
    expect(server.requests).toHaveLength(1);
  });

  it('an already aborted signal sends nothing', async () => {
    const err = await caught(clientFor({}).createSession(BODY, { signal: AbortSignal.abort() }));
    expect(err?.name).toBe('AbortError');
    expect(server.requests).toHaveLength(0);
  });
});
