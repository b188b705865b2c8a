// Malformed and hostile answers: each gives a documented error class, says when a billed session may exist,
// and never lets a secret through (message, String, util.inspect, JSON.stringify, cause, or a log line at
// the most verbose level), even when the server echoes the credentials it was sent.
import { initializeLogger } from '@livekit/agents';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RunwayClient } from '../../src/api/client.js';
import { closeAllAgents, MAX_BODY_BYTES } from '../../src/api/dispatcher.js';
import {
  RunwayAPIError,
  RunwayConnectionError,
  RunwayTimeoutError,
  toAvatarError,
} from '../../src/errors.js';
import { renderings } from '../support/renderings.js';
import { type ScriptedServer, type Step, startScriptedServer } from '../support/scripted_server.js';

const API_KEY = `key_${'7c'.repeat(64)}`;
const SESSION_KEY = 'stk_eyJhbGciOiJIUzI1NiJ9.SE9TVElMRV9TRVNTSU9O.c2ln';
const LK_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.SE9TVElMRV9MSw.bGs';
const BYO_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.SE9TVElMRV9CWU8.Ynlv';
const SECRETS = [API_KEY, SESSION_KEY, LK_TOKEN, BYO_TOKEN];
const ID = '8f0c2b7e-3c1a-4d5e-9f00-1234567890ab';
const V7 = '019a2b3c-4d5e-7f00-8a1b-2c3d4e5f6a7b';
const AT = '2026-05-08T19:50:32Z';
const BODY = {
  model: 'gwm1_avatars',
  avatar: { type: 'runway-preset', presetId: 'cat-character' },
  integration: { type: 'livekit', url: 'wss://lk.example', token: BYO_TOKEN, roomName: 'r' },
} as const;
const ECHO = `upstream said: Authorization: Bearer ${API_KEY}; token=${BYO_TOKEN}; key=${SESSION_KEY}`;

const MAY_EXIST = /billed session may exist|may have been created/;
const lines: string[] = [];
let server: ScriptedServer;
let client: RunwayClient;

beforeAll(async () => {
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  initializeLogger({ pretty: false, level: 'trace' });
  server = await startScriptedServer();
  client = new RunwayClient({
    apiKey: API_KEY,
    baseUrl: server.url,
    connOptions: { maxRetry: 0, retryIntervalMs: 10, timeoutMs: 400 },
  });
});
afterAll(async () => {
  initializeLogger({ pretty: false, level: process.env.LOG_LEVEL ?? 'silent' });
  vi.restoreAllMocks();
  await server.close();
  await closeAllAgents();
});

type Call = 'create' | 'retrieve' | 'consume' | 'cancel';
const run = (call: Call) => {
  switch (call) {
    case 'create':
      return client.createSession(BODY);
    case 'retrieve':
      return client.retrieveSession(ID);
    case 'consume':
      return client.consumeSession(ID, SESSION_KEY);
    case 'cancel':
      return client.cancelSession(ID);
  }
};
const html = (status: number, text = '<html><body>Bad gateway</body></html>'): Step => ({
  kind: 'text',
  status,
  body: text,
  headers: { 'content-type': 'text/html' },
});

const CASES: [string, Call, Step, unknown, RegExp, boolean][] = [
  [
    '2xx create of the wrong shape',
    'create',
    { kind: 'json', body: { session: ID } },
    RunwayAPIError,
    /unexpected response shape: id/,
    true,
  ],
  [
    '2xx create with an id that is no UUID',
    'create',
    { kind: 'json', body: { id: 'sess_123' } },
    RunwayAPIError,
    /expected a UUID/,
    true,
  ],
  [
    '2xx create with a numeric id',
    'create',
    { kind: 'json', body: { id: 123 } },
    RunwayAPIError,
    /unexpected response shape/,
    true,
  ],
  [
    '2xx create answering null',
    'create',
    { kind: 'json', body: null },
    RunwayAPIError,
    /unexpected response shape/,
    true,
  ],
  ['2xx create answering HTML', 'create', html(200), RunwayAPIError, /the body is not JSON/, true],
  [
    '2xx create answering nothing',
    'create',
    { kind: 'text', status: 200, body: '' },
    RunwayAPIError,
    /the body is empty/,
    true,
  ],
  [
    '2xx create echoing the key in an odd shape',
    'create',
    { kind: 'json', body: { error: ECHO } },
    RunwayAPIError,
    /unexpected response shape/,
    true,
  ],
  [
    'an oversized create answer',
    'create',
    { kind: 'text', status: 200, body: `{"id":"${ID}","pad":"${'x'.repeat(MAX_BODY_BYTES)}"}` },
    RunwayConnectionError,
    /response body over 1048576 bytes/,
    true,
  ],
  [
    'a slow create answer',
    'create',
    { kind: 'slowBody', chunkIntervalMs: 100, chunks: 40 },
    RunwayTimeoutError,
    /timed out after 400 ms/,
    true,
  ],
  [
    'a create answered 408',
    'create',
    { kind: 'json', status: 408, body: { error: 'Request Timeout' } },
    RunwayAPIError,
    /failed with 408/,
    true,
  ],
  [
    'a create answered 500 echoing the key',
    'create',
    { kind: 'json', status: 500, body: { error: ECHO } },
    RunwayAPIError,
    /failed with 500: upstream said: Authorization: Bearer \[redacted\]/,
    true,
  ],
  [
    'a create answered 502 in HTML echoing the key',
    'create',
    html(502, `<h1>502</h1><pre>${ECHO}</pre>`),
    RunwayAPIError,
    /failed with 502/,
    true,
  ],
  [
    'a create answered 400 echoing the key',
    'create',
    {
      kind: 'json',
      status: 400,
      body: {
        error: ECHO,
        issues: [
          { code: 'custom', path: ['integration', 'token'], message: `bad token ${BYO_TOKEN}` },
        ],
      },
    },
    RunwayAPIError,
    /no session was created/,
    false,
  ],
  [
    'a create answered 401 in plain text echoing the key',
    'create',
    { kind: 'text', status: 401, body: `invalid key ${API_KEY}` },
    RunwayAPIError,
    /failed with 401: invalid key \[redacted\]/,
    false,
  ],
  [
    '2xx retrieve of the wrong shape echoing the sessionKey',
    'retrieve',
    {
      kind: 'json',
      body: { id: ID, createdAt: 5, status: 'READY', expiresAt: AT, sessionKey: SESSION_KEY },
    },
    RunwayAPIError,
    /createdAt/,
    false,
  ],
  ['2xx retrieve answering HTML', 'retrieve', html(200), RunwayAPIError, /not JSON/, false],
  [
    'an oversized retrieve answer',
    'retrieve',
    { kind: 'text', status: 200, body: 'x'.repeat(MAX_BODY_BYTES + 10) },
    RunwayConnectionError,
    /over 1048576 bytes/,
    false,
  ],
  [
    'a retrieve answered 404 echoing tokens',
    'retrieve',
    { kind: 'json', status: 404, body: { error: `no session for ${SESSION_KEY} / ${LK_TOKEN}` } },
    RunwayAPIError,
    /failed with 404/,
    false,
  ],
  [
    '2xx consume of the wrong shape echoing the token',
    'consume',
    { kind: 'json', body: { url: 'wss://x', token: LK_TOKEN } },
    RunwayAPIError,
    /session is consumed/,
    false,
  ],
  [
    'a consume answered 401 echoing the sessionKey',
    'consume',
    { kind: 'json', status: 401, body: { error: `Invalid session key ${SESSION_KEY}` } },
    RunwayAPIError,
    /failed with 401/,
    false,
  ],
  [
    'a cancel answered 500 echoing the key',
    'cancel',
    { kind: 'json', status: 500, body: { error: ECHO } },
    RunwayAPIError,
    /failed with 500/,
    false,
  ],
];

describe('malformed and hostile answers', () => {
  it.each(CASES)('%s', async (_name, call, step, errorClass, message, mayExist) => {
    // The retrieve/cancel routes retry: give every attempt the same answer.
    server.fallback = step;
    const error = await run(call).then(
      () => new Error('no error'),
      (e: unknown) => e,
    );
    server.fallback = { kind: 'json', status: 500, body: { error: 'no scripted step' } };
    expect(error).toBeInstanceOf(errorClass as new () => Error);
    expect((error as Error).message).toMatch(message);
    if (mayExist) expect((error as Error).message).toMatch(MAY_EXIST);
    else expect((error as Error).message).not.toMatch(MAY_EXIST);
    expect((error as Error).message).not.toMatch(/lost the connection/);
    for (const text of renderings(error))
      for (const secret of SECRETS)
        expect(text.includes(secret), `leaks ${secret.slice(0, 8)}`).toBe(false);
  });

  it('a 408 on create no longer claims that no session was created', async () => {
    server.push({ kind: 'json', status: 408, body: { error: 'Request Timeout' } });
    const error = (await run('create').catch((e: unknown) => e)) as Error;
    expect(error.message).not.toMatch(/no session was created/);
  });

  it('accepts a v7 session id Runway might return, and can retrieve and DELETE it', async () => {
    server.push(
      { kind: 'json', body: { id: V7 } },
      { kind: 'json', body: { id: V7, createdAt: AT, status: 'RUNNING' } },
      { kind: 'text', status: 204 },
    );
    const before = server.requests.length;
    expect(await client.createSession(BODY)).toEqual({ id: V7 });
    expect((await client.retrieveSession(V7)).status).toBe('RUNNING');
    expect(await client.cancelSession(V7)).toBe('cancelled');
    expect(server.requests.slice(before).map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /v1/realtime_sessions',
      `GET /v1/realtime_sessions/${V7}`,
      `DELETE /v1/realtime_sessions/${V7}`,
    ]);
  });

  it('a raw low-level error becomes a documented class with a sanitized cause', () => {
    const raw = Object.assign(new Error(`connect failed: ${LK_TOKEN}`), {
      code: 'ECONNREFUSED',
      request: { headers: { authorization: `Bearer ${API_KEY}` } },
    });
    const wrapped = toAvatarError(raw, 'BRIDGE_CONNECT_FAILED', "could not join Runway's room");
    expect(wrapped.name).toBe('RunwayAvatarError');
    expect((wrapped.cause as Error & { code?: string }).code).toBe('ECONNREFUSED');
    for (const text of renderings(wrapped))
      for (const s of SECRETS) expect(text.includes(s)).toBe(false);
    const documented = new RunwayTimeoutError('x');
    expect(toAvatarError(documented, 'X', 'y')).toBe(documented);
  });

  it('logged nothing secret at the most verbose level', () => {
    const log = lines.join('');
    expect(log).toContain('Runway API attempt');
    for (const secret of SECRETS) expect(log.includes(secret)).toBe(false);
  });
});
