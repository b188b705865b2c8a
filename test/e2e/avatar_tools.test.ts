// Runway tools end to end, hosted strategy, real rooms: the emulated character calls backend_rpc tools over
// LiveKit RPC and the plugin's hidden handler answers; client events reach the app and the user's room; the
// agent's own llm.tool runs for the character and shows in the session's history.
import { setTimeout as sleep } from 'node:timers/promises';
import { llm, voice } from '@livekit/agents';
import { RoomEvent } from '@livekit/rtc-node';
import { RoomServiceClient } from 'livekit-server-sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type BackendRpcTool, CLIENT_EVENT_TOPIC, resetStrategyCache } from '../../src/index.js';
import { startAgentWithAvatar, startEmulatorWithWorker } from './support/agent_harness.js';
import { liveKitEnv } from './support/env.js';
import { expectAllEndedOnce, expectNothingAlive } from './support/judge.js';
import { waitFor } from './support/wait.js';

afterEach(() => resetStrategyCache());

/** Rejections nobody handled while a test ran: a handler's error must never become one. */
let unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled = [];
  process.on('unhandledRejection', onUnhandled);
  return () => {
    process.off('unhandledRejection', onUnhandled);
  };
});

/** The participants of Runway's room for a session (hidden ones included), as the server lists them. */
async function runwayRoomIdentities(roomName: string): Promise<string[]> {
  const env = liveKitEnv();
  const service = new RoomServiceClient(env.url.replace(/^ws/, 'http'), env.apiKey, env.apiSecret);
  const participants = await service.listParticipants(roomName).catch(() => []);
  return participants.map((p) => p.identity);
}

function weatherTool(calls: Record<string, unknown>[]): BackendRpcTool {
  return {
    type: 'backend_rpc',
    name: 'get_weather',
    description: 'The weather in a city.',
    parameters: [
      { type: 'string', name: 'city', description: 'The city.' },
      { type: 'string', name: 'unit', description: 'Unit.', enum: ['C', 'F'], required: false },
    ],
    handler: (args) => {
      calls.push(args);
      return { city: args.city, sky: 'clear', degrees: 21 };
    },
  };
}

describe('Runway tools, hosted', () => {
  it('a backend_rpc call reaches the handler with its arguments; the character receives the result', async () => {
    const { emulator, events } = await startEmulatorWithWorker({ mode: 'hosted-only' });
    const calls: Record<string, unknown>[] = [];
    const a = await startAgentWithAvatar(emulator, {
      strategy: 'hosted',
      tools: [weatherTool(calls)],
    });
    const sessionId = a.avatar.sessionId!;
    // The create body declared the tool, with Runway's defaults filled in and no handler.
    const create = emulator.requests.find((r) => r.route === 'create' && r.status === 200)!;
    const sent = (create.body as { tools: Record<string, unknown>[] }).tools;
    expect(sent).toEqual([
      expect.objectContaining({ type: 'backend_rpc', name: 'get_weather', timeoutSeconds: 4 }),
    ]);
    expect(JSON.stringify(sent)).not.toContain('handler');
    // The handler was in the room before anyone asked: connect_backend came before the bridge joined.
    expect(
      emulator.requests.filter((r) => r.route === 'connect_backend').map((r) => r.status),
    ).toEqual([200]);

    const outcome = await emulator.callTool(sessionId, 'get_weather', { city: 'Paris', unit: 'C' });
    expect(outcome.kind).toBe('result');
    expect(outcome).toMatchObject({ result: { city: 'Paris', sky: 'clear', degrees: 21 } });
    expect(calls).toEqual([{ city: 'Paris', unit: 'C' }]);
    expect(events.some((e) => e.type === 'tool_result' || e.type === 'tool_call')).toBe(true);

    await a.avatar.aclose();
    expectAllEndedOnce(emulator, events);
    expect(unhandled).toEqual([]);
  });

  it('a throwing handler and a slow one give the character an error and a timeout; nothing escapes', async () => {
    const { emulator, events } = await startEmulatorWithWorker({ mode: 'hosted-only' });
    let slowAborted = false;
    const a = await startAgentWithAvatar(emulator, {
      strategy: 'hosted',
      tools: [
        {
          type: 'backend_rpc',
          name: 'explode',
          description: 'Always fails.',
          handler: async () => {
            throw new Error('db password=hunter2 rejected');
          },
        },
        {
          type: 'backend_rpc',
          name: 'dawdle',
          description: 'Takes too long.',
          timeoutSeconds: 1,
          handler: async (_args, call) => {
            call.signal.addEventListener('abort', () => {
              slowAborted = true;
            });
            await sleep(3000);
            throw new Error('late failure after the timeout');
          },
        },
      ],
    });
    const sessionId = a.avatar.sessionId!;

    const failed = await emulator.callTool(sessionId, 'explode', {});
    expect(failed.kind).toBe('error');
    if (failed.kind === 'error') {
      expect(failed.code).toBe(1500);
      expect(failed.message).toBe('the tool failed');
      expect(failed.message).not.toContain('hunter2');
    }

    const slow = await emulator.callTool(sessionId, 'dawdle', {});
    // The character stops waiting after timeoutSeconds; the handler is told to give up at the same time.
    expect(['timeout', 'error']).toContain(slow.kind);
    expect(slow.elapsedMs).toBeLessThan(2500);
    await waitFor(() => slowAborted, { timeoutMs: 3000, debugName: 'the slow handler is aborted' });
    await sleep(2600); // the slow handler rejects after its timeout: that must not be unhandled

    // The plugin still serves: a second call of the failing tool is answered the same way.
    expect((await emulator.callTool(sessionId, 'explode', {})).kind).toBe('error');
    expect(unhandled).toEqual([]);
    await a.avatar.aclose();
    expectAllEndedOnce(emulator, events);
  });

  it('an agent llm.tool exposed to the character runs, and the call shows in the session’s history', async () => {
    const { emulator, events } = await startEmulatorWithWorker({ mode: 'hosted-only' });
    const seen: { city: string; callName: string }[] = [];
    const agent = new voice.Agent({
      instructions: 'test',
      tools: {
        time_in_city: llm.tool({
          description: 'The local time in a city.',
          parameters: z.object({ city: z.string().describe('The city.') }),
          execute: async ({ city }, { ctx }) => {
            seen.push({ city, callName: ctx.functionCall.name });
            return { city, time: '10:42' };
          },
        }),
      },
    });
    const executed: voice.FunctionToolsExecutedEvent[] = [];
    const a = await startAgentWithAvatar(
      emulator,
      { strategy: 'hosted', agentTools: agent },
      undefined,
      agent,
    );
    a.session.on(voice.AgentSessionEventTypes.FunctionToolsExecuted, (e) => executed.push(e));
    const sessionId = a.avatar.sessionId!;
    const create = emulator.requests.find((r) => r.route === 'create' && r.status === 200)!;
    expect((create.body as { tools: unknown[] }).tools).toEqual([
      {
        type: 'backend_rpc',
        name: 'time_in_city',
        description: 'The local time in a city.',
        parameters: [{ type: 'string', name: 'city', description: 'The city.', required: true }],
        timeoutSeconds: 4,
      },
    ]);

    const outcome = await emulator.callTool(sessionId, 'time_in_city', { city: 'Lisbon' });
    expect(outcome).toMatchObject({ kind: 'result', result: { city: 'Lisbon', time: '10:42' } });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual({ city: 'Lisbon', callName: 'time_in_city' });
    // The agent's transcript holds the call and its output.
    const items = a.session.history.items;
    const call = items.find((i) => i.type === 'function_call') as llm.FunctionCall | undefined;
    const output = items.find((i) => i.type === 'function_call_output') as
      | llm.FunctionCallOutput
      | undefined;
    expect(call?.name).toBe('time_in_city');
    expect(JSON.parse(call!.args)).toEqual({ city: 'Lisbon' });
    expect(output?.callId).toBe(call?.callId);
    expect(JSON.parse(output!.output)).toEqual({ city: 'Lisbon', time: '10:42' });
    expect(output?.isError).toBe(false);
    expect(executed).toHaveLength(1);
    expect(executed[0]!.functionCalls[0]!.name).toBe('time_in_city');

    // Arguments the tool's schema refuses are an error for the character, recorded as such.
    const bad = await emulator.callTool(
      sessionId,
      'time_in_city',
      { city: 42 },
      { unchecked: true },
    );
    expect(bad.kind).toBe('error');
    await a.avatar.aclose();
    expectAllEndedOnce(emulator, events);
    expect(unhandled).toEqual([]);
  });

  it('a client_event reaches the client_event event and the user’s room topic', async () => {
    const { emulator, events } = await startEmulatorWithWorker({ mode: 'hosted-only' });
    const a = await startAgentWithAvatar(emulator, {
      strategy: 'hosted',
      forwardClientEvents: true,
      tools: [
        {
          type: 'client_event',
          name: 'show_card',
          description: 'Shows a card to the user.',
          parameters: [{ type: 'string', name: 'title', description: 'The title.' }],
        },
      ],
    });
    const fromAvatar: Record<string, unknown>[] = [];
    a.avatar.on('client_event', (m) => fromAvatar.push(m));
    const inRoom: { topic: string | undefined; from: string | undefined; body: unknown }[] = [];
    a.userRoom.on(RoomEvent.DataReceived, (payload, participant, _kind, topic) => {
      inRoom.push({
        topic,
        from: participant?.identity,
        body: JSON.parse(new TextDecoder().decode(payload)),
      });
    });
    await emulator.emitClientEvent(a.avatar.sessionId!, 'show_card', { title: 'Hello' });
    await waitFor(
      () => fromAvatar.length > 0 && inRoom.some((m) => m.topic === CLIENT_EVENT_TOPIC),
      {
        timeoutMs: 10_000,
        debugName: 'the client event reached the app and the user',
      },
    );
    expect(fromAvatar[0]).toMatchObject({
      type: 'client_event',
      tool: 'show_card',
      args: { title: 'Hello' },
    });
    expect(inRoom.find((m) => m.topic === CLIENT_EVENT_TOPIC)).toEqual({
      topic: CLIENT_EVENT_TOPIC,
      from: a.agentIdentity,
      body: { type: 'client_event', tool: 'show_card', args: { title: 'Hello' } },
    });
    await a.avatar.aclose();
    expectAllEndedOnce(emulator, events);
  });

  it('after renewal the tools still work; after close the handler has left and nothing bills', async () => {
    const { emulator, events } = await startEmulatorWithWorker({
      mode: 'hosted-only',
      hardCapMs: 12_000,
    });
    const calls: Record<string, unknown>[] = [];
    const a = await startAgentWithAvatar(emulator, {
      strategy: 'hosted',
      sessionCapMs: 12_000,
      renewLeadMs: 5000,
      tools: [weatherTool(calls)],
    });
    const first = a.avatar.sessionId!;
    const renewed = new Promise<{ sessionId: string }>((resolve) =>
      a.avatar.once('session_renewed', resolve),
    );
    const { sessionId: second } = await renewed;
    expect(second).not.toBe(first);
    const outcome = await emulator.callTool(second, 'get_weather', { city: 'Oslo' });
    expect(outcome).toMatchObject({ kind: 'result', result: { city: 'Oslo' } });
    expect(calls).toEqual([{ city: 'Oslo' }]);
    // One handler per Runway session: the first one left with its session.
    await waitFor(
      async () => !(await runwayRoomIdentities(first)).some((i) => i.startsWith('backend:')),
      {
        timeoutMs: 10_000,
        debugName: "the first session's handler left",
      },
    );
    expect(
      (await runwayRoomIdentities(second)).filter((i) => i.startsWith('backend:')),
    ).toHaveLength(1);

    await a.avatar.aclose();
    await waitFor(async () => (await runwayRoomIdentities(second)).length === 0, {
      timeoutMs: 10_000,
      debugName: "Runway's room is empty after close",
    });
    expectAllEndedOnce(emulator, events);
    expectNothingAlive(emulator);
    expect(unhandled).toEqual([]);
  });
});
