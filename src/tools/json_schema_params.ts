// The agent's own function tools as Runway tools: the JSON Schema that @livekit/agents makes of a tool's
// parameters (`llm.toJsonSchema`, zod 4 → draft-07) becomes Runway's parameter list (reference §8), and
// whatever Runway cannot express is refused with the tool and the field named. Pure: no network, no rooms.
import { llm } from '@livekit/agents';
import { describeValue } from '../api/option_errors.js';
import { isToolName, namedPath, TOOL_LIMITS, toolError } from './definitions.js';
import type { RunwayScalarType, RunwayToolParameter } from './types.js';

/** A Runway tool's definition without its type, timeout or handler: what an agent tool converts to. */
export interface RunwayToolDefinition {
  name: string;
  description: string;
  parameters: RunwayToolParameter[];
}

/**
 * What is read of an agent's tool: an `llm.FunctionTool` of @livekit/agents (its `execute` is not needed
 * here, and typing it would tie this to each tool's argument type).
 */
export type AgentToolLike = Pick<llm.FunctionTool, 'description'> & {
  readonly parameters?: unknown;
};

type Schema = Record<string, unknown>;

const SCALARS: readonly RunwayScalarType[] = ['string', 'integer', 'number', 'boolean'];

/**
 * JSON Schema keywords that narrow what a value may be, which Runway's parameters cannot carry. Dropping
 * one would let the character send a value the tool refuses (or, worse, one it misreads), so each is
 * refused; the hint says what usually produced it. Purely descriptive keywords (`title`, `examples`,
 * `deprecated`, `readOnly`, `$comment`, …) are ignored, `description` is used, `default` makes the
 * parameter optional.
 */
const REFUSED: ReadonlyArray<readonly [string, string]> = [
  ['$ref', 'a reused or recursive schema ($ref)'],
  ['allOf', 'an intersection (allOf)'],
  ['not', 'a negation (not)'],
  ['if', 'a conditional schema (if/then/else)'],
  ['format', 'a string format (z.email(), z.uuid(), z.url(), z.iso.datetime(), …)'],
  ['pattern', 'a pattern (.regex(), .startsWith(), .endsWith(), …)'],
  ['minLength', 'a length bound (.min(), .length(), .nonempty())'],
  ['maxLength', 'a length bound (.max(), .length())'],
  ['contentEncoding', 'an encoded string (z.file(), z.base64())'],
  ['contentMediaType', 'an encoded string'],
  ['minimum', 'a bound (.min(), .gte(), .nonnegative(), z.int32(), …)'],
  ['maximum', 'a bound (.max(), .lte(), .nonpositive(), z.int32(), …)'],
  ['exclusiveMinimum', 'a bound (.gt(), .positive())'],
  ['exclusiveMaximum', 'a bound (.lt(), .negative())'],
  ['multipleOf', 'a multiple (.multipleOf(), .step())'],
  ['minItems', 'an array length bound (.min(), .nonempty(), .length())'],
  ['maxItems', 'an array length bound (.max(), .length())'],
  ['uniqueItems', 'unique array items'],
  ['contains', 'an array content rule (contains)'],
  ['prefixItems', 'a tuple (z.tuple())'],
  ['additionalItems', 'a tuple (z.tuple())'],
  ['unevaluatedItems', 'a tuple rule (unevaluatedItems)'],
  ['propertyNames', 'a map of keys (z.record())'],
  ['patternProperties', 'a map of keys (patternProperties)'],
  ['minProperties', 'an object size bound (minProperties)'],
  ['maxProperties', 'an object size bound (maxProperties)'],
  ['dependencies', 'dependent properties'],
  ['dependentRequired', 'dependent properties'],
  ['dependentSchemas', 'dependent properties'],
  ['unevaluatedProperties', 'an object rule (unevaluatedProperties)'],
];

const EXPRESSIBLE =
  'what Runway parameters express: strings (with an enum of ≤ 20 string values), integers, numbers, booleans, arrays of those, objects of ≤ 20 such properties; descriptions; required or optional';

const isSchema = (v: unknown): v is Schema =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function refuse(path: string, received: string, problem?: string, note?: string): never {
  throw toolError(path, received, EXPRESSIBLE, {
    ...(problem === undefined ? {} : { problem }),
    ...(note === undefined ? {} : { note }),
  });
}

const NOTE_CONSTRAINT =
  'Say it in .describe() and check it in execute, or relax the schema of the tool exposed to the character.';

/** Refuses the first narrowing keyword of `s` (an integer's own ±(2^53 − 1) bounds, which zod always writes, are not one). */
function refuseConstraints(s: Schema, path: string): void {
  // Shapes first: zod writes a tuple's length and a record's key type as well, which would hide what it is.
  if (Array.isArray(s.items) || s.prefixItems !== undefined)
    refuse(path, 'a tuple (z.tuple())', "Runway's arrays hold one scalar type");
  const extra = s.additionalProperties;
  if (s.propertyNames !== undefined || (isSchema(extra) && Object.keys(extra).length > 0))
    refuse(
      path,
      'a map of extra keys (z.record(), .catchall())',
      'Runway objects list their properties',
    );
  for (const [key, what] of REFUSED) {
    const v = s[key];
    if (v === undefined) continue;
    if (s.type === 'integer') {
      if (key === 'minimum' && v === Number.MIN_SAFE_INTEGER) continue;
      if (key === 'maximum' && v === Number.MAX_SAFE_INTEGER) continue;
    }
    if (key === 'additionalItems' && v === false && !Array.isArray(s.items)) continue;
    refuse(
      path,
      `${what}: "${key}": ${describeKeyword(v)}`,
      'Runway cannot express it',
      NOTE_CONSTRAINT,
    );
  }
}

function describeKeyword(v: unknown): string {
  if (typeof v === 'string')
    return v.length > 40 ? `a pattern of ${v.length} characters` : JSON.stringify(v);
  return describeValue(v);
}

/** Whether a variant is `{ type: "null" }` (what zod writes for `.nullable()`). */
const isNull = (v: unknown) => isSchema(v) && v.type === 'null' && Object.keys(v).length === 1;

/** String values a variant of a union allows, if it is a string literal or enum; else undefined. */
function stringValues(v: unknown): string[] | undefined {
  if (!isSchema(v)) return undefined;
  if (typeof v.const === 'string') return [v.const];
  if (Array.isArray(v.enum) && v.enum.every((e) => typeof e === 'string'))
    return v.enum as string[];
  return undefined;
}

/**
 * Removes what Runway needs no word for, without widening what the tool accepts:
 * - `.nullable()` (`type: [T, "null"]`, or `anyOf: [X, { type: "null" }]`) becomes `T`/`X`: the character
 *   then always gives a value (or omits an optional one), which the nullable schema accepts;
 * - a union of string literals or enums (`z.union([z.literal('a'), z.literal('b')])`) becomes one enum.
 * Any other union (`z.union`, `z.discriminatedUnion`, several types) is refused.
 */
function simplify(s: Schema, path: string): Schema {
  if (Array.isArray(s.type)) {
    const types = s.type.filter((t) => t !== 'null');
    if (types.length !== 1)
      refuse(path, `a union of types ${s.type.join(' | ')}`, 'Runway parameters have one type');
    return { ...s, type: types[0] };
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const variants = s[key];
    if (variants === undefined) continue;
    if (!Array.isArray(variants)) refuse(path, `"${key}": ${describeValue(variants)}`);
    const { [key]: _, ...outer } = s;
    const rest = variants.filter((v) => !isNull(v));
    if (rest.length === 1 && isSchema(rest[0])) {
      // The property's own description (outside the union) wins over the variant's.
      return simplify({ ...rest[0], ...outer }, path);
    }
    const values = rest.map(stringValues);
    if (rest.length > 0 && values.every((v) => v !== undefined))
      return { ...outer, type: 'string', enum: [...new Set(values.flat())] };
    refuse(
      path,
      `a union (${key} of ${rest.length} variants: z.union(), z.discriminatedUnion(), z.or())`,
      'Runway parameters have one type',
      'Give one parameter per alternative, or a string enum.',
    );
  }
  return s;
}

function description(s: Schema, name: string, path: string): string {
  const d = s.description;
  if (typeof d !== 'string' || d.trim() === '') return name;
  if (d.length > TOOL_LIMITS.descriptionLength)
    throw toolError(
      `${path}.description`,
      describeValue(d),
      `a description of 1..${TOOL_LIMITS.descriptionLength} characters (Runway's limit)`,
    );
  return d;
}

function enumOf(s: Schema, path: string): string[] | undefined {
  let values: unknown[] | undefined;
  if (s.const !== undefined) values = [s.const];
  else if (s.enum !== undefined) values = Array.isArray(s.enum) ? s.enum : [s.enum];
  if (values === undefined) return undefined;
  const bad = values.find((v) => typeof v !== 'string');
  if (bad !== undefined)
    refuse(
      path,
      `${s.const !== undefined ? 'a literal' : 'an enum value'} ${typeof bad === 'object' && bad !== null ? describeValue(bad) : String(bad)} (${bad === null ? 'null' : typeof bad})`,
      "Runway's enums hold strings only",
      'Use a string enum, or a number/boolean parameter checked in execute.',
    );
  const strings = values as string[];
  if (strings.length > TOOL_LIMITS.enumValues)
    throw toolError(
      `${path}.enum`,
      `${strings.length} values`,
      `at most ${TOOL_LIMITS.enumValues} values (Runway's limit)`,
    );
  strings.forEach((v, i) => {
    if (v.length < 1 || v.length > TOOL_LIMITS.enumValueLength)
      throw toolError(
        `${path}.enum[${i}]`,
        describeValue(v),
        `a value of 1..${TOOL_LIMITS.enumValueLength} characters (Runway's limit)`,
      );
  });
  return strings;
}

function itemsOf(s: Schema, path: string): { type: RunwayScalarType } {
  const raw = s.items;
  if (!isSchema(raw))
    refuse(path, 'an array of any values', "Runway's arrays hold one scalar type");
  const items = simplify(raw, `${path}[]`);
  refuseConstraints(items, `${path}[]`);
  if (items.enum !== undefined || items.const !== undefined)
    refuse(
      `${path}[]`,
      'an array of enum values',
      "Runway's array items carry a type only",
      'Use an array of strings described in .describe(), checked in execute.',
    );
  if (!(SCALARS as readonly unknown[]).includes(items.type))
    refuse(
      `${path}[]`,
      `an array of ${typeof items.type === 'string' ? `${items.type}s` : 'any values'}`,
      "Runway's arrays hold strings, integers, numbers or booleans",
    );
  return { type: items.type as RunwayScalarType };
}

function parameter(
  raw: unknown,
  name: string,
  required: boolean,
  path: string,
): RunwayToolParameter {
  if (!isSchema(raw)) refuse(path, describeValue(raw), 'not a schema object');
  const s = simplify(raw, path);
  refuseConstraints(s, path);
  const values = enumOf(s, path);
  // zod writes a defaulted field as required (its output always has it); the character may omit it.
  const base = {
    name,
    description: description(s, name, path),
    required: required && s.default === undefined,
  };
  const type = (s.type ?? (values !== undefined ? 'string' : undefined)) as
    | RunwayToolParameter['type']
    | 'null'
    | undefined;
  if (values !== undefined && type !== 'string')
    refuse(
      path,
      `an enum on a parameter of type ${describeValue(type)}`,
      "Runway's enums hold strings only",
    );
  switch (type) {
    case 'string':
      return { type, ...base, ...(values === undefined ? {} : { enum: values }) };
    case 'integer':
    case 'number':
    case 'boolean':
      return { type, ...base };
    case 'array':
      return { type, ...base, items: itemsOf(s, path) };
    case 'object':
      return { type, ...base, properties: properties(s, path) };
    case 'null':
      return refuse(path, 'null (z.null())', 'Runway parameters cannot be null');
    case undefined:
      return refuse(
        path,
        'any value (z.any(), z.unknown(), or no type)',
        'Runway parameters have a type',
      );
    default:
      return refuse(path, `type ${describeValue(type)}`);
  }
}

function properties(s: Schema, path: string): RunwayToolParameter[] {
  // additionalProperties: `false` (z.object) and `{}`/`true` (z.looseObject: extra keys tolerated, never
  // sent) are fine; a schema for extra keys (a map the character could not be told about) was refused.
  const props = s.properties ?? {};
  if (!isSchema(props)) refuse(path, `"properties": ${describeValue(props)}`);
  const names = Object.keys(props);
  if (names.length > TOOL_LIMITS.parameters)
    throw toolError(
      path,
      `${names.length} properties`,
      `at most ${TOOL_LIMITS.parameters} properties (Runway's limit)`,
    );
  const required = Array.isArray(s.required) ? (s.required as unknown[]) : [];
  return names.map((name) => {
    const at = `${path}.${name}`;
    if (!isToolName(name))
      throw toolError(
        at,
        `the property name ${describeValue(name)}`,
        `a name of 1..${TOOL_LIMITS.nameLength} characters matching ^[a-zA-Z_][a-zA-Z0-9_]*$ (Runway's rule)`,
      );
    return parameter(props[name], name, required.includes(name), at);
  });
}

/**
 * Converts the JSON Schema of a tool's parameters (what `llm.toJsonSchema` of @livekit/agents 1.9 makes of a
 * zod 4 object, or a raw JSON Schema given to `llm.tool`) into Runway's parameter list:
 * - the root must be an object; each property becomes a parameter named after its key (which must match
 *   Runway's name rule), in the object's order; at most 20 per object, at any depth;
 * - `string` (with an `enum`, a string `.literal()`, or a union of string literals: ≤ 20 values of 1..64
 *   characters), `integer`, `number`, `boolean`; arrays of those; nested objects;
 * - `required` is true for a key in the schema's `required` list without a `default`: zod lists a
 *   defaulted key (`.default()`, `.catch()`) as required, but the character may leave it out (the tool's
 *   own parse fills it in);
 * - `description` is the property's `.describe()` text; a property without one is described by its name
 *   (Runway requires 1..1024 characters). A description over 1024 characters is refused;
 * - `.nullable()` and `.nullish()` are accepted and sent as the plain type (the character then never sends
 *   null, which the tool accepts anyway);
 * - purely descriptive keywords (`title`, `examples`, `deprecated`, …) are dropped; a looseObject's tolerance
 *   of extra keys is kept by the tool and needs no word to Runway.
 *
 * Refused, with a {@link RunwayOptionError} naming the tool and the field (`path.city.unit`): every
 * narrowing Runway cannot carry (string formats and patterns, length and number bounds, multiples, array
 * length and uniqueness), any other union, non-string literals and enums, `any`/`unknown`, `null`, tuples,
 * arrays of objects or arrays, arrays of enums, records and catch-alls, `$ref` (recursive or reused
 * schemas), intersections left as `allOf`, more than 20 properties, property names outside the pattern,
 * and a root that is not an object.
 */
export function jsonSchemaToParameters(schema: unknown, path: string): RunwayToolParameter[] {
  if (!isSchema(schema))
    refuse(path, describeValue(schema), 'the parameters must be an object schema');
  const root = simplify(schema, path);
  if (root.type !== 'object')
    refuse(
      path,
      root.type === undefined
        ? 'a schema without a type'
        : `a root of type ${describeValue(root.type)}`,
      "Runway's parameters are the properties of an object (z.object({...}))",
    );
  refuseConstraints(root, path);
  return properties(root, path);
}

/**
 * One of the running agent's `llm.tool(...)` functions as a Runway tool definition (the caller adds
 * `type: 'backend_rpc'`, `timeoutSeconds` and the handler). `name` is the tool's name in the agent's tool
 * context and must follow Runway's name rule; its description must be 1..1024 characters, not blank (the
 * character decides from it when to call the tool); its parameters are converted as
 * {@link jsonSchemaToParameters} says (none when the tool has none). Every refusal is a
 * {@link RunwayOptionError} naming `agentTools ("<name>")` and the field.
 */
export function agentToolToRunway(
  name: string,
  tool: AgentToolLike,
  option = 'agentTools',
): RunwayToolDefinition {
  const at = namedPath(option, name);
  if (!isToolName(name))
    throw toolError(
      at,
      `the tool name ${describeValue(name)}`,
      `a name of 1..${TOOL_LIMITS.nameLength} characters matching ^[a-zA-Z_][a-zA-Z0-9_]*$ (Runway's rule)`,
      { note: 'Rename the llm.tool, or leave it out of agentTools.' },
    );
  const d = tool.description;
  if (typeof d !== 'string' || d.trim() === '' || d.length > TOOL_LIMITS.descriptionLength)
    throw toolError(
      `${at}.description`,
      describeValue(d),
      `a description of 1..${TOOL_LIMITS.descriptionLength} characters, not blank (Runway requires one: the character decides from it when to call the tool)`,
    );
  if (tool.parameters === undefined) return { name, description: d, parameters: [] };
  let schema: unknown;
  try {
    schema = llm.toJsonSchema(tool.parameters as Parameters<typeof llm.toJsonSchema>[0]);
  } catch (error) {
    // zod throws for what JSON Schema cannot hold (transforms, dates, bigints, sets…); its text names the kind.
    throw toolError(`${at}.parameters`, 'a schema JSON Schema cannot hold', EXPRESSIBLE, {
      problem: error instanceof Error ? error.message : String(error),
    });
  }
  return { name, description: d, parameters: jsonSchemaToParameters(schema, `${at}.parameters`) };
}
