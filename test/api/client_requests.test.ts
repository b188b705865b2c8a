// RunwayClient over a real loopback socket: request shapes and headers, base URL, options, keep-alive,
// cancel outcomes, error bodies and unexpected response shapes.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunwayClient } from '../../src/api/client.js';
import { closeAllAgents } from '../../src/api/dispatcher.js';
import { RunwayAPIError, RunwayOptionError } from '../../src/errors.js';
import { USER_AGENT } from '../../src/version.js';
import { type ScriptedServer, startScriptedServer } from '../support/scripted_server.js';

const API_KEY = `key_${'ab'.repeat(64)}`;
const SESSION_KEY = 'stk_eyJhbGciOiJIUzI1NiJ9.c2Vzc2lvbg.c2ln';
const ID = '8f0c2b7e-3c1a-4d5e-9f00-1234567890ab';
const CREATED_AT = '2026-05-08T19:50:32.535Z';
const conn = { maxRetry: 2, retryIntervalMs: 20, timeoutMs: 2000 };
/** The rejection of `p` (typed as a RunwayAPIError for property checks); fails the test if `p` resolves. */
const rejection = <E = RunwayAPIError>(p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('resolved, expected a rejection');
    },
    (e: unknown) => e as E,
  );

let server: ScriptedServer;
let client: RunwayClient;

beforeEach(async () => {
  server = await startScriptedServer();
  client = new RunwayClient({ apiKey: API_KEY, baseUrl: server.url, connOptions: conn });
});
afterEach(() => server.close());
afterAll(() => closeAllAgents());

describe('request shapes', () => {
  it('createSession: POST with the API key, JSON body and every header', async () => {
    server.push({ kind: 'json', body: { id: ID } });
    const body = {
      model: 'gwm1_avatars',
      avatar: { type: 'runway-preset', presetId: 'cat-character' },
      maxDuration: 60,
    } as const;
    await expect(client.createSession(body)).resolves.toEqual({ id: ID });
    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/v1/realtime_sessions');
    expect(JSON.parse(req?.body ?? '')).toEqual(body);
    expect(req?.headers).toMatchObject({
      authorization: `Bearer ${API_KEY}`,
      'x-runway-version': '2024-11-06',
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': USER_AGENT,
    });
  });

  it('retrieveSession: GET without a body nor content-type', async () => {
    const ready = {
      id: ID,
      createdAt: CREATED_AT,
      status: 'READY',
      expiresAt: '2026-05-08T19:55:32.535Z',
      sessionKey: SESSION_KEY,
    };
    server.push({ kind: 'json', body: { ...ready, unexpected: 'stripped' } });
    await expect(client.retrieveSession(ID)).resolves.toEqual(ready);
    const [req] = server.requests;
    expect(req?.method).toBe('GET');
    expect(req?.url).toBe(`/v1/realtime_sessions/${ID}`);
    expect(req?.body).toBe('');
    expect(req?.headers['content-type']).toBeUndefined();
    expect(req?.headers).toMatchObject({
      authorization: `Bearer ${API_KEY}`,
      'x-runway-version': '2024-11-06',
      accept: 'application/json',
      'user-agent': USER_AGENT,
    });
  });

  it('cancelSession: DELETE; 204 is cancelled, 404 is gone, other errors throw', async () => {
    server.push(
      { kind: 'text', status: 204 },
      { kind: 'json', status: 404, body: { error: 'Not found' } },
      { kind: 'json', status: 401, body: { error: 'Invalid API key' } },
    );
    await expect(client.cancelSession(ID)).resolves.toBe('cancelled');
    await expect(client.cancelSession(ID)).resolves.toBe('gone');
    const err = await rejection(client.cancelSession(ID));
    expect(RunwayAPIError.is(err)).toBe(true);
    expect((err as RunwayAPIError).statusCode).toBe(401);
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(
      Array(3).fill(`DELETE /v1/realtime_sessions/${ID}`),
    );
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it('consumeSession: POST {} with the sessionKey as Bearer, never the API key', async () => {
    const creds = { url: 'wss://runway.livekit.cloud', token: 'lk-jwt', roomName: 'rw-room' };
    server.push({ kind: 'json', body: creds });
    await expect(client.consumeSession(ID, SESSION_KEY)).resolves.toEqual(creds);
    const [req] = server.requests;
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe(`/v1/realtime_sessions/${ID}/consume`);
    expect(req?.body).toBe('{}');
    expect(req?.headers).toMatchObject({
      authorization: `Bearer ${SESSION_KEY}`,
      'content-type': 'application/json',
      'x-runway-version': '2024-11-06',
    });
    expect(JSON.stringify(req?.headers)).not.toContain(API_KEY);
  });

  it('keeps a path prefix of the base URL and normalises a trailing slash', async () => {
    const prefixed = new RunwayClient({
      apiKey: API_KEY,
      baseUrl: `${server.url}/proxy/runway/`,
      connOptions: conn,
    });
    expect(prefixed.baseUrl).toBe(`${server.url}/proxy/runway`);
    expect(prefixed.origin).toBe(server.url);
    server.push({ kind: 'text', status: 204 });
    await prefixed.cancelSession(ID);
    expect(server.requests[0]?.url).toBe(`/proxy/runway/v1/realtime_sessions/${ID}`);
    expect(new RunwayClient({ apiKey: API_KEY, baseUrl: `${server.url}/` }).baseUrl).toBe(
      server.url,
    );
  });

  it('reuses one keep-alive connection for sequential requests', async () => {
    const running = { id: ID, createdAt: CREATED_AT, status: 'RUNNING' };
    server.push(...Array(4).fill({ kind: 'json', body: running }));
    for (let i = 0; i < 4; i++) await client.retrieveSession(ID);
    expect(server.requests).toHaveLength(4);
    expect(server.connections).toBe(1);
    expect(new Set(server.requests.map((r) => r.connection))).toEqual(new Set([1]));
  });
});

describe('options and input validation (before any request)', () => {
  it('refuses http:// to a non-loopback host, naming apiUrl', () => {
    for (const baseUrl of [
      'http://api.dev.runwayml.com',
      'http://10.0.0.5:8080',
      'http://[fe80::1]/',
    ]) {
      let err: unknown;
      try {
        new RunwayClient({ apiKey: API_KEY, baseUrl });
      } catch (e) {
        err = e;
      }
      expect(RunwayOptionError.is(err), baseUrl).toBe(true);
      expect((err as RunwayOptionError).option).toBe('apiUrl');
      expect((err as Error).message).toMatch(/clear text/);
    }
  });

  it('allows https:// anywhere and http:// to loopback', () => {
    for (const baseUrl of [
      'https://api.dev.runwayml.com',
      'http://localhost:9',
      'http://127.8.9.10:9',
      'http://[::1]:9',
    ])
      expect(new RunwayClient({ apiKey: API_KEY, baseUrl }).origin, baseUrl).toBe(
        new URL(baseUrl).origin,
      );
  });

  it('rejects a bad URL, URL credentials, an empty key and bad connOptions', () => {
    const make = (o: Partial<ConstructorParameters<typeof RunwayClient>[0]>) => () =>
      new RunwayClient({ apiKey: API_KEY, baseUrl: server.url, ...o });
    expect(make({ baseUrl: 'not a url' })).toThrow(/apiUrl/);
    expect(make({ baseUrl: 'ftp://127.0.0.1' })).toThrow(/https/);
    expect(make({ baseUrl: 'https://user:pw@api.dev.runwayml.com' })).toThrow(/credentials/);
    expect(make({ apiKey: '' })).toThrow(RunwayOptionError);
    expect(make({ apiKey: 'key with space' })).toThrow(/apiKey/);
    expect(make({ connOptions: { maxRetry: -1 } })).toThrow(/maxRetry/);
    expect(make({ connOptions: { timeoutMs: 0 } })).toThrow(/timeoutMs/);
    expect(make({ connOptions: { retryIntervalMs: Number.NaN } })).toThrow(/retryIntervalMs/);
  });

  it('requires a UUID session id and a clean sessionKey, without echoing them', async () => {
    for (const call of [
      () => client.retrieveSession('not-a-uuid'),
      () => client.cancelSession('8f0c2b7e-3c1a-1d5e-9f00-1234567890a'),
      () => client.consumeSession(SESSION_KEY, ID),
    ]) {
      const err = await rejection<Error>(call());
      expect(RunwayOptionError.is(err)).toBe(true);
      expect((err as RunwayOptionError).option).toBe('sessionId');
      expect((err as Error).message).not.toContain(SESSION_KEY);
    }
    await expect(client.consumeSession(ID, 'stk_a\r\nX-Evil: 1')).rejects.toThrow(/sessionKey/);
    expect(server.requests).toHaveLength(0);
  });
});

describe('errors from responses', () => {
  it('400: not retried; RunwayAPIError carries runwayError, issues, request and requestId', async () => {
    const issues = [
      { code: 'invalid_type', path: ['model'], message: 'Invalid input', expected: 'string' },
    ];
    server.push({
      kind: 'json',
      status: 400,
      body: {
        error: 'Validation of body failed',
        issues,
        docUrl: 'https://docs.dev.runwayml.com/api',
      },
      headers: { 'x-request-id': 'req-123' },
    });
    const err = await rejection(
      client.createSession({ model: 'gwm1_avatars', avatar: { type: 'custom', avatarId: ID } }),
    );
    expect(RunwayAPIError.is(err)).toBe(true);
    expect(err).toMatchObject({
      statusCode: 400,
      runwayError: 'Validation of body failed',
      issues,
      request: 'POST /v1/realtime_sessions',
      requestId: 'req-123',
      retryable: false,
    });
    expect(err.message).toMatch(/model: Invalid input/);
    expect(server.requests).toHaveLength(1);
  });

  it('a 2xx of the wrong shape names the route and the field', async () => {
    server.push({
      kind: 'json',
      body: { id: ID, createdAt: CREATED_AT, status: 'READY', expiresAt: CREATED_AT },
    });
    const err = await rejection(client.retrieveSession(ID));
    expect(RunwayAPIError.is(err)).toBe(true);
    expect(err.message).toContain(`GET /v1/realtime_sessions/${ID}`);
    expect(err.message).toMatch(/unexpected response shape: sessionKey: /);
    expect(err.retryable).toBe(false);
  });

  it('a 2xx that is not JSON is a clear error, not a crash', async () => {
    server.push({ kind: 'text', status: 200, body: '<html>oops</html>' });
    await expect(
      client.createSession({ model: 'gwm1_avatars', avatar: { type: 'custom', avatarId: ID } }),
    ).rejects.toThrow(/POST \/v1\/realtime_sessions .*not JSON/);
  });

  it('a non-JSON error body still gives a RunwayAPIError', async () => {
    server.push({ kind: 'text', status: 401, body: 'Unauthorized' });
    const err = await rejection(client.retrieveSession(ID));
    expect(err).toMatchObject({ statusCode: 401, runwayError: undefined, retryable: false });
    expect(err.message).toMatch(/401: Unauthorized/);
  });
});
