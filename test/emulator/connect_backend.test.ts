// POST /v1/realtime_sessions/{id}/connect_backend: the hidden handler's credentials, its errors, the log.
import { TokenVerifier } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import { backendIdentity, PLACEHOLDER_LIVEKIT_URL } from '../../src/emulator/index.js';
import {
  apiHeaders,
  call,
  createPreset,
  fastEmulator,
  LIVEKIT_CREDS,
  PRESET_BODY,
  sdk,
} from './helpers.js';

const LIVEKIT = { url: 'ws://127.0.0.1:7880', apiKey: 'devkey', apiSecret: 'x'.repeat(40) };
const path = (id: string) => `/v1/realtime_sessions/${id}/connect_backend`;

describe('connect_backend', () => {
  it('answers 200 {url, token, roomName}: a hidden, data-only backend:<id> in the hosted room, before and after READY', async () => {
    const emulator = await fastEmulator({ livekit: LIVEKIT, provisioningMs: 500 });
    const id = await createPreset(emulator);
    expect(emulator.session(id)?.status).toBe('NOT_READY');
    const early = await call(emulator, 'POST', path(id));
    expect(early.status).toBe(200);
    await emulator.waitForStatus(id, 'READY', 2_000);
    const res = await call(emulator, 'POST', path(id));
    expect(res.status).toBe(200);
    const body = res.body as { url: string; token: string; roomName: string };
    expect(Object.keys(body).sort()).toEqual(['roomName', 'token', 'url']);
    expect(body).toMatchObject({ url: LIVEKIT.url, roomName: id });
    const claims = await new TokenVerifier(LIVEKIT.apiKey, LIVEKIT.apiSecret).verify(body.token);
    expect(claims.sub).toBe(`backend:${id}`);
    expect(backendIdentity(id)).toBe(`backend:${id}`);
    expect(claims.video).toMatchObject({
      roomJoin: true,
      room: id,
      hidden: true,
      canPublish: false,
      canSubscribe: false,
      canPublishData: true,
    });
    // Each call answers valid credentials for the same identity (a reconnecting handler replaces itself).
    const again = await new TokenVerifier(LIVEKIT.apiKey, LIVEKIT.apiSecret).verify(
      (early.body as { token: string }).token,
    );
    expect(again.sub).toBe(`backend:${id}`);
  });

  it('without LiveKit options answers the placeholder URL, as consume does', async () => {
    const emulator = await fastEmulator();
    const id = await createPreset(emulator);
    const res = await call(emulator, 'POST', path(id));
    expect(res).toMatchObject({
      status: 200,
      body: { url: PLACEHOLDER_LIVEKIT_URL, roomName: id },
    });
  });

  it('refuses like the other API-key routes: 401, 400 version, 404 unknown, 400 bad id, 405', async () => {
    const emulator = await fastEmulator();
    const id = await createPreset(emulator);
    const headers = apiHeaders(emulator);
    const { authorization: _auth, ...noAuth } = headers;
    expect(await call(emulator, 'POST', path(id), { headers: noAuth })).toMatchObject({
      status: 401,
      body: { error: 'Missing Authorization header' },
    });
    const wrong = { ...headers, authorization: 'Bearer key_wrong' };
    expect(await call(emulator, 'POST', path(id), { headers: wrong })).toMatchObject({
      status: 401,
      body: { error: 'Invalid API key' },
    });
    // The sessionKey is not the API key here (unlike consume).
    await emulator.waitForStatus(id, 'READY', 2_000);
    const ready = await sdk(emulator).realtimeSessions.retrieve(id);
    const stk = {
      ...headers,
      authorization: `Bearer ${ready.status === 'READY' ? ready.sessionKey : ''}`,
    };
    expect((await call(emulator, 'POST', path(id), { headers: stk })).status).toBe(401);
    const { 'x-runway-version': _v, ...noVersion } = headers;
    expect(await call(emulator, 'POST', path(id), { headers: noVersion })).toMatchObject({
      status: 400,
      body: { error: 'Invalid API Version' },
    });
    expect(
      await call(emulator, 'POST', path('6f1c3b0e-8a4d-4c59-9e0a-2b7d6c1f4a90')),
    ).toMatchObject({
      status: 404,
      body: { error: 'Could not find realtime session' },
    });
    expect(await call(emulator, 'POST', path('not-a-uuid'))).toMatchObject({
      status: 400,
      body: { error: 'Validation of params failed' },
    });
    const get = await call(emulator, 'GET', path(id));
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    // A body is not documented; one sent anyway changes nothing.
    expect((await call(emulator, 'POST', path(id), { body: '{"x":1}' })).status).toBe(200);
  });

  it('answers 410 once the session has ended, 400 for a bring-your-own-room session', async () => {
    const emulator = await fastEmulator();
    const id = await createPreset(emulator);
    await sdk(emulator).realtimeSessions.delete(id);
    expect(await call(emulator, 'POST', path(id))).toMatchObject({
      status: 410,
      body: { error: 'Session is no longer available' },
    });
    for (const shape of [
      { integration: { type: 'livekit' as const, ...LIVEKIT_CREDS } },
      { livekit: LIVEKIT_CREDS },
    ]) {
      const { id: byo } = await sdk(emulator).realtimeSessions.create({ ...PRESET_BODY, ...shape });
      const res = await call(emulator, 'POST', path(byo));
      expect(res.status).toBe(400);
      expect((res.body as { error: string }).error).toMatch(
        /only available for sessions hosted by Runway/,
      );
    }
    const { id: eleven } = await sdk(emulator).realtimeSessions.create({
      ...PRESET_BODY,
      integration: { type: 'elevenlabs', signedUrl: 'wss://example.invalid/convai?token=t' },
    });
    expect((await call(emulator, 'POST', path(eleven))).status).toBe(200);
  });

  it('is logged as route connect_backend without its token, and takes faults', async () => {
    const emulator = await fastEmulator({ livekit: LIVEKIT });
    const events: unknown[] = [];
    emulator.on('request', (e) => events.push(e));
    const id = await createPreset(emulator);
    emulator.faults.add({ route: 'connect_backend', kind: 'status', status: 503 });
    expect((await call(emulator, 'POST', path(id))).status).toBe(503);
    const res = await call(emulator, 'POST', path(id));
    const token = (res.body as { token: string }).token;
    const log = emulator.requests.filter((r) => r.route === 'connect_backend');
    expect(log.map((r) => [r.method, r.sessionId, r.status, r.fault])).toEqual([
      ['POST', id, 503, 'status:503'],
      ['POST', id, 200, undefined],
    ]);
    expect(log[1]?.headers.authorization).toBe('Bearer key_…[redacted]');
    const dump = JSON.stringify({ log: emulator.requests, events, sessions: emulator.sessions() });
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(token.split('.')[2]);
    expect(dump).not.toContain(emulator.apiKey);
  });
});
