// No credential leaks: the API key, a sessionKey and LiveKit tokens never appear in an error (message, stack,
// JSON.stringify, util.inspect, cause) nor in a debug log line of the Runway client.

import { initializeLogger } from '@livekit/agents';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RunwayClient } from '../../src/api/client.js';
import { closeAllAgents } from '../../src/api/dispatcher.js';
import { renderings } from '../support/renderings.js';
import { startScriptedServer, unusedPort } from '../support/scripted_server.js';

const API_KEY = `key_${'e1'.repeat(64)}`;
const SESSION_KEY = 'stk_eyJhbGciOiJIUzI1NiJ9.U0VDUkVUX1NFU1NJT04.c2lnbmF0dXJl';
const LK_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.TElWRUtJVF9UT0tFTg.bGstc2ln';
const BYO_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.QllPX1RPS0VO.Ynlv';
const SECRETS = [API_KEY, SESSION_KEY, LK_TOKEN, BYO_TOKEN];
const ID = '8f0c2b7e-3c1a-4d5e-9f00-1234567890ab';
const CREATED_AT = '2026-05-08T19:50:32Z';

const lines: string[] = [];

beforeAll(() => {
  // Re-initialise the @livekit/agents logger at debug level; pino writes to process.stdout, captured here.
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  initializeLogger({ pretty: false, level: 'debug' });
});
afterAll(async () => {
  initializeLogger({ pretty: false, level: process.env.LOG_LEVEL ?? 'silent' });
  vi.restoreAllMocks();
  await closeAllAgents();
});

function expectNoSecret(text: string, where: string): void {
  for (const secret of SECRETS)
    expect(text.includes(secret), `${where} leaks a secret`).toBe(false);
}

describe('secrets', () => {
  it('never appear in errors nor in debug logs, over every kind of outcome', async () => {
    const server = await startScriptedServer();
    const refused = await unusedPort();
    const conn = { maxRetry: 1, retryIntervalMs: 10, timeoutMs: 300 };
    const client = new RunwayClient({ apiKey: API_KEY, baseUrl: server.url, connOptions: conn });
    const byo = {
      model: 'gwm1_avatars',
      avatar: { type: 'runway-preset', presetId: 'cat-character' },
      integration: { type: 'livekit', url: 'wss://lk.example', token: BYO_TOKEN, roomName: 'r' },
    } as const;
    const errors: unknown[] = [];
    const keep = (p: Promise<unknown>) => p.catch((e: unknown) => errors.push(e));
    try {
      // Successes carrying secrets in bodies.
      server.push({ kind: 'json', body: { id: ID } });
      await client.createSession(byo);
      server.push({
        kind: 'json',
        body: {
          id: ID,
          createdAt: CREATED_AT,
          status: 'READY',
          expiresAt: CREATED_AT,
          sessionKey: SESSION_KEY,
        },
      });
      await client.retrieveSession(ID);
      server.push({
        kind: 'json',
        body: { url: 'wss://rw.example', token: LK_TOKEN, roomName: 'rw' },
      });
      await client.consumeSession(ID, SESSION_KEY);
      // Failures of every kind.
      server.push({ kind: 'json', status: 500, body: { error: 'boom' } });
      await keep(client.createSession(byo));
      server.push({ kind: 'reset' });
      await keep(client.consumeSession(ID, SESSION_KEY));
      server.push({ kind: 'hang' });
      await keep(client.createSession(byo));
      server.push({ kind: 'json', status: 401, body: { error: 'Invalid session key' } });
      await keep(client.consumeSession(ID, SESSION_KEY));
      // A READY body of the wrong shape: the sessionKey must not be echoed in the schema error.
      server.push({
        kind: 'json',
        body: {
          id: ID,
          createdAt: 5,
          status: 'READY',
          expiresAt: CREATED_AT,
          sessionKey: SESSION_KEY,
        },
      });
      await keep(client.retrieveSession(ID));
      await keep(client.consumeSession(SESSION_KEY, SESSION_KEY));
      const unreachable = new RunwayClient({
        apiKey: API_KEY,
        baseUrl: `http://127.0.0.1:${refused}`,
        connOptions: conn,
      });
      await keep(unreachable.createSession(byo));
      await keep(unreachable.retrieveSession(ID));
      try {
        new RunwayClient({ apiKey: API_KEY, baseUrl: 'http://api.example.com' });
      } catch (e) {
        errors.push(e);
      }
    } finally {
      await server.close();
    }

    expect(errors).toHaveLength(9);
    for (const [i, err] of errors.entries())
      for (const text of renderings(err)) expectNoSecret(text, `error #${i}`);

    const log = lines.join('');
    expect(log).toContain('Runway API attempt');
    expect(log).toContain('"request":"POST /v1/realtime_sessions"');
    expect(log.split('Runway API attempt').length - 1).toBeGreaterThanOrEqual(10);
    expectNoSecret(log, 'the debug log');
  });
});
