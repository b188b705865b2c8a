// Session lifecycle: each status with exactly its OpenAPI fields, timers, expiry, caps, cancel, billing.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import {
  call,
  createPreset,
  fastEmulator,
  LIVEKIT_CREDS,
  PRESET_BODY,
  sdk,
  sleep,
} from './helpers.js';
import { reference, retrieveVariant } from './openapi.js';

const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** GETs a session raw and checks it against Runway's schema and the status's exact key set. */
async function getChecked(emulator: RunningEmulator, id: string): Promise<Record<string, unknown>> {
  const res = await call(emulator, 'GET', `/v1/realtime_sessions/${id}`);
  expect(res.status).toBe(200);
  const body = res.body as Record<string, unknown>;
  expect(reference.retrieve.safeParse(body).success, JSON.stringify(body)).toBe(true);
  const variant = retrieveVariant(String(body.status));
  const optional = variant.properties.filter((p) => !variant.required.includes(p));
  // Exactly the variant's keys: all required ones, optional ones only as documented (queued).
  expect(Object.keys(body).sort()).toEqual([...variant.required, ...optional].sort());
  expect(body.createdAt).toMatch(ISO_Z);
  return body;
}

describe('session lifecycle', () => {
  it('NOT_READY (queued, then not) → READY → RUNNING → COMPLETED, each with exactly its fields', async () => {
    const emulator = await fastEmulator({ queuedMs: 150, provisioningMs: 400 });
    const createdAt = Date.now();
    const id = await createPreset(emulator);
    expect(await getChecked(emulator, id)).toMatchObject({ status: 'NOT_READY', queued: true });
    await sleep(200);
    expect(await getChecked(emulator, id)).toMatchObject({ status: 'NOT_READY', queued: false });
    const snap = await emulator.waitForStatus(id, 'READY', 3_000);
    const readyAtMs = snap.timeline[1]?.atMs ?? 0;
    expect(readyAtMs - createdAt).toBeGreaterThanOrEqual(390);
    const ready = await getChecked(emulator, id);
    expect(ready.sessionKey).toMatch(/^stk_[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(ready.expiresAt).toMatch(ISO_Z);
    expect(Date.parse(String(ready.expiresAt)) - readyAtMs).toBe(300_000);
    emulator.markJoined(id);
    expect(await getChecked(emulator, id)).toEqual({
      id,
      createdAt: ready.createdAt,
      status: 'RUNNING',
    });
    emulator.complete(id);
    const done = await getChecked(emulator, id);
    expect(done).toMatchObject({ status: 'COMPLETED', duration: 0 });
    expect(emulator.session(id)?.timeline.map((t) => t.status)).toEqual([
      'NOT_READY',
      'READY',
      'RUNNING',
      'COMPLETED',
    ]);
  });

  it('FAILED and CANCELLED carry exactly their fields', async () => {
    const emulator = await fastEmulator();
    const a = await createPreset(emulator);
    emulator.fail(a, 'TALKING_AVATAR.TEST', 'Something broke');
    expect(await getChecked(emulator, a)).toMatchObject({
      status: 'FAILED',
      failureCode: 'TALKING_AVATAR.TEST',
      failure: 'Something broke',
    });
    const b = await createPreset(emulator);
    await sdk(emulator).realtimeSessions.delete(b);
    expect(await getChecked(emulator, b)).toMatchObject({ status: 'CANCELLED' });
  });

  it('unconsumed READY credentials expire: FAILED SESSION.EXPIRED, consume then refused', async () => {
    const emulator = await fastEmulator({ readyLifetimeMs: 120 });
    const id = await createPreset(emulator);
    await emulator.waitForStatus(id, 'READY', 2_000);
    const { sessionKey } = (await getChecked(emulator, id)) as { sessionKey: string };
    const failed = await emulator.waitForStatus(id, 'FAILED', 2_000);
    expect(failed).toMatchObject({ failureCode: 'SESSION.EXPIRED' });
    const consume = await call(emulator, 'POST', `/v1/realtime_sessions/${id}/consume`, {
      headers: { authorization: `Bearer ${sessionKey}` },
    });
    expect(consume).toMatchObject({
      status: 410,
      body: { error: 'Session is no longer available' },
    });
    const other = await createPreset(emulator);
    await emulator.waitForStatus(other, 'READY', 2_000);
    emulator.expire(other);
    expect(emulator.session(other)?.failureCode).toBe('SESSION.EXPIRED');
  });

  it('consumed but nobody joins within joinWindowMs: FAILED TALKING_AVATAR.NO_PARTICIPANT', async () => {
    const emulator = await fastEmulator({ joinWindowMs: 150 });
    const id = await createPreset(emulator);
    await emulator.waitForStatus(id, 'READY', 2_000);
    const { sessionKey } = (await getChecked(emulator, id)) as { sessionKey: string };
    await sleep(250); // READY alone does not start the window: consume does
    expect(emulator.session(id)?.status).toBe('READY');
    const consumedAt = Date.now();
    const res = await call(emulator, 'POST', `/v1/realtime_sessions/${id}/consume`, {
      headers: { authorization: `Bearer ${sessionKey}` },
    });
    expect(res.status).toBe(200);
    await emulator.waitForStatus(id, 'FAILED', 2_000);
    expect(Date.now() - consumedAt).toBeGreaterThanOrEqual(140);
    expect(await getChecked(emulator, id)).toEqual({
      id,
      createdAt: expect.any(String),
      status: 'FAILED',
      failure: 'No participants joined the session',
      failureCode: 'TALKING_AVATAR.NO_PARTICIPANT',
    });
  });

  it('bring-your-own-room: READY with a key, RUNNING when the worker joins, window from create', async () => {
    const emulator = await fastEmulator({ joinWindowMs: 300 });
    const client = sdk(emulator);
    const { id } = await client.realtimeSessions.create({
      ...PRESET_BODY,
      integration: { type: 'livekit', ...LIVEKIT_CREDS },
    });
    await emulator.waitForStatus(id, 'READY', 2_000);
    emulator.markJoined(id);
    expect((await getChecked(emulator, id)).status).toBe('RUNNING');
    const late = await client.realtimeSessions.create({ ...PRESET_BODY, livekit: LIVEKIT_CREDS });
    const failed = await emulator.waitForStatus(late.id, 'FAILED', 2_000);
    expect(failed.failureCode).toBe('TALKING_AVATAR.NO_PARTICIPANT');
    const elapsed = (failed.timeline.at(-1)?.atMs ?? 0) - (failed.timeline[0]?.atMs ?? 0);
    expect(elapsed).toBeGreaterThanOrEqual(290);
  });

  it('the hard cap ends a RUNNING session COMPLETED with an integer duration', async () => {
    const emulator = await fastEmulator({ hardCapMs: 600 });
    const id = await createPreset(emulator);
    await emulator.waitForStatus(id, 'READY', 2_000);
    emulator.markJoined(id);
    emulator.markLeft(id); // leaving does not end it: Runway bills until the cap
    expect(emulator.session(id)).toMatchObject({ status: 'RUNNING', participantPresent: false });
    await emulator.waitForStatus(id, 'COMPLETED', 4_000);
    expect(await getChecked(emulator, id)).toMatchObject({ status: 'COMPLETED', duration: 1 });
    expect(emulator.session(id)?.billedSeconds).toBeGreaterThanOrEqual(0.59);
  });

  it('DELETE cancels from NOT_READY, READY and RUNNING and stops billing', async () => {
    const emulator = await fastEmulator({ provisioningMs: 100 });
    const client = sdk(emulator);
    const [a, b, c] = [
      await createPreset(emulator),
      await createPreset(emulator),
      await createPreset(emulator),
    ];
    await client.realtimeSessions.delete(a);
    await emulator.waitForStatus(b, 'READY', 2_000);
    await emulator.waitForStatus(c, 'READY', 2_000);
    await client.realtimeSessions.delete(b);
    emulator.markJoined(c);
    expect(emulator.billing().sessionsBilling).toBe(1);
    await sleep(120);
    await client.realtimeSessions.delete(c);
    const billed = emulator.session(c)?.billedSeconds ?? 0;
    expect(billed).toBeGreaterThanOrEqual(0.11);
    await sleep(60);
    expect(emulator.session(c)?.billedSeconds).toBe(billed);
    expect(emulator.sessions().map((s) => s.timeline.map((t) => t.status).join('>'))).toEqual([
      'NOT_READY>CANCELLED',
      'NOT_READY>READY>CANCELLED',
      'NOT_READY>READY>RUNNING>CANCELLED',
    ]);
    const bill = emulator.billing();
    expect(bill.sessionsBilling).toBe(0);
    expect(bill.totalBilledSeconds).toBe(billed);
    expect(bill.perSession.map((p) => p.billedSeconds)).toEqual([0, 0, billed]);
  });

  it('status events, waitForStatus rejections, hooks that do not apply, reset()', async () => {
    const emulator = await fastEmulator({ provisioningMs: 60_000 });
    const seen: string[] = [];
    emulator.on('status', (id, status) => seen.push(`${id.slice(0, 4)}:${status}`));
    const id = await createPreset(emulator);
    expect(() => emulator.markJoined(id)).toThrow(/NOT_READY/);
    expect(() => emulator.complete(id)).toThrow(/not applicable/);
    expect(() => emulator.markJoined('nope')).toThrow(/no session/);
    const waiting = expect(emulator.waitForStatus(id, 'RUNNING', 2_000)).rejects.toThrow(
      /ended CANCELLED/,
    );
    await sdk(emulator).realtimeSessions.delete(id);
    await waiting;
    await expect(emulator.waitForStatus(UNKNOWN_ID, 'READY', 50)).rejects.toThrow(/timed out/);
    expect(seen).toEqual([`${id.slice(0, 4)}:NOT_READY`, `${id.slice(0, 4)}:CANCELLED`]);
    emulator.reset();
    expect(emulator.sessions()).toEqual([]);
    expect(emulator.requests).toEqual([]);
  });
});

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

describe('maxDuration below the hard cap (fake clock)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ends after maxDuration seconds of RUNNING with duration = maxDuration', async () => {
    const emulator = await startEmulator({ hardCapMs: 300_000 });
    vi.useFakeTimers();
    try {
      const res = await emulator.fetch(
        new Request(`${emulator.url}/v1/realtime_sessions`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${emulator.apiKey}`,
            'x-runway-version': '2024-11-06',
            'content-type': 'application/json',
          },
          body: JSON.stringify({ ...PRESET_BODY, maxDuration: 10 }),
        }),
      );
      const { id } = (await res.json()) as { id: string };
      expect(emulator.session(id)?.effectiveCapMs).toBe(10_000);
      await vi.advanceTimersByTimeAsync(1_500);
      emulator.markJoined(id);
      await vi.advanceTimersByTimeAsync(9_999);
      expect(emulator.session(id)?.status).toBe('RUNNING');
      await vi.advanceTimersByTimeAsync(1);
      expect(emulator.session(id)).toMatchObject({
        status: 'COMPLETED',
        duration: 10,
        billedSeconds: 10,
      });
    } finally {
      vi.useRealTimers();
      await emulator.close();
    }
  });
});
