// The request log and session snapshots: what they record, and that no secret survives in them.
import { describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../src/emulator/index.js';
import { call, fastEmulator, LIVEKIT_CREDS, PRESET_BODY, sdk } from './helpers.js';

describe('request log', () => {
  it('records every request with secrets redacted', async () => {
    const emulator = await fastEmulator();
    const events: RecordedRequest[] = [];
    emulator.on('request', (e) => events.push(e));
    const secretToken = 'lk-secret-token-1234567890';
    const signedUrl = 'wss://api.elevenlabs.io/v1/convai/conversation?token=el-secret-abc';
    const client = sdk(emulator);
    const byo = await client.realtimeSessions.create({
      ...PRESET_BODY,
      integration: { type: 'livekit', ...LIVEKIT_CREDS, token: secretToken },
    });
    await client.realtimeSessions.create({
      ...PRESET_BODY,
      integration: { type: 'elevenlabs', signedUrl },
    });
    const hosted = await client.realtimeSessions.create(PRESET_BODY);
    await emulator.waitForStatus(hosted.id, 'READY', 2_000);
    const ready = await client.realtimeSessions.retrieve(hosted.id);
    const sessionKey = ready.status === 'READY' ? ready.sessionKey : 'missing';
    const consumed = await call(emulator, 'POST', `/v1/realtime_sessions/${hosted.id}/consume`, {
      headers: { authorization: `Bearer ${sessionKey}` },
    });
    const consumerToken = (consumed.body as { token: string }).token;

    const log = emulator.requests;
    expect(log.map((r) => [r.method, r.route, r.status])).toEqual([
      ['POST', 'create', 200],
      ['POST', 'create', 200],
      ['POST', 'create', 200],
      ['GET', 'retrieve', 200],
      ['POST', 'consume', 200],
    ]);
    expect(log.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(log[0]).toMatchObject({
      path: '/v1/realtime_sessions',
      sessionId: byo.id,
      headers: { authorization: 'Bearer key_…[redacted]', 'x-runway-version': '2024-11-06' },
      body: {
        integration: { type: 'livekit', token: '[redacted]', roomName: LIVEKIT_CREDS.roomName },
      },
    });
    expect(log[0]?.at).toMatch(/Z$/);
    expect(log[1]?.body).toMatchObject({ integration: { signedUrl: '[redacted]' } });
    expect(log[4]).toMatchObject({
      sessionId: hosted.id,
      headers: { authorization: 'Bearer stk_…[redacted]' },
    });
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);

    const dump = JSON.stringify({
      log,
      events,
      sessions: emulator.sessions(),
      billing: emulator.billing(),
    });
    for (const secret of [
      emulator.apiKey,
      sessionKey,
      secretToken,
      consumerToken,
      'el-secret-abc',
    ]) {
      expect(dump.includes(secret)).toBe(false);
    }
    expect(emulator.session(byo.id)?.body).toMatchObject({ integration: { token: '[redacted]' } });
  });

  it('keeps at most maxRequestLog entries, oldest dropped', async () => {
    const emulator = await fastEmulator({ maxRequestLog: 2 });
    for (let i = 0; i < 3; i++) await call(emulator, 'GET', `/v1/nothing-${i}`);
    expect(emulator.requests.map((r) => [r.seq, r.path, r.route, r.status])).toEqual([
      [2, '/v1/nothing-1', null, 404],
      [3, '/v1/nothing-2', null, 404],
    ]);
  });
});
