// The character's tool checks (declared, type, args), the tools it reads from a create body, its wording.
import { describe, expect, it } from 'vitest';
import {
  checkToolArgs,
  clientEventMessage,
  type EmulatedTool,
  readTools,
  resolveToolCall,
  resultLine,
  rpcPayload,
  type ToolCallOutcome,
  ToolCallRefused,
} from '../../src/emulator/tools.js';
import { validateCreateBody } from '../../src/emulator/validation.js';
import { PRESET_BODY } from './helpers.js';

const BODY_TOOLS = [
  {
    type: 'backend_rpc',
    name: 'book',
    description: 'Books a table.',
    parameters: [
      { type: 'string', name: 'city', description: 'City.', enum: ['Paris', 'Rome'] },
      { type: 'integer', name: 'guests', description: 'How many.' },
      { type: 'number', name: 'budget', description: 'Euros.', required: false },
      { type: 'boolean', name: 'outside', description: 'Terrace.', required: false },
      {
        type: 'array',
        name: 'tags',
        description: 'Tags.',
        required: false,
        items: { type: 'string' },
      },
      { type: 'object', name: 'contact', description: 'Who.', required: false, properties: [] },
    ],
  },
  { type: 'backend_rpc', name: 'quick', description: 'Fast.', timeoutSeconds: 1.5 },
  { type: 'client_event', name: 'show', description: 'Shows something.' },
];

/** The tools as the worker receives them: the create body after validation (defaults applied). */
function declared(): EmulatedTool[] {
  const result = validateCreateBody(
    { ...PRESET_BODY, tools: BODY_TOOLS },
    'integration',
    true,
    'runway',
  );
  if (!result.ok) throw new Error('fixture body refused');
  return readTools(result.body.tools);
}

describe('readTools', () => {
  it('keeps every declared tool with Runway defaults: required true, timeoutSeconds 4', () => {
    const tools = declared();
    expect(tools.map((t) => [t.type, t.name, t.timeoutSeconds])).toEqual([
      ['backend_rpc', 'book', 4],
      ['backend_rpc', 'quick', 1.5],
      ['client_event', 'show', undefined],
    ]);
    expect(tools[0]?.parameters.map((p) => p.required)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
    expect(tools[2]?.parameters).toEqual([]);
    expect(readTools([null, { type: 'other', name: 'x' }, 'junk'])).toEqual([]);
  });
});

describe('checkToolArgs', () => {
  const book = () => declared()[0] as EmulatedTool;
  it('accepts args fitting the parameters', () => {
    expect(checkToolArgs(book(), { city: 'Paris', guests: 2 })).toBeUndefined();
    expect(
      checkToolArgs(book(), {
        city: 'Rome',
        guests: 4,
        budget: 80.5,
        outside: true,
        tags: ['quiet'],
        contact: { name: 'Ann' },
      }),
    ).toBeUndefined();
  });
  it.each([
    [[], /args must be an object, got array/],
    ['x', /args must be an object, got string/],
    [{ guests: 2 }, /missing required parameter 'city'/],
    [{ city: 'Paris', guests: 2, extra: 1 }, /unknown parameter 'extra'/],
    [{ city: 'Oslo', guests: 2 }, /'city' must be one of Paris, Rome/],
    [{ city: 'Paris', guests: 2.5 }, /'guests' must be integer/],
    [{ city: 'Paris', guests: 2, budget: '10' }, /'budget' must be number/],
    [{ city: 'Paris', guests: 2, outside: 'yes' }, /'outside' must be boolean/],
    [{ city: 'Paris', guests: 2, tags: 'a' }, /'tags' must be array/],
    [{ city: 'Paris', guests: 2, tags: ['a', 1] }, /'tags' must hold string items/],
    [{ city: 'Paris', guests: 2, contact: [] }, /'contact' must be object/],
  ])('refuses %j', (args, message) => {
    expect(checkToolArgs(book(), args)).toMatch(message);
  });
});

describe('resolveToolCall', () => {
  it('refuses an undeclared tool, the wrong type and bad args (unless unchecked)', () => {
    const tools = declared();
    const refusal = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err instanceof ToolCallRefused ? [err.reason, err.tool, err.message] : err;
      }
      return 'not refused';
    };
    expect(refusal(() => resolveToolCall(tools, 'nope', 'backend_rpc', {}))).toEqual([
      'not_declared',
      'nope',
      "tool 'nope' refused (not_declared): not declared (declared: book, quick, show)",
    ]);
    expect(refusal(() => resolveToolCall(tools, 'show', 'backend_rpc', {}))).toEqual([
      'wrong_type',
      'show',
      "tool 'show' refused (wrong_type): declared as client_event, not backend_rpc",
    ]);
    expect(refusal(() => resolveToolCall(tools, 'book', 'backend_rpc', { city: 'Paris' }))).toEqual(
      [
        'invalid_args',
        'book',
        "tool 'book' refused (invalid_args): missing required parameter 'guests'",
      ],
    );
    expect(resolveToolCall(tools, 'book', 'backend_rpc', { city: 1 }, true).name).toBe('book');
    expect(resolveToolCall(tools, 'show', 'client_event', {}).type).toBe('client_event');
  });
});

describe('wire texts', () => {
  it('client_event and RPC payloads as Runway sends them', () => {
    expect(JSON.parse(clientEventMessage('show', { a: 1 }))).toEqual({
      type: 'client_event',
      tool: 'show',
      args: { a: 1 },
    });
    expect(JSON.parse(rpcPayload({ city: 'Paris' }))).toEqual({ args: { city: 'Paris' } });
  });

  it('the line said after a call: the result (shortened), or that it failed', () => {
    const base = {
      tool: 'book',
      args: {},
      callerIdentity: 'worker:x',
      destinationIdentity: 'backend:x',
      timeoutMs: 4000,
      elapsedMs: 10,
    };
    const ok: ToolCallOutcome = {
      ...base,
      kind: 'result',
      payload: '{"ok":true}',
      result: { ok: true },
      json: true,
    };
    expect(resultLine(ok)).toBe('The tool said: {"ok":true}');
    const long: ToolCallOutcome = {
      ...base,
      kind: 'result',
      payload: 'x'.repeat(200),
      result: 'x'.repeat(200),
      json: false,
    };
    expect(resultLine(long)).toBe(`The tool said: ${'x'.repeat(79)}…`);
    expect(resultLine({ ...base, kind: 'error', code: 1500, message: 'Application error' })).toBe(
      'The book tool failed.',
    );
    expect(resultLine({ ...base, kind: 'timeout', code: 1502, message: 'Response timeout' })).toBe(
      'The book tool did not answer in time.',
    );
  });
});
