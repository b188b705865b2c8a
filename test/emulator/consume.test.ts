// POST /v1/realtime_sessions/{id}/consume: sessionKey only, once, credentials for the hosted room.
import { TokenVerifier } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { call, createPreset, fastEmulator, LIVEKIT_CREDS, PRESET_BODY, sdk } from './helpers.js';

/** A READY hosted session and its sessionKey. */
async function readySession(emulator: RunningEmulator): Promise<{ id: string; key: string }> {
  const id = await createPreset(emulator);
  await emulator.waitForStatus(id, 'READY', 2_000);
  const session = await sdk(emulator).realtimeSessions.retrieve(id);
  if (session.status !== 'READY') throw new Error(`expected READY, got ${session.status}`);
  return { id, key: session.sessionKey };
}

/** Consume as Runway's own browser client does: Content-Type + Bearer, no body, no version. */
const consume = (emulator: RunningEmulator, id: string, bearer: string, extra = {}) =>
  call(emulator, 'POST', `/v1/realtime_sessions/${id}/consume`, {
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', ...extra },
  });

describe('consume', () => {
  it('the sessionKey works once; the second consume answers the documented 409', async () => {
    const emulator = await fastEmulator();
    const { id, key } = await readySession(emulator);
    const first = await consume(emulator, id, key);
    expect(first.status).toBe(200);
    expect(Object.keys(first.body as object)).toEqual(['url', 'token', 'roomName']);
    expect(first.body).toMatchObject({ url: 'wss://emulator.invalid', roomName: id });
    expect((first.body as { token: string }).token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(emulator.session(id)?.consumed).toBe(true);
    const second = await consume(emulator, id, key);
    expect(second).toMatchObject({
      status: 409,
      body: { error: 'Session has already been consumed' },
    });
    emulator.markJoined(id);
    expect(emulator.session(id)?.status).toBe('RUNNING');
  });

  it('secondConsumeStatus changes the second answer', async () => {
    const emulator = await fastEmulator({ secondConsumeStatus: 404 });
    const { id, key } = await readySession(emulator);
    expect((await consume(emulator, id, key)).status).toBe(200);
    expect((await consume(emulator, id, key)).status).toBe(404);
  });

  it('the API key, another key, no key, and a not-yet-READY session are refused', async () => {
    const emulator = await fastEmulator();
    const { id, key } = await readySession(emulator);
    const other = await readySession(emulator);
    const notFound = { status: 404, body: { error: 'Could not find realtime session' } };
    expect(await consume(emulator, id, emulator.apiKey)).toMatchObject(notFound);
    expect(await consume(emulator, id, other.key)).toMatchObject(notFound);
    expect(await consume(emulator, id, `${key.slice(0, -2)}xx`)).toMatchObject(notFound);
    const noAuth = await call(emulator, 'POST', `/v1/realtime_sessions/${id}/consume`, {
      headers: { 'content-type': 'application/json' },
    });
    expect(noAuth).toMatchObject({ status: 401, body: { error: 'Missing Authorization header' } });
    const slow = await fastEmulator({ provisioningMs: 60_000 });
    const pending = await createPreset(slow);
    expect(await consume(slow, pending, key)).toMatchObject(notFound);
    expect(emulator.session(id)?.consumed).toBe(false);
    expect((await consume(emulator, id, key)).status).toBe(200);
  });

  it('is lenient about X-Runway-Version; Content-Type is required only when configured', async () => {
    const emulator = await fastEmulator();
    const a = await readySession(emulator);
    expect(
      (await consume(emulator, a.id, a.key, { 'x-runway-version': '1999-01-01' })).status,
    ).toBe(200);
    const strict = await fastEmulator({ consumeRequiresContentType: true });
    const b = await readySession(strict);
    const bare = await call(strict, 'POST', `/v1/realtime_sessions/${b.id}/consume`, {
      headers: { authorization: `Bearer ${b.key}` },
    });
    expect(bare).toMatchObject({ status: 400, body: { error: 'Incorrect content type' } });
    expect((await consume(strict, b.id, b.key)).status).toBe(200);
    const lenient = await readySession(emulator);
    const noType = await call(emulator, 'POST', `/v1/realtime_sessions/${lenient.id}/consume`, {
      headers: { authorization: `Bearer ${lenient.key}` },
    });
    expect(noType.status).toBe(200);
  });

  it('bring-your-own-room sessions cannot be consumed', async () => {
    const emulator = await fastEmulator();
    const { id } = await sdk(emulator).realtimeSessions.create({
      ...PRESET_BODY,
      integration: { type: 'livekit', ...LIVEKIT_CREDS },
    });
    await emulator.waitForStatus(id, 'READY', 2_000);
    const session = await sdk(emulator).realtimeSessions.retrieve(id);
    const key = session.status === 'READY' ? session.sessionKey : '';
    expect(key).toMatch(/^stk_/);
    expect((await consume(emulator, id, key)).status).toBe(404);
  });

  it('with livekit options, returns a real LiveKit token for room <id>', async () => {
    const livekit = { url: 'ws://127.0.0.1:7880', apiKey: 'devkey', apiSecret: 'a'.repeat(32) };
    const emulator = await fastEmulator({ livekit });
    const { id, key } = await readySession(emulator);
    const res = await consume(emulator, id, key);
    const creds = res.body as { url: string; token: string; roomName: string };
    expect(creds.url).toBe(livekit.url);
    expect(creds.roomName).toBe(id);
    const claims = await new TokenVerifier(livekit.apiKey, livekit.apiSecret).verify(creds.token);
    expect(claims.sub).toBe(`user:${id}`);
    expect(claims.video).toMatchObject({ roomJoin: true, room: id, canPublish: true });
    await expect(
      new TokenVerifier(livekit.apiKey, 'b'.repeat(32)).verify(creds.token),
    ).rejects.toThrow();
  });
});
