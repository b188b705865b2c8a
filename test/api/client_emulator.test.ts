// The plugin's RunwayClient against the Runway emulator over real sockets: the documented flow, the
// faults Runway shows, and the create rule counted in sessions (no second billed session).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunwayClient } from '../../src/api/client.js';
import { closeAllAgents } from '../../src/api/dispatcher.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { RunwayAPIError, RunwayConnectionError, RunwayTimeoutError } from '../../src/errors.js';

const BODY = {
  model: 'gwm1_avatars',
  avatar: { type: 'runway-preset', presetId: 'cat-character' },
} as const;
const FAST = { maxRetry: 2, retryIntervalMs: 20, timeoutMs: 1500 };

let emulator: RunningEmulator;
let client: RunwayClient;

beforeEach(async () => {
  emulator = await startEmulator({ provisioningMs: 400, queuedMs: 200 });
  client = new RunwayClient({ apiKey: emulator.apiKey, baseUrl: emulator.url, connOptions: FAST });
});
afterEach(async () => {
  await emulator.close();
  await closeAllAgents();
});

describe('RunwayClient against the emulator', () => {
  it('create → poll → consume → cancel, as documented', async () => {
    const { id } = await client.createSession(BODY);
    const first = await client.retrieveSession(id);
    expect(first).toMatchObject({ id, status: 'NOT_READY', queued: true });
    await emulator.waitForStatus(id, 'READY', 2000);
    const ready = await client.retrieveSession(id);
    if (ready.status !== 'READY') throw new Error(`not READY: ${ready.status}`);
    expect(ready.sessionKey).toMatch(/^stk_/);
    const credentials = await client.consumeSession(id, ready.sessionKey);
    expect(Object.keys(credentials).sort()).toEqual(['roomName', 'token', 'url']);
    await expect(client.consumeSession(id, ready.sessionKey)).rejects.toSatisfy(
      (e) => RunwayAPIError.is(e) && e.statusCode === 409,
    );
    expect(await client.cancelSession(id)).toBe('cancelled');
    expect((await client.retrieveSession(id)).status).toBe('CANCELLED');
    expect(await client.cancelSession(id)).toBe('gone');
  });

  it('surfaces Runway’s exact refusal of an unknown key', async () => {
    emulator.setMode('hosted-only');
    const error = await client
      .createSession({ ...BODY, livekit: { url: 'wss://x.example', token: 't', roomName: 'r' } })
      .catch((e: unknown) => e);
    expect(RunwayAPIError.is(error)).toBe(true);
    expect((error as RunwayAPIError).runwayError).toBe('Unrecognized key: livekit');
    expect(emulator.sessions()).toHaveLength(0);
  });

  it('retries a rate-limited create and makes exactly one session', async () => {
    emulator.faults.add({ route: 'create', kind: 'status', status: 429, retryAfterS: 0, times: 2 });
    await client.createSession(BODY);
    expect(emulator.requests.filter((r) => r.route === 'create').map((r) => r.status)).toEqual([
      429, 429, 200,
    ]);
    expect(emulator.sessions()).toHaveLength(1);
  });

  it('does not retry a create answered 500: one request, no duplicate session', async () => {
    emulator.faults.add({ route: 'create', kind: 'status', status: 500 });
    const error = await client.createSession(BODY).catch((e: unknown) => e);
    expect(RunwayAPIError.is(error) && error.statusCode).toBe(500);
    expect((error as Error).message).toMatch(/may have been created/);
    expect(emulator.requests.filter((r) => r.route === 'create')).toHaveLength(1);
  });

  it('does not retry a create whose connection was reset after Runway processed it', async () => {
    emulator.faults.add({ route: 'create', kind: 'reset', when: 'after-processing' });
    const error = await client.createSession(BODY).catch((e: unknown) => e);
    expect(RunwayConnectionError.is(error)).toBe(true);
    expect((error as Error).message).toMatch(/may have been created/);
    // The one session Runway made exists; the client made no second one.
    expect(emulator.sessions()).toHaveLength(1);
  });

  it('times out a hung GET and retries it, then succeeds', async () => {
    const { id } = await client.createSession(BODY);
    emulator.faults.add({ route: 'retrieve', kind: 'hang' });
    const session = await client.retrieveSession(id);
    expect(session.id).toBe(id);
    expect(emulator.requests.filter((r) => r.route === 'retrieve').length).toBeGreaterThanOrEqual(
      2,
    );
  });

  it('gives up on a create that hangs, with a timeout error that says a session may exist', async () => {
    emulator.faults.add({ route: 'create', kind: 'hang', times: Number.POSITIVE_INFINITY });
    const error = await client.createSession(BODY).catch((e: unknown) => e);
    expect(RunwayTimeoutError.is(error)).toBe(true);
    expect((error as RunwayTimeoutError).retryable).toBe(false);
    expect(emulator.requests.filter((r) => r.route === 'create')).toHaveLength(1);
  });
});
