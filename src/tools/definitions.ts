// Runway tool definitions (reference §8) checked exactly as Runway's schema says, before any request, and
// turned into the create body's `tools` with Runway's defaults written out. Pure: no network, no rooms.
import { closest, describeValue } from '../api/option_errors.js';
import { RunwayOptionError } from '../errors.js';
import type {
  BackendRpcHandler,
  RunwayScalarType,
  RunwayTool,
  RunwayToolParameter,
  RunwayToolWire,
} from './types.js';

/**
 * The data topic on which, with the `forwardClientEvents` option, each `client_event` of the character is
 * published into the agent's room, as the JSON `{ "type": "client_event", "tool": "<name>", "args": {…} }`
 * Runway sent. A frontend subscribes to it to react to the character's events without knowing Runway.
 * @public
 */
export const CLIENT_EVENT_TOPIC = 'lk.runway.client_event';

/** Runway's pattern for tool and parameter names (1..64 characters). */
export const TOOL_NAME_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Runway's limits on tools (reference §8). */
export const TOOL_LIMITS = {
  /** Tools in one session. */
  tools: 20,
  /** Parameters of one tool, and properties of one `object` parameter. */
  parameters: 20,
  /** Values of a string parameter's `enum`. */
  enumValues: 20,
  /** Characters of an `enum` value. */
  enumValueLength: 64,
  /** Characters of a tool or parameter name. */
  nameLength: 64,
  /** Characters of a tool or parameter description. */
  descriptionLength: 1024,
  /** `timeoutSeconds` of a `backend_rpc` tool. */
  timeoutSeconds: { min: 1, max: 8, default: 4 },
} as const;

const TOOL_TYPES = ['client_event', 'backend_rpc'] as const;
const SCALAR_TYPES: readonly RunwayScalarType[] = ['string', 'integer', 'number', 'boolean'];
const PARAMETER_TYPES = [...SCALAR_TYPES, 'array', 'object'] as const;

const NAME_ALLOWED = `a name of 1..${TOOL_LIMITS.nameLength} characters matching ${TOOL_NAME_PATTERN.source} (letters, digits and "_", not starting with a digit)`;
const DESCRIPTION_ALLOWED = `a string of 1..${TOOL_LIMITS.descriptionLength} characters`;

/** Keys Runway knows, per tool type and per parameter type (its body is strict: an unknown key is a 400). */
const TOOL_KEYS = {
  client_event: ['type', 'name', 'description', 'parameters'],
  backend_rpc: ['type', 'name', 'description', 'parameters', 'timeoutSeconds', 'handler'],
} as const;
const PARAMETER_KEYS: Record<(typeof PARAMETER_TYPES)[number], readonly string[]> = {
  string: ['type', 'name', 'description', 'required', 'enum'],
  integer: ['type', 'name', 'description', 'required'],
  number: ['type', 'name', 'description', 'required'],
  boolean: ['type', 'name', 'description', 'required'],
  array: ['type', 'name', 'description', 'required', 'items'],
  object: ['type', 'name', 'description', 'required', 'properties'],
};

/** Whether `name` is a valid Runway tool or parameter name. */
export function isToolName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.length >= 1 &&
    name.length <= TOOL_LIMITS.nameLength &&
    TOOL_NAME_PATTERN.test(name)
  );
}

/**
 * `Invalid option tools[2] ("get_weather").parameters[0] ("unit").enum: received 23 values; expected at
 * most 20 values.`, the same shape as every other option error.
 */
export function toolError(
  path: string,
  received: string,
  allowed: string,
  extra: { problem?: string; suggestion?: string; note?: string } = {},
): RunwayOptionError {
  const problem = extra.problem ? ` (${extra.problem})` : '';
  const mean = extra.suggestion === undefined ? '' : ` Did you mean "${extra.suggestion}"?`;
  const note = extra.note ? ` ${extra.note}` : '';
  return new RunwayOptionError(
    path,
    `Invalid option ${path}: received ${received}${problem}; expected ${allowed}.${mean}${note}`,
    {
      received,
      allowed,
      ...(extra.suggestion === undefined ? {} : { suggestion: extra.suggestion }),
    },
  );
}

/** `tools[2] ("get_weather")`: the index always, the name when it is a readable string. */
export function namedPath(base: string, name: unknown): string {
  return typeof name === 'string' && name !== '' && name.length <= TOOL_LIMITS.nameLength
    ? `${base} (${JSON.stringify(name)})`
    : base;
}

const count = (n: number, what: string) =>
  `${n} ${n === 1 ? what : what.endsWith('y') ? `${what.slice(0, -1)}ies` : `${what}s`}`;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKeys(
  value: Record<string, unknown>,
  known: readonly string[],
  path: string,
  what: string,
): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key) || value[key] === undefined) continue;
    const suggestion = closest(key, known);
    throw toolError(
      `${path}.${key}`,
      describeValue(value[key]),
      `one of the keys of ${what} (${known.join(', ')})`,
      { problem: 'unknown key', ...(suggestion === undefined ? {} : { suggestion }) },
    );
  }
}

function checkName(value: unknown, path: string): string {
  if (!isToolName(value)) throw toolError(`${path}.name`, describeValue(value), NAME_ALLOWED);
  return value;
}

function checkDescription(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > TOOL_LIMITS.descriptionLength)
    throw toolError(`${path}.description`, describeValue(value), DESCRIPTION_ALLOWED);
  return value;
}

function checkList(value: unknown, path: string, max: number, what: string): unknown[] {
  if (!Array.isArray(value))
    throw toolError(path, describeValue(value), `an array of at most ${count(max, what)}`);
  if (value.length > max)
    throw toolError(path, count(value.length, what), `at most ${count(max, what)}`);
  return value;
}

/** Checks parameters (a tool's, or an object parameter's properties); returns validated copies. */
function checkParameters(
  value: unknown,
  path: string,
  seen: Set<object>,
  what = 'parameter',
): RunwayToolParameter[] {
  const list = checkList(value, path, TOOL_LIMITS.parameters, what);
  if (seen.has(list)) throw toolError(path, 'an array that contains itself', 'a finite tree');
  seen.add(list);
  const names = new Map<string, number>();
  const out = list.map((p, i) => {
    const param = checkParameter(
      p,
      namedPath(`${path}[${i}]`, isRecord(p) ? p.name : undefined),
      seen,
    );
    const first = names.get(param.name);
    if (first !== undefined)
      throw toolError(
        `${namedPath(`${path}[${i}]`, param.name)}.name`,
        JSON.stringify(param.name),
        `a ${what} name unique among its siblings`,
        { problem: `already the name of ${path}[${first}]` },
      );
    names.set(param.name, i);
    return param;
  });
  seen.delete(list);
  return out;
}

function checkParameter(value: unknown, path: string, seen: Set<object>): RunwayToolParameter {
  if (!isRecord(value))
    throw toolError(path, describeValue(value), 'a parameter object { type, name, description }');
  const type = value.type;
  if (typeof type !== 'string' || !(PARAMETER_TYPES as readonly string[]).includes(type)) {
    const suggestion = typeof type === 'string' ? closest(type, PARAMETER_TYPES) : undefined;
    throw toolError(`${path}.type`, describeValue(type), `one of ${PARAMETER_TYPES.join(', ')}`, {
      ...(suggestion === undefined ? {} : { suggestion }),
    });
  }
  const t = type as (typeof PARAMETER_TYPES)[number];
  checkKeys(value, PARAMETER_KEYS[t], path, `a ${t} parameter`);
  const name = checkName(value.name, path);
  const description = checkDescription(value.description, path);
  if (value.required !== undefined && typeof value.required !== 'boolean')
    throw toolError(
      `${path}.required`,
      describeValue(value.required),
      'true or false (default true)',
    );
  const base = {
    name,
    description,
    ...(value.required === undefined ? {} : { required: value.required as boolean }),
  };
  switch (t) {
    case 'string': {
      if (value.enum === undefined) return { type: t, ...base };
      return { type: t, ...base, enum: checkEnum(value.enum, `${path}.enum`) };
    }
    case 'integer':
    case 'number':
    case 'boolean':
      return { type: t, ...base };
    case 'array': {
      const items = value.items;
      const allowed = `{ type: ${SCALAR_TYPES.map((s) => `"${s}"`).join(' | ')} } (arrays of scalars only)`;
      if (!isRecord(items)) throw toolError(`${path}.items`, describeValue(items), allowed);
      checkKeys(items, ['type'], `${path}.items`, 'items');
      if (!(SCALAR_TYPES as readonly unknown[]).includes(items.type))
        throw toolError(`${path}.items.type`, describeValue(items.type), allowed);
      return { type: t, ...base, items: { type: items.type as RunwayScalarType } };
    }
    case 'object':
      return {
        type: t,
        ...base,
        properties: checkParameters(value.properties, `${path}.properties`, seen, 'property'),
      };
  }
}

function checkEnum(value: unknown, path: string): string[] {
  const list = checkList(value, path, TOOL_LIMITS.enumValues, 'value');
  if (list.length === 0)
    throw toolError(path, 'an empty array', `1..${TOOL_LIMITS.enumValues} values`, {
      problem: 'no value could ever be given',
      note: 'Leave enum out for a free string.',
    });
  list.forEach((v, i) => {
    if (typeof v !== 'string' || v.length < 1 || v.length > TOOL_LIMITS.enumValueLength)
      throw toolError(
        `${path}[${i}]`,
        describeValue(v),
        `a string of 1..${TOOL_LIMITS.enumValueLength} characters`,
      );
  });
  return [...(list as string[])];
}

function checkTool(value: unknown, path: string): RunwayTool {
  if (!isRecord(value))
    throw toolError(
      path,
      describeValue(value),
      'a tool object { type: "client_event" | "backend_rpc", name, description }',
    );
  const type = value.type;
  if (type !== 'client_event' && type !== 'backend_rpc') {
    const suggestion = typeof type === 'string' ? closest(type, TOOL_TYPES) : undefined;
    throw toolError(`${path}.type`, describeValue(type), `one of ${TOOL_TYPES.join(', ')}`, {
      ...(suggestion === undefined ? {} : { suggestion }),
    });
  }
  if (type === 'client_event' && value.handler !== undefined)
    throw toolError(
      `${path}.handler`,
      describeValue(value.handler),
      'no handler on a client_event tool',
      {
        note: 'The character only sends a client_event to the room (AvatarSession emits it as "client_event"); a tool that runs code and answers the character is type "backend_rpc".',
      },
    );
  checkKeys(value, TOOL_KEYS[type], path, `a ${type} tool`);
  const name = checkName(value.name, path);
  const description = checkDescription(value.description, path);
  const parameters =
    value.parameters === undefined
      ? undefined
      : checkParameters(value.parameters, `${path}.parameters`, new Set());
  const common = { name, description, ...(parameters === undefined ? {} : { parameters }) };
  if (type === 'client_event') return { type, ...common };
  const { min, max } = TOOL_LIMITS.timeoutSeconds;
  const timeout = value.timeoutSeconds;
  if (
    timeout !== undefined &&
    (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < min || timeout > max)
  )
    throw toolError(
      `${path}.timeoutSeconds`,
      describeValue(timeout),
      `a number of seconds from ${min} to ${max} (default ${TOOL_LIMITS.timeoutSeconds.default})`,
    );
  if (typeof value.handler !== 'function')
    throw toolError(
      `${path}.handler`,
      describeValue(value.handler),
      'a function (args, call) => result that answers the character',
    );
  return {
    type,
    ...common,
    ...(timeout === undefined ? {} : { timeoutSeconds: timeout as number }),
    handler: value.handler as BackendRpcHandler,
  };
}

/**
 * Checks the `tools` option exactly as Runway's schema (reference §8) does, before any request: at most 20
 * tools of type `client_event` or `backend_rpc` with unique names; names 1..64 characters matching
 * `^[a-zA-Z_][a-zA-Z0-9_]*$`; descriptions 1..1024; at most 20 parameters (and 20 properties per object
 * parameter, at any depth) with valid, sibling-unique names; string enums of 1..20 values of 1..64
 * characters; arrays of scalars; `required` a boolean; `timeoutSeconds` 1..8; a `handler` function on every
 * `backend_rpc` tool and none on a `client_event` tool; no key Runway does not know (its body is strict).
 * `undefined` is no tools.
 *
 * Returns copies (later changes to the caller's objects have no effect). Throws a {@link RunwayOptionError}
 * naming the tool by index and name and the field path, e.g.
 * `tools[2] ("get_weather").parameters[0] ("unit").enum`.
 *
 * Two rules go beyond the letter of §8, since nothing could be meant by breaking them: an empty `enum`
 * (no value could be given) and two parameters of the same name (the arguments are one JSON object).
 * @internal
 */
export function validateTools(tools: unknown, option = 'tools'): RunwayTool[] {
  if (tools === undefined) return [];
  const list = checkList(tools, option, TOOL_LIMITS.tools, 'tool');
  const names = new Map<string, number>();
  return list.map((t, i) => {
    const tool = checkTool(t, namedPath(`${option}[${i}]`, isRecord(t) ? t.name : undefined));
    const first = names.get(tool.name);
    if (first !== undefined)
      throw toolError(
        `${namedPath(`${option}[${i}]`, tool.name)}.name`,
        JSON.stringify(tool.name),
        "a name unique among the session's tools",
        { problem: `already the name of ${option}[${first}]` },
      );
    names.set(tool.name, i);
    return tool;
  });
}

/**
 * Joins the user's tools with tools added at `start()` (the agent's own, exposed as `backend_rpc`), both
 * already validated: at most 20 in all, every name unique. The error names both sources, e.g.
 * `agentTools ("get_time")` and `tools[1]`.
 */
export function mergeTools(
  user: readonly RunwayTool[],
  extra: readonly RunwayTool[],
  sources: { user: string; extra: string } = { user: 'tools', extra: 'agentTools' },
): RunwayTool[] {
  const total = user.length + extra.length;
  if (total > TOOL_LIMITS.tools)
    throw toolError(
      `${sources.user} + ${sources.extra}`,
      `${user.length} + ${extra.length} = ${count(total, 'tool')}`,
      `at most ${TOOL_LIMITS.tools} tools in a session`,
      { note: `Give fewer ${sources.user}, or list fewer names in ${sources.extra}.` },
    );
  const index = new Map(user.map((t, i) => [t.name, i]));
  for (const tool of extra) {
    const i = index.get(tool.name);
    if (i !== undefined)
      throw toolError(
        namedPath(sources.extra, tool.name),
        JSON.stringify(tool.name),
        "a name unique among the session's tools",
        { problem: `already the name of ${sources.user}[${i}]` },
      );
  }
  return [...user, ...extra];
}

function wireParameter(p: RunwayToolParameter): RunwayToolParameter {
  const base = { name: p.name, description: p.description, required: p.required ?? true };
  switch (p.type) {
    case 'string':
      return { type: p.type, ...base, ...(p.enum === undefined ? {} : { enum: [...p.enum] }) };
    case 'array':
      return { type: p.type, ...base, items: { type: p.items.type } };
    case 'object':
      return { type: p.type, ...base, properties: p.properties.map(wireParameter) };
    default:
      return { type: p.type, ...base };
  }
}

/**
 * The create body's `tools`: Runway's defaults written out (`parameters: []`, `required: true` on every
 * parameter at any depth, `timeoutSeconds: 4`), handlers left out. Input: validated tools.
 */
export function toWireTools(tools: readonly RunwayTool[]): RunwayToolWire[] {
  return tools.map((t) => {
    const common = {
      name: t.name,
      description: t.description,
      parameters: (t.parameters ?? []).map(wireParameter),
    };
    return t.type === 'client_event'
      ? { type: t.type, ...common }
      : {
          type: t.type,
          ...common,
          timeoutSeconds: t.timeoutSeconds ?? TOOL_LIMITS.timeoutSeconds.default,
        };
  });
}
