// Fault scripts: status replies with SDK retries, latency, resets, hangs, slow bodies, the CLI grammar.
import { RateLimitError } from '@runwayml/sdk';
import { describe, expect, it } from 'vitest';
import { type FaultSpec, parseFaultFlag, SocketFault } from '../../src/emulator/index.js';
import { apiHeaders, fastEmulator, PRESET_BODY, rawRequest, sdk } from './helpers.js';

const BODY = JSON.stringify(PRESET_BODY);
const CREATE = '/v1/realtime_sessions';

describe('status faults with the SDK retrying', () => {
  it('fail twice with 429 (Retry-After: 0) then succeed: one session, three attempts', async () => {
    const emulator = await fastEmulator();
    emulator.faults.add({ route: 'create', kind: 'status', status: 429, retryAfterS: 0, times: 2 });
    const { id } = await sdk(emulator, 2).realtimeSessions.create(PRESET_BODY);
    const creates = emulator.requests.filter((r) => r.route === 'create');
    expect(creates.map((r) => r.status)).toEqual([429, 429, 200]);
    expect(creates.map((r) => r.headers['x-stainless-retry-count'])).toEqual(['0', '1', '2']);
    expect(creates.map((r) => r.fault)).toEqual(['status:429', 'status:429', undefined]);
    expect(emulator.sessions().map((s) => s.id)).toEqual([id]);
    expect(emulator.faults.list()[0]).toMatchObject({ fired: 2, remaining: 0 });
  });

  it('fewer retries than failures: RateLimitError and no session', async () => {
    const emulator = await fastEmulator();
    emulator.faults.add({ route: 'create', kind: 'status', status: 429, retryAfterS: 0, times: 2 });
    await expect(sdk(emulator, 1).realtimeSessions.create(PRESET_BODY)).rejects.toBeInstanceOf(
      RateLimitError,
    );
    expect(emulator.sessions()).toHaveLength(0);
  });

  it('503 without Retry-After is retried after the SDK backoff; `after` lets requests through', async () => {
    const emulator = await fastEmulator();
    emulator.faults.add({ route: '*', kind: 'status', status: 503, after: 1 });
    const id = (await sdk(emulator).realtimeSessions.create(PRESET_BODY)).id;
    const got = await sdk(emulator, 1).realtimeSessions.retrieve(id);
    expect(got.id).toBe(id);
    expect(emulator.requests.map((r) => `${r.route}:${r.status}`)).toEqual([
      'create:200',
      'retrieve:503',
      'retrieve:200',
    ]);
    const retry = emulator.requests[2];
    expect(retry?.headers['x-stainless-retry-count']).toBe('1');
    expect((retry?.atMs ?? 0) - (emulator.requests[1]?.atMs ?? 0)).toBeGreaterThanOrEqual(300);
  });
});

describe('socket-level faults (raw node:http)', () => {
  it('latency delays the answer and still processes', async () => {
    const emulator = await fastEmulator();
    emulator.faults.add({ route: 'create', kind: 'latency', delayMs: 200 });
    const out = await rawRequest(emulator, 'POST', CREATE, BODY);
    expect(out).toMatchObject({ kind: 'response', status: 200 });
    expect(out.kind === 'response' && out.headersAtMs).toBeGreaterThanOrEqual(190);
    expect(emulator.sessions()).toHaveLength(1);
  });

  it.each([
    ['before-body', false],
    ['after-body', false],
    ['after-processing', true],
  ] as const)('reset %s: ECONNRESET, session created: %s', async (when, created) => {
    const emulator = await fastEmulator();
    emulator.faults.add({ route: 'create', kind: 'reset', when });
    const out = await rawRequest(emulator, 'POST', CREATE, BODY);
    expect(out).toMatchObject({ kind: 'error', code: 'ECONNRESET' });
    expect(emulator.sessions()).toHaveLength(created ? 1 : 0);
    const entry = emulator.requests[0];
    expect(entry).toMatchObject({ route: 'create', status: null, fault: `reset:${when}` });
    expect(entry?.body === undefined).toBe(when === 'before-body');
    expect(entry?.sessionId === undefined).toBe(!created);
  });

  it('reset after processing makes a retrying client create twice (non-idempotent create)', async () => {
    const emulator = await fastEmulator();
    emulator.faults.add({ route: 'create', kind: 'reset', when: 'after-processing' });
    const { id } = await sdk(emulator, 1).realtimeSessions.create(PRESET_BODY);
    expect(emulator.sessions()).toHaveLength(2);
    expect(emulator.sessions()[1]?.id).toBe(id);
  });

  it('hang: no headers until the client gives up; nothing processed', async () => {
    const emulator = await fastEmulator();
    emulator.faults.add({ route: 'create', kind: 'hang' });
    const out = await rawRequest(emulator, 'POST', CREATE, BODY, 300);
    expect(out).toMatchObject({ kind: 'error', code: 'TIMEOUT' });
    expect(out.kind === 'error' && out.atMs).toBeGreaterThanOrEqual(290);
    expect(emulator.sessions()).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(emulator.requests[0]).toMatchObject({ status: null, fault: 'hang' });
  });

  it('hang ends when the emulator closes', async () => {
    const emulator = await fastEmulator();
    emulator.faults.add({ route: 'retrieve', kind: 'hang' });
    const pending = rawRequest(
      emulator,
      'GET',
      `${CREATE}/00000000-0000-4000-8000-000000000000`,
      undefined,
      10_000,
    );
    await new Promise((r) => setTimeout(r, 100));
    const closing = Date.now();
    await emulator.close();
    const out = await pending;
    expect(out.kind).toBe('error');
    expect(Date.now() - closing).toBeLessThan(5_000);
  });

  it('slow body: headers at once, body dribbled, processed', async () => {
    const emulator = await fastEmulator();
    emulator.faults.add({ route: 'create', kind: 'slow-body', chunkDelayMs: 40, chunkBytes: 5 });
    const out = await rawRequest(emulator, 'POST', CREATE, BODY);
    if (out.kind !== 'response') throw new Error(`expected a response, got ${out.code}`);
    expect(out.status).toBe(200);
    expect(JSON.parse(out.body)).toEqual({ id: emulator.sessions()[0]?.id });
    // {"id":"<36 chars>"} is 45 bytes: 9 chunks, 8 gaps of 40 ms.
    expect(out.endAtMs - out.headersAtMs).toBeGreaterThanOrEqual(300);
  });

  it('faults from options, `*` routes, unknown paths never fault, clear()', async () => {
    const emulator = await fastEmulator({
      faults: [{ route: '*', kind: 'status', status: 500, times: Infinity }],
    });
    expect(await rawRequest(emulator, 'GET', '/v1/other')).toMatchObject({ status: 404 });
    expect(await rawRequest(emulator, 'POST', CREATE, BODY)).toMatchObject({ status: 500 });
    emulator.faults.clear();
    expect(await rawRequest(emulator, 'POST', CREATE, BODY)).toMatchObject({ status: 200 });
    expect(() => emulator.faults.add({ route: 'nope' } as unknown as FaultSpec)).toThrow(TypeError);
  });

  it('the socketless app rejects with SocketFault for a reset', async () => {
    const emulator = await fastEmulator();
    emulator.faults.add({ route: 'create', kind: 'reset', when: 'after-body' });
    const request = new Request(`${emulator.url}${CREATE}`, {
      method: 'POST',
      headers: apiHeaders(emulator),
      body: BODY,
    });
    await expect(emulator.fetch(request)).rejects.toBeInstanceOf(SocketFault);
    expect(emulator.sessions()).toHaveLength(0);
  });
});

describe('--fault grammar', () => {
  it.each([
    ['create:429x2', { route: 'create', kind: 'status', status: 429, times: 2 }],
    ['create:429=1x2', { route: 'create', kind: 'status', status: 429, retryAfterS: 1, times: 2 }],
    ['*:503xinf', { route: '*', kind: 'status', status: 503, times: Infinity }],
    ['retrieve:delay=200', { route: 'retrieve', kind: 'latency', delayMs: 200, times: 1 }],
    ['consume:reset', { route: 'consume', kind: 'reset', when: 'before-body', times: 1 }],
    [
      'create:reset-after-processing',
      { route: 'create', kind: 'reset', when: 'after-processing', times: 1 },
    ],
    ['cancel:hangx3', { route: 'cancel', kind: 'hang', times: 3 }],
    ['create:slow=20', { route: 'create', kind: 'slow-body', chunkDelayMs: 20, times: 1 }],
  ])('%s', (flag, spec) => {
    expect(parseFaultFlag(flag)).toEqual(spec);
  });

  it.each([
    'create',
    'list:429',
    'create:42',
    'create:delay',
    'create:hang=3',
    'create:429x0',
    'create:600',
  ])('rejects %s', (flag) => {
    expect(() => parseFaultFlag(flag)).toThrow(/invalid --fault/);
  });
});
