// Runway's official @runwayml/sdk, unchanged, against the emulator: happy path and error classes.
import {
  APIError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
} from '@runwayml/sdk';
import { describe, expect, it } from 'vitest';
import { apiHeaders, call, createPreset, fastEmulator, PRESET_BODY, sdk } from './helpers.js';

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<APIError> {
  const result = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(result).toBeInstanceOf(APIError);
  return result as APIError;
}

const UNKNOWN_ID = '2b0f6c1e-8d7a-4c3b-9e5f-0a1b2c3d4e5f';

describe('emulator with @runwayml/sdk', () => {
  it('creates, retrieves and deletes a session', async () => {
    const emulator = await fastEmulator({ provisioningMs: 400 });
    const client = sdk(emulator);
    const created = await client.realtimeSessions.create(PRESET_BODY);
    expect(Object.keys(created)).toEqual(['id']);
    expect(created.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const first = await client.realtimeSessions.retrieve(created.id);
    expect(first).toMatchObject({ id: created.id, status: 'NOT_READY' });
    await emulator.waitForStatus(created.id, 'READY', 2_000);
    const ready = await client.realtimeSessions.retrieve(created.id);
    expect(ready.status).toBe('READY');
    await expect(client.realtimeSessions.delete(created.id)).resolves.toBeNull();
    expect((await client.realtimeSessions.retrieve(created.id)).status).toBe('CANCELLED');
  });

  it('a wrong API key is an AuthenticationError with a Runway body', async () => {
    const emulator = await fastEmulator();
    const err = await rejection(
      sdk(emulator, 0, `key_${'0'.repeat(128)}`).realtimeSessions.create(PRESET_BODY),
    );
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.status).toBe(401);
    expect(err.error).toEqual({ error: 'Invalid API key' });
    expect(emulator.sessions()).toHaveLength(0);
  });

  it('a missing or non-Bearer Authorization answers 401', async () => {
    const emulator = await fastEmulator();
    const { authorization: _omit, ...noAuth } = apiHeaders(emulator);
    const body = JSON.stringify(PRESET_BODY);
    const missing = await call(emulator, 'POST', '/v1/realtime_sessions', {
      headers: noAuth,
      body,
    });
    expect(missing).toMatchObject({ status: 401, body: { error: 'Missing Authorization header' } });
    const basic = { ...noAuth, authorization: `Basic ${emulator.apiKey}` };
    const wrong = await call(emulator, 'POST', '/v1/realtime_sessions', { headers: basic, body });
    expect(wrong).toMatchObject({ status: 401, body: { error: 'Invalid API key' } });
  });

  it('a wrong or missing X-Runway-Version answers 400 Invalid API Version', async () => {
    const emulator = await fastEmulator();
    const err = await rejection(
      sdk(emulator).realtimeSessions.create(PRESET_BODY, {
        headers: { 'X-Runway-Version': '2024-09-13' },
      }),
    );
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.error).toEqual({ error: 'Invalid API Version' });
    const { 'x-runway-version': _omit, ...noVersion } = apiHeaders(emulator);
    const id = await createPreset(emulator);
    const res = await call(emulator, 'GET', `/v1/realtime_sessions/${id}`, { headers: noVersion });
    expect(res).toEqual({
      status: 400,
      headers: expect.any(Headers),
      body: { error: 'Invalid API Version' },
    });
  });

  it('unknown ids are NotFoundError; ids that are not UUID v4 are BadRequestError on the id', async () => {
    const emulator = await fastEmulator();
    const client = sdk(emulator);
    const notFound = await rejection(client.realtimeSessions.retrieve(UNKNOWN_ID));
    expect(notFound).toBeInstanceOf(NotFoundError);
    expect(notFound.error).toEqual({ error: 'Could not find realtime session' });
    expect(await rejection(client.realtimeSessions.delete(UNKNOWN_ID))).toBeInstanceOf(
      NotFoundError,
    );
    for (const id of ['abc', '550e8400-e29b-11d4-a716-446655440000']) {
      const bad = await rejection(client.realtimeSessions.retrieve(id));
      expect(bad).toBeInstanceOf(BadRequestError);
      expect(bad.error).toMatchObject({
        error: 'Validation of params failed',
        issues: [{ code: 'invalid_format', format: 'uuid', path: ['id'] }],
        docUrl: 'https://docs.dev.runwayml.com/api',
      });
    }
  });

  it('status faults arrive as RateLimitError and InternalServerError with their bodies', async () => {
    const emulator = await fastEmulator();
    const client = sdk(emulator);
    emulator.faults.add({ route: 'create', kind: 'status', status: 429, retryAfterS: 3 });
    const limited = await rejection(client.realtimeSessions.create(PRESET_BODY));
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited.error).toEqual({ error: 'Too many requests' });
    expect(limited.headers?.get('retry-after')).toBe('3');
    for (const status of [500, 502, 503, 504]) {
      emulator.faults.add({ route: '*', kind: 'status', status });
      const err = await rejection(client.realtimeSessions.retrieve(UNKNOWN_ID));
      expect(err).toBeInstanceOf(InternalServerError);
      expect(err.status).toBe(status);
    }
    const body = { error: 'Daily task limit reached' };
    emulator.faults.add({ route: 'create', kind: 'status', status: 429, body });
    expect((await rejection(client.realtimeSessions.create(PRESET_BODY))).error).toEqual(body);
    expect(emulator.sessions()).toHaveLength(0);
  });

  it('DELETE on an ended session answers 404 by default, 204 when configured', async () => {
    const strict = await fastEmulator();
    const id = await createPreset(strict);
    await sdk(strict).realtimeSessions.delete(id);
    expect(await rejection(sdk(strict).realtimeSessions.delete(id))).toBeInstanceOf(NotFoundError);
    const lenient = await fastEmulator({ deleteTerminalStatus: 204 });
    const id2 = await createPreset(lenient);
    await sdk(lenient).realtimeSessions.delete(id2);
    await expect(sdk(lenient).realtimeSessions.delete(id2)).resolves.toBeNull();
    expect(lenient.session(id2)?.timeline.map((t) => t.status)).toEqual(['NOT_READY', 'CANCELLED']);
  });

  it('unknown paths answer 404, wrong methods 405, broken JSON 400', async () => {
    const emulator = await fastEmulator();
    expect(await call(emulator, 'GET', '/v1/tasks')).toMatchObject({
      status: 404,
      body: { error: 'Not found' },
    });
    const wrongMethod = await call(emulator, 'GET', '/v1/realtime_sessions');
    expect(wrongMethod).toMatchObject({ status: 405, body: { error: 'Method not allowed' } });
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    const put = await call(emulator, 'PUT', `/v1/realtime_sessions/${UNKNOWN_ID}`);
    expect(put.headers.get('allow')).toBe('GET, DELETE');
    const broken = await call(emulator, 'POST', '/v1/realtime_sessions', { body: '{"model":' });
    expect(broken).toMatchObject({ status: 400, body: { error: 'Invalid JSON in request body' } });
    expect(emulator.sessions()).toHaveLength(0);
  });
});
