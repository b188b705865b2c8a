import { llm, voice } from '@livekit/agents';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RunwayOptionError } from '../../../src/errors.js';
import { NO_TOOLS, resolveSessionTools } from '../../../src/tools/session_tools.js';
import type { BackendRpcTool, RunwayTool } from '../../../src/tools/types.js';

const base = { tools: [] as RunwayTool[], agentTools: false as const, agentToolTimeoutSeconds: 4 };

function agentWithClock(calls: { city: string; userData: unknown }[]): voice.Agent {
  return new voice.Agent({
    instructions: 'test',
    tools: {
      time_in_city: llm.tool({
        description: 'The local time in a city.',
        parameters: z.object({
          city: z.string().describe('The city.'),
          hour12: z.boolean().default(false).describe('12-hour clock.'),
        }),
        execute: async ({ city, hour12 }, { ctx }) => {
          calls.push({ city, userData: ctx.session.userData });
          return { city, time: hour12 ? '10:42 am' : '10:42' };
        },
      }),
      fail: llm.tool({
        description: 'Always fails.',
        execute: async () => {
          throw new llm.ToolError('no clock here');
        },
      }),
    },
  });
}

const call = (tool: string) => ({
  tool,
  sessionId: '8f0c2b7e-3c1a-4d5e-9f00-1234567890ab',
  signal: new AbortController().signal,
});

describe('the tools of an avatar session', () => {
  it('declares nothing without tools', () => {
    expect(resolveSessionTools(base, new voice.AgentSession({}))).toBe(NO_TOOLS);
  });

  it('sends every user tool and serves the backend ones', () => {
    const handler = () => 1;
    const tools: RunwayTool[] = [
      { type: 'client_event', name: 'show', description: 'Show a card.' },
      { type: 'backend_rpc', name: 'lookup', description: 'Look up.', handler },
    ];
    const resolved = resolveSessionTools({ ...base, tools }, new voice.AgentSession({}));
    expect(resolved.wire.map((t) => t.name)).toEqual(['show', 'lookup']);
    expect(resolved.backend.map((t) => t.handler)).toEqual([handler]);
  });

  it('exposes an agent’s tools with the chosen timeout; defaults in the schema become optional', () => {
    const agent = agentWithClock([]);
    const resolved = resolveSessionTools(
      { ...base, agentTools: agent, agentToolTimeoutSeconds: 6 },
      new voice.AgentSession({}),
    );
    expect(resolved.wire).toEqual([
      {
        type: 'backend_rpc',
        name: 'time_in_city',
        description: 'The local time in a city.',
        parameters: [
          { type: 'string', name: 'city', description: 'The city.', required: true },
          { type: 'boolean', name: 'hour12', description: '12-hour clock.', required: false },
        ],
        timeoutSeconds: 6,
      },
      {
        type: 'backend_rpc',
        name: 'fail',
        description: 'Always fails.',
        parameters: [],
        timeoutSeconds: 6,
      },
    ]);
  });

  it('refuses true before the AgentSession runs an agent, naming the option and the way out', () => {
    const error = (() => {
      try {
        resolveSessionTools({ ...base, agentTools: true }, new voice.AgentSession({}));
      } catch (e) {
        return e;
      }
    })();
    expect(RunwayOptionError.is(error)).toBe(true);
    expect((error as RunwayOptionError).option).toBe('agentTools');
    expect((error as Error).message).toMatch(/agentTools: agent/);
  });

  it('refuses an agent tool named like a user tool', () => {
    const tools: RunwayTool[] = [
      { type: 'client_event', name: 'time_in_city', description: 'Clash.' },
    ];
    expect(() =>
      resolveSessionTools(
        { ...base, tools, agentTools: agentWithClock([]) },
        new voice.AgentSession({}),
      ),
    ).toThrow(/agentTools \("time_in_city"\).*already the name of tools\[0\]/);
  });

  it('runs an exposed tool as the agent would and records the call in the history', async () => {
    const calls: { city: string; userData: unknown }[] = [];
    const session = new voice.AgentSession({ userData: { user: 'ada' } });
    const executed: voice.FunctionToolsExecutedEvent[] = [];
    session.on(voice.AgentSessionEventTypes.FunctionToolsExecuted, (e) => executed.push(e));
    const resolved = resolveSessionTools({ ...base, agentTools: agentWithClock(calls) }, session);
    const [clock, fail] = resolved.backend as BackendRpcTool[];

    // The schema's default is filled in, and the tool sees the session's userData through its context.
    expect(await clock!.handler({ city: 'Lisbon' }, call('time_in_city'))).toEqual({
      city: 'Lisbon',
      time: '10:42',
    });
    expect(calls).toEqual([{ city: 'Lisbon', userData: { user: 'ada' } }]);
    const items = session.history.items;
    expect(items.map((i) => i.type)).toEqual(['function_call', 'function_call_output']);
    const [fc, out] = items as [llm.FunctionCall, llm.FunctionCallOutput];
    expect(fc.name).toBe('time_in_city');
    expect(JSON.parse(fc.args)).toEqual({ city: 'Lisbon' });
    expect(out.callId).toBe(fc.callId);
    expect(JSON.parse(out.output)).toEqual({ city: 'Lisbon', time: '10:42' });
    expect(out.isError).toBe(false);
    expect(executed).toHaveLength(1);

    // Arguments the schema refuses, and a failing tool: errors for the caller, recorded as errors.
    await expect(clock!.handler({ city: 42 }, call('time_in_city'))).rejects.toBeInstanceOf(
      llm.ToolError,
    );
    await expect(fail!.handler({}, call('fail'))).rejects.toThrow('no clock here');
    const outputs = session.history.items.filter(
      (i): i is llm.FunctionCallOutput => i.type === 'function_call_output',
    );
    expect(outputs.map((o) => o.isError)).toEqual([false, true, true]);
    expect(outputs[2]!.output).toBe('no clock here');
    expect(calls).toHaveLength(1);
  });
});
