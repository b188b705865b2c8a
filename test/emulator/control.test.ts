// Emulator.callTool / emitClientEvent and the /_emulator control routes, over a recording driver.
import { describe, expect, it } from 'vitest';
import {
  NoRunningCharacter,
  type ToolArgs,
  type ToolCallOutcome,
  ToolCallRefused,
  type WorkerDriver,
} from '../../src/emulator/index.js';
import { call, createPreset, fastEmulator, LIVEKIT_CREDS, PRESET_BODY, sdk } from './helpers.js';

/** A driver standing for the hosted character: records calls, answers `weather`, refuses the rest. */
function toolDriver() {
  const calls: Array<[string, string, string, ToolArgs, boolean]> = [];
  const driver: WorkerDriver = {
    startByoSession() {},
    startHostedSession() {},
    stop() {},
    async callTool(id, name, args, opts) {
      calls.push(['call', id, name, args, opts?.unchecked ?? false]);
      if (name !== 'weather') throw new ToolCallRefused(name, 'not_declared', 'not declared');
      return {
        tool: name,
        args,
        callerIdentity: `worker:${id}`,
        destinationIdentity: `backend:${id}`,
        timeoutMs: 4000,
        elapsedMs: 12,
        kind: 'result',
        payload: '{"tempC":21}',
        result: { tempC: 21 },
        json: true,
      } satisfies ToolCallOutcome;
    },
    async emitClientEvent(id, name, args, opts) {
      calls.push(['emit', id, name, args, opts?.unchecked ?? false]);
    },
  };
  return { driver, calls };
}

const route = (id: string, what: 'tool_calls' | 'client_events') =>
  `/_emulator/realtime_sessions/${id}/${what}`;

describe('tool control', () => {
  it('Emulator.callTool / emitClientEvent reach the driver for a READY or RUNNING hosted session', async () => {
    const { driver, calls } = toolDriver();
    const emulator = await fastEmulator({ driver });
    const id = await createPreset(emulator);
    await expect(emulator.callTool(id, 'weather', { city: 'Paris' })).rejects.toThrow(
      /the session is NOT_READY/,
    );
    await emulator.waitForStatus(id, 'READY', 2_000);
    await expect(emulator.callTool(id, 'weather', { city: 'Paris' })).resolves.toMatchObject({
      kind: 'result',
      result: { tempC: 21 },
    });
    await emulator.emitClientEvent(id, 'show', {}, { unchecked: true });
    expect(calls).toEqual([
      ['call', id, 'weather', { city: 'Paris' }, false],
      ['emit', id, 'show', {}, true],
    ]);
    await expect(emulator.callTool(id, 'other')).rejects.toBeInstanceOf(ToolCallRefused);
    emulator.markJoined(id);
    await expect(emulator.callTool(id, 'weather', {})).resolves.toMatchObject({ kind: 'result' });
    emulator.complete(id);
    const ended = await emulator.callTool(id, 'weather', {}).catch((e: unknown) => e);
    expect(ended).toBeInstanceOf(NoRunningCharacter);
    expect(ended).toMatchObject({
      reason: 'not_running',
      message: expect.stringMatching(/COMPLETED/),
    });
  });

  it('rejects clearly without a session, a worker, or a hosted room', async () => {
    const bare = await fastEmulator();
    const id = await createPreset(bare);
    await bare.waitForStatus(id, 'READY', 2_000);
    await expect(bare.callTool(id, 'weather')).rejects.toThrow(/runs no avatar worker/);
    await expect(
      bare.emitClientEvent('6f1c3b0e-8a4d-4c59-9e0a-2b7d6c1f4a90', 'x'),
    ).rejects.toMatchObject({
      name: 'NoRunningCharacter',
      reason: 'unknown_session',
    });
    const { driver } = toolDriver();
    const emulator = await fastEmulator({ driver });
    const { id: byo } = await sdk(emulator).realtimeSessions.create({
      ...PRESET_BODY,
      integration: { type: 'livekit', ...LIVEKIT_CREDS },
    });
    await emulator.waitForStatus(byo, 'READY', 2_000);
    await expect(emulator.callTool(byo, 'weather')).rejects.toThrow(/bring-your-own-room/);
  });

  it('HTTP control routes: API key, body checks, statuses, and no entry in the request log', async () => {
    const { driver, calls } = toolDriver();
    const emulator = await fastEmulator({ driver });
    const id = await createPreset(emulator);
    await emulator.waitForStatus(id, 'READY', 2_000);
    const before = emulator.requests.length;
    const auth = { authorization: `Bearer ${emulator.apiKey}` };
    const post = (path: string, body: unknown, headers: Record<string, string> = auth) =>
      call(emulator, 'POST', path, { headers, body: JSON.stringify(body) });

    expect(
      await post(route(id, 'tool_calls'), { tool: 'weather', args: { city: 'Rome' } }),
    ).toMatchObject({
      status: 200,
      body: { kind: 'result', tool: 'weather', args: { city: 'Rome' }, result: { tempC: 21 } },
    });
    expect((await post(route(id, 'client_events'), { tool: 'show', unchecked: true })).status).toBe(
      204,
    );
    expect(calls.at(-1)).toEqual(['emit', id, 'show', {}, true]);
    expect(await post(route(id, 'tool_calls'), { tool: 'other' })).toMatchObject({
      status: 422,
      body: { reason: 'not_declared', tool: 'other' },
    });
    expect(await post(route(id, 'tool_calls'), { tool: 'weather' }, {})).toMatchObject({
      status: 401,
    });
    expect(
      await post(route(id, 'tool_calls'), { tool: 'weather' }, { authorization: 'Bearer key_x' }),
    ).toMatchObject({ status: 401 });
    expect(await post(route(id, 'tool_calls'), { args: {} })).toMatchObject({
      status: 400,
      body: { error: '"tool" must be a non-empty string' },
    });
    expect(await post(route(id, 'tool_calls'), { tool: 'weather', args: [1] })).toMatchObject({
      status: 400,
      body: { error: '"args" must be an object' },
    });
    expect((await post(route(id, 'tool_calls'), 'x')).status).toBe(400);
    expect(
      (await call(emulator, 'POST', route(id, 'tool_calls'), { headers: auth, body: '{' })).status,
    ).toBe(400);
    const unknown = '6f1c3b0e-8a4d-4c59-9e0a-2b7d6c1f4a90';
    expect((await post(route(unknown, 'tool_calls'), { tool: 'weather' })).status).toBe(404);
    expect((await post('/_emulator/other', {})).status).toBe(404);
    const get = await call(emulator, 'GET', route(id, 'tool_calls'), { headers: auth });
    expect(get.status).toBe(405);
    emulator.expire(id);
    expect(await post(route(id, 'tool_calls'), { tool: 'weather' })).toMatchObject({
      status: 409,
      body: { error: expect.stringMatching(/the session is FAILED/) },
    });
    expect(emulator.requests.length).toBe(before);
  });
});
