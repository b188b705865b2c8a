// Runway tool definitions are checked exactly as §8 says, each refusal naming the tool and the field.
import { describe, expect, it } from 'vitest';
import {
  CLIENT_EVENT_TOPIC,
  mergeTools,
  toWireTools,
  validateTools,
} from '../../../src/tools/definitions.js';
import type { RunwayTool, RunwayToolParameter } from '../../../src/tools/types.js';
import { optionError as refusal } from '../../support/option_error.js';

const handler = async (args: Record<string, unknown>) => ({ echo: args });

/** A definition that uses every feature of §8. */
function fullExample(): RunwayTool[] {
  return [
    {
      type: 'client_event',
      name: 'show_card',
      description: 'Shows a product card to the user.',
      parameters: [
        { type: 'string', name: 'product', description: 'Product id' },
        {
          type: 'string',
          name: 'color',
          description: 'Color',
          enum: ['red', 'green'],
          required: false,
        },
      ],
    },
    {
      type: 'backend_rpc',
      name: 'get_weather',
      description: 'The weather in a city.',
      timeoutSeconds: 2.5,
      handler,
      parameters: [
        { type: 'string', name: 'city', description: 'City name' },
        { type: 'integer', name: 'days', description: 'Days ahead', required: false },
        { type: 'number', name: 'lat', description: 'Latitude' },
        { type: 'boolean', name: 'metric', description: 'Metric units' },
        { type: 'array', name: 'fields', description: 'Fields', items: { type: 'string' } },
        {
          type: 'object',
          name: 'where',
          description: 'Place',
          properties: [
            { type: 'string', name: 'country', description: 'Country' },
            {
              type: 'object',
              name: 'geo',
              description: 'Coordinates',
              required: false,
              properties: [{ type: 'number', name: 'lon', description: 'Longitude' }],
            },
          ],
        },
      ],
    },
    { type: 'client_event', name: '_end', description: 'x' },
  ];
}

const rpc = (over: Record<string, unknown> = {}) => ({
  type: 'backend_rpc',
  name: 'get_weather',
  description: 'The weather.',
  handler,
  ...over,
});
const param = (over: Record<string, unknown> = {}) => ({
  type: 'string',
  name: 'unit',
  description: 'The unit',
  ...over,
});
const withParam = (p: unknown) => [rpc({ parameters: [p] })];
const messageOf = (tools: unknown) => refusal(() => validateTools(tools)).message;

describe('validateTools', () => {
  it('accepts a full valid example and returns copies', () => {
    const input = fullExample();
    const out = validateTools(input);
    expect(out).toEqual(input);
    expect(out[1]).not.toBe(input[1]);
    const first = input[0]!;
    first.parameters!.push({ type: 'boolean', name: 'later', description: 'added later' });
    expect(out[0]!.parameters).toHaveLength(2);
    expect((out[1] as { handler: unknown }).handler).toBe(handler);
  });

  it('takes undefined and [] as no tools', () => {
    expect(validateTools(undefined)).toEqual([]);
    expect(validateTools([])).toEqual([]);
  });

  it('accepts the limits themselves', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => ({
      type: 'string' as const,
      name: `p${i}`,
      description: 'd'.repeat(1024),
    }));
    const tools = Array.from({ length: 20 }, (_, i) =>
      rpc({
        name: `t${i}`.padEnd(64, '_'),
        timeoutSeconds: i % 2 ? 1 : 8,
        parameters: i === 0 ? twenty : [param({ enum: Array(20).fill('v'.repeat(64)) })],
      }),
    );
    expect(validateTools(tools)).toHaveLength(20);
  });

  it('refuses a value that is not a list, and more than 20 tools', () => {
    expect(messageOf({})).toBe(
      'Invalid option tools: received an object; expected an array of at most 20 tools.',
    );
    const many = Array.from({ length: 21 }, (_, i) => rpc({ name: `t${i}` }));
    const e = refusal(() => validateTools(many));
    expect(e.option).toBe('tools');
    expect(e.message).toBe('Invalid option tools: received 21 tools; expected at most 20 tools.');
  });

  it('names the option it is given', () => {
    expect(refusal(() => validateTools([null], 'extraTools')).option).toBe('extraTools[0]');
  });

  it('refuses a tool that is not an object, and an unknown tool type', () => {
    expect(messageOf([null])).toMatch(
      /^Invalid option tools\[0\]: received null; expected a tool object/,
    );
    const e = refusal(() => validateTools([rpc({ type: 'backend-rpc' })]));
    expect(e.option).toBe('tools[0] ("get_weather").type');
    expect(e.message).toMatch(
      /expected one of client_event, backend_rpc\. Did you mean "backend_rpc"\?/,
    );
    expect(refusal(() => validateTools([rpc({ type: undefined })])).option).toBe(
      'tools[0] ("get_weather").type',
    );
  });

  it('refuses bad tool names', () => {
    for (const name of ['', '1abc', 'get-weather', 'a b', 'x'.repeat(65), 7, undefined]) {
      const e = refusal(() => validateTools([rpc({ name })]));
      expect(e.option).toMatch(/^tools\[0\]( \("[^"]*"\))?\.name$/);
      expect(e.message).toMatch(/expected a name of 1\.\.64 characters matching/);
    }
    expect(refusal(() => validateTools([rpc({ name: 'get-weather' })])).message).toBe(
      'Invalid option tools[0] ("get-weather").name: received "get-weather"; expected a name of 1..64 characters matching ^[a-zA-Z_][a-zA-Z0-9_]*$ (letters, digits and "_", not starting with a digit).',
    );
  });

  it('refuses two tools of the same name, naming both', () => {
    const e = refusal(() =>
      validateTools([
        rpc(),
        rpc({ name: 'other' }),
        { ...rpc(), type: 'client_event', handler: undefined },
      ]),
    );
    expect(e.option).toBe('tools[2] ("get_weather").name');
    expect(e.message).toMatch(/\(already the name of tools\[0\]\); expected a name unique/);
  });

  it('refuses bad tool descriptions', () => {
    for (const description of ['', 'd'.repeat(1025), 3, undefined]) {
      const e = refusal(() => validateTools([rpc({ description })]));
      expect(e.option).toBe('tools[0] ("get_weather").description');
      expect(e.allowed).toBe('a string of 1..1024 characters');
    }
  });

  it('refuses more than 20 parameters, and parameters that are not a list', () => {
    const params = Array.from({ length: 21 }, (_, i) => param({ name: `p${i}` }));
    const e = refusal(() => validateTools([rpc({ parameters: params })]));
    expect(e.option).toBe('tools[0] ("get_weather").parameters');
    expect(e.message).toMatch(/received 21 parameters; expected at most 20 parameters/);
    expect(refusal(() => validateTools([rpc({ parameters: {} })])).option).toBe(
      'tools[0] ("get_weather").parameters',
    );
  });

  it('refuses a bad timeoutSeconds', () => {
    for (const timeoutSeconds of [0.5, 8.01, 0, -1, Number.NaN, Number.POSITIVE_INFINITY, '4']) {
      const e = refusal(() => validateTools([rpc({ timeoutSeconds })]));
      expect(e.option).toBe('tools[0] ("get_weather").timeoutSeconds');
      expect(e.allowed).toBe('a number of seconds from 1 to 8 (default 4)');
    }
  });

  it('requires a handler function on backend_rpc', () => {
    for (const h of [undefined, 'handler', {}]) {
      const e = refusal(() => validateTools([rpc({ handler: h })]));
      expect(e.option).toBe('tools[0] ("get_weather").handler');
      expect(e.message).toMatch(/expected a function/);
    }
  });

  it('refuses a handler on a client_event tool, saying why', () => {
    const e = refusal(() => validateTools([rpc({ type: 'client_event' })]));
    expect(e.option).toBe('tools[0] ("get_weather").handler');
    expect(e.message).toMatch(/expected no handler on a client_event tool\./);
    expect(e.message).toMatch(/type "backend_rpc"/);
  });

  it('refuses a key Runway does not know, with Did you mean', () => {
    const e = refusal(() => validateTools([rpc({ timeout: 3 })]));
    expect(e.option).toBe('tools[0] ("get_weather").timeout');
    expect(e.suggestion).toBe('timeoutSeconds');
    const ce = refusal(() =>
      validateTools([{ type: 'client_event', name: 'x', description: 'd', timeoutSeconds: 3 }]),
    );
    expect(ce.option).toBe('tools[0] ("x").timeoutSeconds');
    expect(ce.message).toMatch(/unknown key/);
    const pe = refusal(() => validateTools(withParam(param({ optional: true }))));
    expect(pe.option).toBe('tools[0] ("get_weather").parameters[0] ("unit").optional');
  });

  it('tolerates keys given as undefined', () => {
    expect(validateTools([rpc({ timeoutSeconds: undefined, parameters: undefined })])).toHaveLength(
      1,
    );
  });

  describe('parameters', () => {
    const at = 'tools[0] ("get_weather").parameters[0] ("unit")';

    it('refuses a parameter that is not an object or of an unknown type', () => {
      expect(refusal(() => validateTools(withParam('unit'))).option).toBe(
        'tools[0] ("get_weather").parameters[0]',
      );
      const e = refusal(() => validateTools(withParam(param({ type: 'str' }))));
      expect(e.option).toBe(`${at}.type`);
      expect(e.allowed).toBe('one of string, integer, number, boolean, array, object');
      expect(refusal(() => validateTools(withParam(param({ type: 'null' })))).option).toBe(
        `${at}.type`,
      );
    });

    it('refuses bad parameter names and descriptions', () => {
      for (const name of ['', '9lives', 'a.b', 'x'.repeat(65), null])
        expect(refusal(() => validateTools(withParam(param({ name })))).option).toMatch(
          /^tools\[0\] \("get_weather"\)\.parameters\[0\]( \("[^"]*"\))?\.name$/,
        );
      for (const description of ['', 'd'.repeat(1025), undefined])
        expect(refusal(() => validateTools(withParam(param({ description })))).option).toBe(
          `${at}.description`,
        );
    });

    it('refuses two parameters of the same name', () => {
      const e = refusal(() =>
        validateTools([rpc({ parameters: [param(), param({ type: 'integer' })] })]),
      );
      expect(e.option).toBe('tools[0] ("get_weather").parameters[1] ("unit").name');
      expect(e.message).toMatch(
        /already the name of tools\[0\] \("get_weather"\)\.parameters\[0\]/,
      );
    });

    it('refuses a required that is not a boolean', () => {
      const e = refusal(() => validateTools(withParam(param({ required: 'yes' }))));
      expect(e.option).toBe(`${at}.required`);
      expect(e.allowed).toBe('true or false (default true)');
    });

    it('checks string enums: at most 20 values of 1..64 characters, not empty', () => {
      const e = refusal(() => validateTools(withParam(param({ enum: Array(23).fill('a') }))));
      expect(e.option).toBe(`${at}.enum`);
      expect(e.message).toBe(
        `Invalid option ${at}.enum: received 23 values; expected at most 20 values.`,
      );
      expect(
        refusal(() => validateTools(withParam(param({ enum: ['ok', 'x'.repeat(65)] })))).option,
      ).toBe(`${at}.enum[1]`);
      expect(refusal(() => validateTools(withParam(param({ enum: [''] })))).option).toBe(
        `${at}.enum[0]`,
      );
      expect(refusal(() => validateTools(withParam(param({ enum: [1, 2] })))).option).toBe(
        `${at}.enum[0]`,
      );
      expect(refusal(() => validateTools(withParam(param({ enum: 'c' })))).option).toBe(
        `${at}.enum`,
      );
      expect(refusal(() => validateTools(withParam(param({ enum: [] })))).message).toMatch(
        /no value could ever be given/,
      );
    });

    it('allows enum on strings only, items on arrays only, properties on objects only', () => {
      expect(
        refusal(() => validateTools(withParam(param({ type: 'integer', enum: ['1'] })))).option,
      ).toBe(`${at}.enum`);
      expect(
        refusal(() => validateTools(withParam(param({ items: { type: 'string' } })))).option,
      ).toBe(`${at}.items`);
      expect(refusal(() => validateTools(withParam(param({ properties: [] })))).option).toBe(
        `${at}.properties`,
      );
    });

    it('requires array items of a scalar type', () => {
      const arr = (items: unknown) => param({ type: 'array', items });
      for (const items of [undefined, 'string', []])
        expect(refusal(() => validateTools(withParam(arr(items)))).option).toBe(`${at}.items`);
      for (const type of ['object', 'array', 'str', undefined])
        expect(refusal(() => validateTools(withParam(arr({ type })))).option).toBe(
          `${at}.items.type`,
        );
      expect(
        refusal(() => validateTools(withParam(arr({ type: 'string', enum: ['a'] })))).option,
      ).toBe(`${at}.items.enum`);
    });

    it('checks object properties recursively with the same rules', () => {
      const obj = (properties: unknown) => param({ type: 'object', name: 'where', properties });
      const where = 'tools[0] ("get_weather").parameters[0] ("where")';
      expect(refusal(() => validateTools(withParam(obj(undefined)))).option).toBe(
        `${where}.properties`,
      );
      const many = Array.from({ length: 21 }, (_, i) => param({ name: `p${i}` }));
      const e = refusal(() => validateTools(withParam(obj(many))));
      expect(e.message).toMatch(/received 21 properties; expected at most 20 properties\./);
      expect(e.option).toBe(`${where}.properties`);
      const deep = obj([obj([param({ enum: Array(21).fill('a') })])]);
      expect(refusal(() => validateTools(withParam(deep))).option).toBe(
        `${where}.properties[0] ("where").properties[0] ("unit").enum`,
      );
      expect(refusal(() => validateTools(withParam(obj([param(), param()])))).option).toBe(
        `${where}.properties[1] ("unit").name`,
      );
    });

    it('refuses a properties list that contains itself', () => {
      const props: unknown[] = [];
      props.push({ type: 'object', name: 'loop', description: 'd', properties: props });
      const e = refusal(() =>
        validateTools(withParam(param({ type: 'object', properties: props }))),
      );
      expect(e.message).toMatch(/an array that contains itself/);
    });
  });
});

describe('toWireTools', () => {
  it('writes Runway defaults out and leaves handlers out', () => {
    const tools = validateTools([
      { type: 'client_event', name: 'bare', description: 'No parameters' },
      rpc({
        parameters: [
          param({ enum: ['c', 'f'] }),
          param({ name: 'opt', required: false }),
          {
            type: 'object',
            name: 'o',
            description: 'd',
            properties: [
              { type: 'array', name: 'xs', description: 'd', items: { type: 'number' } },
              { type: 'boolean', name: 'b', description: 'd', required: false },
            ],
          },
        ],
      }),
      rpc({ name: 'slow', timeoutSeconds: 8 }),
    ]);
    const wire = toWireTools(tools);
    expect(wire).toEqual([
      { type: 'client_event', name: 'bare', description: 'No parameters', parameters: [] },
      {
        type: 'backend_rpc',
        name: 'get_weather',
        description: 'The weather.',
        timeoutSeconds: 4,
        parameters: [
          {
            type: 'string',
            name: 'unit',
            description: 'The unit',
            required: true,
            enum: ['c', 'f'],
          },
          { type: 'string', name: 'opt', description: 'The unit', required: false },
          {
            type: 'object',
            name: 'o',
            description: 'd',
            required: true,
            properties: [
              {
                type: 'array',
                name: 'xs',
                description: 'd',
                required: true,
                items: { type: 'number' },
              },
              { type: 'boolean', name: 'b', description: 'd', required: false },
            ],
          },
        ],
      },
      {
        type: 'backend_rpc',
        name: 'slow',
        description: 'The weather.',
        timeoutSeconds: 8,
        parameters: [],
      },
    ]);
    expect(JSON.parse(JSON.stringify(wire))).toEqual(wire);
    expect(wire.some((t) => 'handler' in t)).toBe(false);
  });

  it('does not share arrays with the validated tools', () => {
    const tools = validateTools([rpc({ parameters: [param({ enum: ['a'] })] })]);
    const wire = toWireTools(tools);
    (wire[0]!.parameters[0] as RunwayToolParameter & { enum: string[] }).enum.push('b');
    expect((tools[0]!.parameters![0] as { enum: string[] }).enum).toEqual(['a']);
  });
});

describe('mergeTools', () => {
  const user = validateTools([rpc(), rpc({ name: 'b' })]);
  const agentTool = (name: string): RunwayTool => ({
    type: 'backend_rpc',
    name,
    description: 'agent tool',
    handler,
  });

  it('joins the user tools and the added ones in order', () => {
    expect(mergeTools(user, [agentTool('c')]).map((t) => t.name)).toEqual([
      'get_weather',
      'b',
      'c',
    ]);
    expect(mergeTools([], [])).toEqual([]);
  });

  it('refuses a name in both, naming both sources', () => {
    const e = refusal(() => mergeTools(user, [agentTool('c'), agentTool('b')]));
    expect(e.option).toBe('agentTools ("b")');
    expect(e.message).toMatch(/already the name of tools\[1\]/);
  });

  it('refuses more than 20 in all', () => {
    const extra = Array.from({ length: 19 }, (_, i) => agentTool(`a${i}`));
    expect(mergeTools(user.slice(0, 1), extra)).toHaveLength(20);
    const e = refusal(() => mergeTools(user, extra));
    expect(e.option).toBe('tools + agentTools');
    expect(e.message).toMatch(
      /received 2 \+ 19 = 21 tools; expected at most 20 tools in a session/,
    );
  });

  it('names the sources it is given', () => {
    const e = refusal(() => mergeTools(user, [agentTool('b')], { user: 'mine', extra: 'theirs' }));
    expect(e.option).toBe('theirs ("b")');
    expect(e.message).toMatch(/mine\[1\]/);
  });
});

it('the client event topic is the documented one', () => {
  expect(CLIENT_EVENT_TOPIC).toBe('lk.runway.client_event');
});
