// The tools options: validated at construction (before any request), defaults carried in the resolved options.
import { voice } from '@livekit/agents';
import { describe, expect, it } from 'vitest';
import { type AvatarSessionOptions, resolveOptions } from '../../src/options.js';
import { optionError } from '../support/option_error.js';

const env = { RUNWAYML_API_SECRET: 'key_test' } as NodeJS.ProcessEnv;
const ok = { presetId: 'cat-character' } as const;

const resolve = (o: Record<string, unknown>) =>
  resolveOptions({ ...ok, ...o } as AvatarSessionOptions, env);

describe('tools options', () => {
  it('defaults: no tools, no agent tools, 4 s, no forwarding', () => {
    const r = resolveOptions(ok, env);
    expect(r.tools).toEqual([]);
    expect(r.agentTools).toBe(false);
    expect(r.agentToolTimeoutSeconds).toBe(4);
    expect(r.forwardClientEvents).toBe(false);
  });

  it('carries validated copies of the tools, frozen', () => {
    const handler = () => 'ok';
    const tools: NonNullable<AvatarSessionOptions['tools']> = [
      { type: 'client_event', name: 'show_card', description: 'Shows a card.' },
      {
        type: 'backend_rpc',
        name: 'get_time',
        description: 'The time.',
        handler,
        timeoutSeconds: 6,
      },
    ];
    const r = resolve({ tools });
    expect(r.tools).toEqual(tools);
    expect(r.tools[1]).not.toBe(tools[1]);
    expect(Object.isFrozen(r.tools)).toBe(true);
  });

  it('refuses a bad tool definition at resolution, naming the tool and the field', () => {
    const e = optionError(() =>
      resolve({
        tools: [
          { type: 'client_event', name: 'a', description: 'A.' },
          {
            type: 'backend_rpc',
            name: 'get_time',
            description: 'The time.',
            timeoutSeconds: 9,
            handler: () => 1,
          },
        ],
      }),
    );
    expect(e.option).toBe('tools[1] ("get_time").timeoutSeconds');
    expect(e.message).toBe(
      'Invalid option tools[1] ("get_time").timeoutSeconds: received 9; expected a number of seconds from 1 to 8 (default 4).',
    );
    expect(optionError(() => resolve({ tools: 'get_time' })).option).toBe('tools');
  });

  it('suggests tools for a mistyped key', () => {
    expect(optionError(() => resolve({ tool: [] })).suggestion).toBe('tools');
  });

  it('agentTools: a voice.Agent, a boolean or a list of distinct Runway tool names', () => {
    expect(resolve({ agentTools: true }).agentTools).toBe(true);
    const agent = new voice.Agent({ instructions: 'test' });
    expect(resolve({ agentTools: agent }).agentTools).toBe(agent);
    const list = ['get_time', 'lookup_order'];
    const r = resolve({ agentTools: list });
    expect(r.agentTools).toEqual(list);
    expect(r.agentTools).not.toBe(list);
    expect(Object.isFrozen(r.agentTools)).toBe(true);
    expect(resolve({ agentTools: [] }).agentTools).toEqual([]);
    const allowed =
      /expected a voice\.Agent \(its function tools\), true \(every function tool of the running agent\), false, or a list of at most 20 distinct tool names/;
    for (const [value, option, problem] of [
      ['yes', 'agentTools', undefined],
      [{ toolCtx: null }, 'agentTools', undefined],
      [['get_time', 'get-weather'], 'agentTools.1', undefined],
      [['get_time', 7], 'agentTools.1', undefined],
      [['a', 'b', 'a'], 'agentTools.2', /\(repeats agentTools\[0\]\)/],
      [Array.from({ length: 21 }, (_, i) => `t${i}`), 'agentTools', /\(21 names\)/],
    ] as const) {
      const e = optionError(() => resolve({ agentTools: value }));
      expect(e.option).toBe(option);
      expect(e.message).toMatch(allowed);
      if (problem) expect(e.message).toMatch(problem);
    }
  });

  it('agentToolTimeoutSeconds: 1..8 seconds', () => {
    expect(resolve({ agentToolTimeoutSeconds: 1 }).agentToolTimeoutSeconds).toBe(1);
    expect(resolve({ agentToolTimeoutSeconds: 7.5 }).agentToolTimeoutSeconds).toBe(7.5);
    expect(resolve({ agentToolTimeoutSeconds: 8 }).agentToolTimeoutSeconds).toBe(8);
    for (const v of [0.9, 8.5, Number.NaN, '4']) {
      const e = optionError(() => resolve({ agentToolTimeoutSeconds: v }));
      expect(e.option).toBe('agentToolTimeoutSeconds');
      expect(e.allowed).toBe('a number of seconds from 1 to 8');
    }
  });

  it('forwardClientEvents: a boolean', () => {
    expect(resolve({ forwardClientEvents: true }).forwardClientEvents).toBe(true);
    expect(optionError(() => resolve({ forwardClientEvents: 'true' })).message).toBe(
      'Invalid option forwardClientEvents: received "true"; expected true or false.',
    );
  });
});
