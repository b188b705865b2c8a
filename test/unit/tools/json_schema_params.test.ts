// zod 4 schemas, through the real llm.toJsonSchema of @livekit/agents, become Runway parameters; what Runway
// cannot express is refused naming the tool and the field.
import { llm } from '@livekit/agents';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validateTools } from '../../../src/tools/definitions.js';
import {
  agentToolToRunway,
  jsonSchemaToParameters,
} from '../../../src/tools/json_schema_params.js';
import { optionError as refusal } from '../../support/option_error.js';

const AT = 'agentTools ("t").parameters';
/** The conversion of a zod schema as the agent's LLM sees it. */
const convert = (schema: z.ZodType) => jsonSchemaToParameters(llm.toJsonSchema(schema), AT);
/** The refusal of one field `f`. */
const refuseField = (field: z.ZodType) => refusal(() => convert(z.object({ f: field })));

describe('what llm.toJsonSchema makes of zod 4 (the converter relies on it)', () => {
  it('writes draft-07 with required lists and closed objects', () => {
    const s = llm.toJsonSchema(z.object({ a: z.string(), b: z.number().optional() })) as Record<
      string,
      unknown
    >;
    expect(s.type).toBe('object');
    expect(s.required).toEqual(['a']);
    expect(s.additionalProperties).toBe(false);
    expect(s.$schema).toMatch(/draft-07/);
  });
  it('writes an integer with the safe-integer bounds, and .nullable() as a type pair', () => {
    const s = llm.toJsonSchema(z.object({ i: z.int(), n: z.string().nullable() })) as {
      properties: Record<string, Record<string, unknown>>;
    };
    expect(s.properties.i).toEqual({
      type: 'integer',
      minimum: Number.MIN_SAFE_INTEGER,
      maximum: Number.MAX_SAFE_INTEGER,
    });
    expect(s.properties.n).toEqual({ type: ['string', 'null'] });
  });
});

describe('jsonSchemaToParameters', () => {
  it('converts scalars, enums, arrays and nested objects with required and descriptions', () => {
    const params = convert(
      z.object({
        city: z.string().describe('The city'),
        days: z.int().optional().describe('Days ahead'),
        lat: z.number(),
        metric: z.boolean().describe('Metric units'),
        unit: z.enum(['c', 'f']).describe('Unit'),
        tags: z.array(z.string()).describe('Tags'),
        counts: z.array(z.int()),
        where: z
          .object({
            country: z.string().describe('Country'),
            geo: z.object({ lon: z.number() }).optional(),
          })
          .describe('Place'),
      }),
    );
    expect(params).toEqual([
      { type: 'string', name: 'city', description: 'The city', required: true },
      { type: 'integer', name: 'days', description: 'Days ahead', required: false },
      { type: 'number', name: 'lat', description: 'lat', required: true },
      { type: 'boolean', name: 'metric', description: 'Metric units', required: true },
      { type: 'string', name: 'unit', description: 'Unit', required: true, enum: ['c', 'f'] },
      {
        type: 'array',
        name: 'tags',
        description: 'Tags',
        required: true,
        items: { type: 'string' },
      },
      {
        type: 'array',
        name: 'counts',
        description: 'counts',
        required: true,
        items: { type: 'integer' },
      },
      {
        type: 'object',
        name: 'where',
        description: 'Place',
        required: true,
        properties: [
          { type: 'string', name: 'country', description: 'Country', required: true },
          {
            type: 'object',
            name: 'geo',
            description: 'geo',
            required: false,
            properties: [{ type: 'number', name: 'lon', description: 'lon', required: true }],
          },
        ],
      },
    ]);
    // What it makes is a valid Runway definition.
    expect(() =>
      validateTools([{ type: 'client_event', name: 't', description: 'd', parameters: params }]),
    ).not.toThrow();
  });

  it('converts an empty object to no parameters', () => {
    expect(convert(z.object({}))).toEqual([]);
  });

  it('takes a nullable root as its object (the character always sends the object)', () => {
    expect(convert(z.object({ a: z.string() }).nullable())).toEqual([
      { type: 'string', name: 'a', description: 'a', required: true },
    ]);
  });

  it('makes a defaulted field optional', () => {
    const [b, c] = convert(z.object({ b: z.boolean().default(true), c: z.string().catch('x') }));
    expect(b).toMatchObject({ name: 'b', required: false });
    expect(c).toMatchObject({ name: 'c', required: false });
  });

  it('sends .nullable() and .nullish() as the plain type', () => {
    expect(
      convert(
        z.object({
          a: z.string().nullable().describe('A'),
          b: z.string().nullish(),
          o: z.object({ x: z.string() }).nullable(),
          e: z.enum(['a', 'b']).nullable(),
          arr: z.array(z.number().nullable()).nullable(),
        }),
      ),
    ).toEqual([
      { type: 'string', name: 'a', description: 'A', required: true },
      { type: 'string', name: 'b', description: 'b', required: false },
      {
        type: 'object',
        name: 'o',
        description: 'o',
        required: true,
        properties: [{ type: 'string', name: 'x', description: 'x', required: true }],
      },
      { type: 'string', name: 'e', description: 'e', required: true, enum: ['a', 'b'] },
      { type: 'array', name: 'arr', description: 'arr', required: true, items: { type: 'number' } },
    ]);
  });

  it('turns string literals and unions of them into enums', () => {
    const params = convert(
      z.object({
        one: z.literal('x'),
        two: z.union([z.literal('a'), z.literal('b')]),
        mixed: z.union([z.enum(['a', 'b']), z.literal('c')]),
        multi: z.literal(['p', 'q']),
        native: z.enum({ A: 'a', B: 'b' }),
      }),
    );
    expect(params.map((p) => (p.type === 'string' ? p.enum : undefined))).toEqual([
      ['x'],
      ['a', 'b'],
      ['a', 'b', 'c'],
      ['p', 'q'],
      ['a', 'b'],
    ]);
  });

  it('ignores purely descriptive keywords and tolerates loose objects', () => {
    expect(
      convert(
        z.looseObject({
          e: z
            .string()
            .meta({ title: 'T', examples: ['x'], deprecated: true })
            .describe('E'),
          r: z.string().readonly(),
          br: z.string().brand<'Id'>(),
        }),
      ),
    ).toEqual([
      { type: 'string', name: 'e', description: 'E', required: true },
      { type: 'string', name: 'r', description: 'r', required: true },
      { type: 'string', name: 'br', description: 'br', required: true },
    ]);
  });

  it('accepts exactly 20 properties, enum values of 64 characters and 1024-character descriptions', () => {
    const shape = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [`p${i}`, z.string().describe('d'.repeat(1024))]),
    );
    expect(convert(z.object(shape))).toHaveLength(20);
    const values = Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(64, 'v'));
    expect(convert(z.object({ e: z.enum(values as [string, ...string[]]) }))[0]).toMatchObject({
      enum: values,
    });
  });

  it('converts a raw JSON Schema too', () => {
    expect(
      jsonSchemaToParameters(
        {
          type: 'object',
          properties: { q: { type: 'string', description: 'Query' } },
          required: ['q'],
        },
        AT,
      ),
    ).toEqual([{ type: 'string', name: 'q', description: 'Query', required: true }]);
  });

  describe('refuses what Runway cannot express, naming the tool and the field', () => {
    const cases: Array<[string, z.ZodType, RegExp]> = [
      ['union of types', z.union([z.string(), z.number()]), /a union of types string \| number/],
      [
        'union of objects',
        z.union([z.object({ a: z.string() }), z.object({ b: z.string() })]),
        /a union \(anyOf of 2 variants/,
      ],
      [
        'discriminated union',
        z.discriminatedUnion('k', [
          z.object({ k: z.literal('a') }),
          z.object({ k: z.literal('b') }),
        ]),
        /a union \(oneOf of 2 variants/,
      ],
      ['array of objects', z.array(z.object({ x: z.string() })), /an array of objects/],
      ['array of arrays', z.array(z.array(z.string())), /an array of arrays/],
      ['array of enums', z.array(z.enum(['a', 'b'])), /an array of enum values/],
      ['array of any', z.array(z.any()), /an array of any values/],
      ['tuple', z.tuple([z.string(), z.number()]), /a tuple \(z\.tuple\(\)\)/],
      ['record', z.record(z.string(), z.number()), /a map of extra keys/],
      ['catchall', z.object({ a: z.string() }).catchall(z.number()), /a map of extra keys/],
      ['email', z.email(), /a string format.*"format": "email"/],
      ['uuid', z.uuid(), /"format": "uuid"/],
      ['url', z.url(), /"format": "uri"/],
      ['datetime', z.iso.datetime(), /"format": "date-time"/],
      ['regex', z.string().regex(/^a+$/), /a pattern .*"pattern": "\^a\+\$"/],
      ['startsWith', z.string().startsWith('a'), /"format": "starts_with"/],
      ['min length', z.string().min(2), /a length bound .*"minLength": 2/],
      ['max length', z.string().max(5), /"maxLength": 5/],
      ['number min', z.number().min(0), /"minimum": 0/],
      ['number max', z.number().max(10), /"maximum": 10/],
      ['positive', z.number().positive(), /"exclusiveMinimum": 0/],
      ['negative', z.number().negative(), /"exclusiveMaximum": 0/],
      ['int32', z.int32(), /"minimum": -2147483648/],
      ['int bound', z.int().max(10), /"maximum": 10/],
      ['multipleOf', z.number().multipleOf(5), /a multiple .*"multipleOf": 5/],
      ['array min', z.array(z.string()).nonempty(), /an array length bound .*"minItems": 1/],
      ['array max', z.array(z.string()).max(3), /"maxItems": 3/],
      ['constrained items', z.array(z.string().min(1)), /"minLength": 1/],
      ['file', z.file(), /"format": "binary"/],
      ['number enum', z.enum({ A: 1, B: 2 }), /an enum value 1 \(number\)/],
      ['number literal', z.literal(3), /a literal 3 \(number\)/],
      ['boolean literal', z.literal(true), /a literal true \(boolean\)/],
      ['mixed literal', z.literal([1, 'a']), /an enum value 1 \(number\)/],
      ['number literal union', z.union([z.literal(1), z.literal(2)]), /a union \(anyOf/],
      ['any', z.any(), /any value \(z\.any\(\), z\.unknown\(\)/],
      ['unknown', z.unknown(), /any value/],
      ['null', z.null(), /null \(z\.null\(\)\)/],
      [
        'enum over 20',
        z.enum(Array.from({ length: 21 }, (_, i) => `v${i}`) as [string]),
        /21 values/,
      ],
      ['enum value over 64', z.literal('x'.repeat(65)), /a string of 65 characters/],
      ['empty enum value', z.literal(''), /received ""/],
    ];
    for (const [label, field, message] of cases)
      it(label, () => {
        const e = refuseField(field);
        expect(e.option.startsWith(`${AT}.f`)).toBe(true);
        expect(e.message).toMatch(message);
      });

    it('names nested fields', () => {
      const e = refusal(() =>
        convert(z.object({ where: z.object({ geo: z.object({ lat: z.number().min(-90) }) }) })),
      );
      expect(e.option).toBe(`${AT}.where.geo.lat`);
      expect(e.message).toMatch(
        /^Invalid option agentTools \("t"\)\.parameters\.where\.geo\.lat: received a bound/,
      );
      expect(e.message).toMatch(/Say it in \.describe\(\) and check it in execute/);
      expect(refusal(() => convert(z.object({ xs: z.array(z.email()) }))).option).toBe(
        `${AT}.xs[]`,
      );
      expect(
        refusal(() =>
          convert(
            z.object({
              e: z.enum(
                Array(21)
                  .fill(0)
                  .map((_, i) => `${i}`) as [string],
              ),
            }),
          ),
        ).option,
      ).toBe(`${AT}.e.enum`);
    });

    it('more than 20 properties, at the root and nested', () => {
      const shape = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`p${i}`, z.string()]));
      const root = refusal(() => convert(z.object(shape)));
      expect(root.option).toBe(AT);
      expect(root.message).toMatch(/received 21 properties; expected at most 20 properties/);
      expect(refusal(() => convert(z.object({ o: z.object(shape) }))).option).toBe(`${AT}.o`);
    });

    it('property names outside the pattern', () => {
      const e = refusal(() => convert(z.object({ 'first-name': z.string() })));
      expect(e.option).toBe(`${AT}.first-name`);
      expect(e.message).toMatch(/received the property name "first-name"/);
      expect(refusal(() => convert(z.object({ o: z.object({ '2x': z.string() }) }))).option).toBe(
        `${AT}.o.2x`,
      );
    });

    it('descriptions over 1024 characters', () => {
      const e = refuseField(z.string().describe('d'.repeat(1025)));
      expect(e.option).toBe(`${AT}.f.description`);
    });

    it('recursive schemas ($ref)', () => {
      const Node: z.ZodType = z.object({
        name: z.string(),
        get children() {
          return z.array(Node);
        },
      });
      const e = refusal(() => convert(z.object({ tree: Node })));
      expect(e.option).toBe(`${AT}.tree`);
      expect(e.message).toMatch(/a reused or recursive schema \(\$ref\)/);
    });

    it('a root that is not an object', () => {
      expect(refusal(() => convert(z.array(z.string()))).message).toMatch(
        /received a root of type "array"/,
      );
      expect(refusal(() => convert(z.string())).message).toMatch(/a root of type "string"/);
      expect(refusal(() => jsonSchemaToParameters({}, AT)).message).toMatch(
        /a schema without a type/,
      );
      expect(refusal(() => jsonSchemaToParameters('object', AT)).option).toBe(AT);
    });

    it('raw JSON Schema constructs zod does not write', () => {
      const raw = (f: unknown) => jsonSchemaToParameters({ type: 'object', properties: { f } }, AT);
      expect(refusal(() => raw({ allOf: [{ type: 'string' }] })).message).toMatch(/allOf/);
      expect(refusal(() => raw({ type: 'string', not: { const: 'x' } })).message).toMatch(/not/);
      expect(refusal(() => raw({ type: 'object', patternProperties: {} })).message).toMatch(
        /patternProperties/,
      );
      expect(
        refusal(() => raw({ type: 'array', prefixItems: [{ type: 'string' }] })).message,
      ).toMatch(/tuple/);
      expect(
        refusal(() => raw({ type: 'array', items: { type: 'string' }, uniqueItems: true })).message,
      ).toMatch(/unique/);
      expect(refusal(() => raw({ type: 'date' })).message).toMatch(/type "date"/);
      expect(refusal(() => raw({ type: 'integer', enum: ['1', '2'] })).message).toMatch(
        /an enum on a parameter of type "integer"/,
      );
      expect(refusal(() => raw(true)).message).toMatch(/not a schema object/);
    });
  });
});

describe('agentToolToRunway', () => {
  const getWeather = llm.tool({
    name: 'get_weather',
    description: 'The weather in a city.',
    parameters: z.object({
      city: z.string().describe('The city'),
      unit: z.enum(['c', 'f']).optional(),
    }),
    execute: async ({ city }) => `sunny in ${city}`,
  });

  it('converts a real llm.tool', () => {
    expect(agentToolToRunway('get_weather', getWeather)).toEqual({
      name: 'get_weather',
      description: 'The weather in a city.',
      parameters: [
        { type: 'string', name: 'city', description: 'The city', required: true },
        { type: 'string', name: 'unit', description: 'unit', required: false, enum: ['c', 'f'] },
      ],
    });
  });

  it('converts a tool without parameters to none', () => {
    const now = llm.tool({ description: 'The time now.', execute: async () => Date.now() });
    expect(agentToolToRunway('now', now)).toEqual({
      name: 'now',
      description: 'The time now.',
      parameters: [],
    });
    expect(agentToolToRunway('now', { description: 'x' }).parameters).toEqual([]);
  });

  it('refuses a name outside Runway rule', () => {
    const e = refusal(() => agentToolToRunway('get-weather', getWeather));
    expect(e.option).toBe('agentTools ("get-weather")');
    expect(e.message).toMatch(/Rename the llm\.tool/);
  });

  it('refuses an empty, blank or too long description', () => {
    for (const description of ['', '  ', 'd'.repeat(1025)]) {
      const t = llm.tool({ name: 'x', description, execute: async () => 1 });
      const e = refusal(() => agentToolToRunway('x', t));
      expect(e.option).toBe('agentTools ("x").description');
      expect(e.message).toMatch(/Runway requires one/);
    }
  });

  it('refuses a schema feature, naming the tool and the field', () => {
    const t = llm.tool({
      name: 'book',
      description: 'Books a table.',
      parameters: z.object({ when: z.iso.datetime(), people: z.int() }),
      execute: async () => 'ok',
    });
    const e = refusal(() => agentToolToRunway('book', t));
    expect(e.option).toBe('agentTools ("book").parameters.when');
    expect(e.message).toMatch(/"format": "date-time"/);
  });

  it('refuses a schema JSON Schema cannot hold, with zod reason', () => {
    const t = llm.tool({
      name: 'len',
      description: 'Length.',
      parameters: z.object({ s: z.string().transform((v) => v.length) }),
      execute: async () => 'ok',
    });
    const e = refusal(() => agentToolToRunway('len', t));
    expect(e.option).toBe('agentTools ("len").parameters');
    expect(e.message).toMatch(/Transforms cannot be represented in JSON Schema/);
    const d = llm.tool({
      name: 'at',
      description: 'At a date.',
      parameters: z.object({ d: z.date() }),
      execute: async () => 'ok',
    });
    expect(refusal(() => agentToolToRunway('at', d)).message).toMatch(/Date cannot be represented/);
  });

  it('uses the option name it is given', () => {
    expect(refusal(() => agentToolToRunway('a-b', getWeather, 'exposed')).option).toBe(
      'exposed ("a-b")',
    );
  });
});
