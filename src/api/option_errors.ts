// The one formatter of invalid options: a zod issue (or a hand-made one) becomes a RunwayOptionError naming
// the option or environment variable, what was received, what is allowed, and "Did you mean" when close.
import type { z } from 'zod';
import { RunwayOptionError } from '../errors.js';

/** Describes a received value without echoing a secret or a long string. */
export function describeValue(value: unknown, secret = false): string {
  if (typeof value === 'string') {
    if (secret || value.length > 60) return `a string of ${value.length} characters`;
    return JSON.stringify(value);
  }
  if (typeof value === 'number') return String(value);
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** Optimal-string-alignment edit distance (a swap of two neighbours costs 1). Small inputs only. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate closest to `value`, when close enough to be a likely slip: same letters ignoring case
 * and separators, a prefix (`timeout` for `timeoutMs`), or within `maxDistance` edits (default: a third
 * of the length, at least 2).
 */
export function closest(
  value: string,
  candidates: readonly string[],
  maxDistance?: number,
): string | undefined {
  const fold = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');
  const v = fold(value);
  if (v === '') return undefined;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const f = fold(c);
    if (f === v) return c;
    const d = f.startsWith(v) || v.startsWith(f) ? 1 : editDistance(v, f);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  const limit = maxDistance ?? Math.max(2, Math.floor(value.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/** What {@link optionError} says. */
export interface OptionProblem {
  /** The option path (`connOptions.timeoutMs`) or environment variable (`RUNWAYML_BASE_URL`). */
  option: string;
  /** The value received (described, never echoed when `secret`). */
  received: unknown;
  /** What is allowed. */
  allowed: string;
  /** What is wrong, when more precise than "not allowed" (e.g. "ends with a newline"). */
  problem?: string;
  /** The likely intended value or key. */
  suggestion?: string;
  /** Never echo the value (API keys, LiveKit secrets). */
  secret?: boolean;
  /** Whether `option` is an environment variable (the message then says so). */
  fromEnv?: boolean;
  /** A sentence appended to the message (e.g. why a bound exists). */
  note?: string;
}

/**
 * `Invalid option timeoutMs: received 3000000000 (…problem); expected … Did you mean "…"?` as a
 * {@link RunwayOptionError} carrying the option, received, allowed and suggestion separately.
 */
export function optionError(p: OptionProblem): RunwayOptionError {
  const received = describeValue(p.received, p.secret);
  const what = p.fromEnv ? 'environment variable' : 'option';
  const problem = p.problem ? ` (${p.problem})` : '';
  const mean = p.suggestion === undefined ? '' : ` Did you mean "${p.suggestion}"?`;
  const note = p.note ? ` ${p.note}` : '';
  return new RunwayOptionError(
    p.option,
    `Invalid ${what} ${p.option}: received ${received}${problem}; expected ${p.allowed}.${mean}${note}`,
    {
      received,
      allowed: p.allowed,
      ...(p.suggestion === undefined ? {} : { suggestion: p.suggestion }),
    },
  );
}

/** Where a value came from and how to name it in errors. */
export interface IssueContext {
  /** Prefix of every option path (`connOptions` when validating connOptions alone). */
  prefix?: string;
  /** Top-level option → environment variable it was read from (the error names the variable). */
  fromEnv?: Readonly<Record<string, string>>;
  /** Top-level options whose value is never echoed. */
  secrets?: ReadonlySet<string>;
  /** Top-level keys named otherwise in errors (the client's `baseUrl` is AvatarSession's `apiUrl`). */
  renames?: Readonly<Record<string, string>>;
  /** Known keys of the object at a dotted path ('' for the top level), for unknown-key suggestions. */
  knownKeys: (path: string) => readonly string[];
}

/** Extra fields a schema attaches to a custom issue (`params`) to shape the error. */
export interface IssueParams {
  problem?: string;
  suggestion?: string;
  note?: string;
  /** Name the error after this option instead of the issue's path (e.g. `avatarId/presetId`). */
  option?: string;
  /** The value to describe instead of the one at the issue's path. */
  received?: unknown;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/**
 * Turns the first issue of a failed parse of `input` into a {@link RunwayOptionError}. Each schema sets its
 * issue message to what is allowed (e.g. `an integer from 0 to 20`), so the message reads the same for
 * every check of a field. An unknown key is reported with the closest known key as "Did you mean".
 */
export function formatOptionIssues(
  error: z.ZodError,
  input: unknown,
  ctx: IssueContext,
): RunwayOptionError {
  const issue = error.issues[0];
  if (!issue)
    return optionError({ option: ctx.prefix ?? 'options', received: input, allowed: '?' });
  const rawPath = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
  const path = rawPath.map((k, i) => (i === 0 ? (ctx.renames?.[String(k)] ?? k) : k));
  const parent = [ctx.prefix, ...path].filter((k) => k !== undefined && k !== '').join('.');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const known = ctx.knownKeys(rawPath.join('.'));
    const suggestion = closest(key, known);
    const option = parent ? `${parent}.${key}` : key;
    return optionError({
      option,
      received: valueAt(input, [...rawPath, key]),
      problem: 'unknown option',
      allowed: `one of the known options ${parent ? `of ${parent} ` : ''}(${known.join(', ')})`,
      ...(suggestion === undefined
        ? {}
        : { suggestion: parent ? `${parent}.${suggestion}` : suggestion }),
    });
  }
  const params = ((issue as { params?: IssueParams }).params ?? {}) as IssueParams;
  const top = String(rawPath[0] ?? '');
  const envName = path.length === 1 ? ctx.fromEnv?.[top] : undefined;
  const option = params.option ?? envName ?? (parent || 'options');
  return optionError({
    option,
    received: 'received' in params ? params.received : valueAt(input, rawPath),
    allowed: issue.message,
    ...(params.problem === undefined ? {} : { problem: params.problem }),
    ...(params.suggestion === undefined ? {} : { suggestion: params.suggestion }),
    ...(params.note === undefined ? {} : { note: params.note }),
    secret: ctx.secrets?.has(top) ?? false,
    fromEnv: envName !== undefined && params.option === undefined,
  });
}
