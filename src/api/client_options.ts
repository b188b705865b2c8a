// The client's options as zod schemas, the one validator of them: RunwayClient parses its options with it
// and the AvatarSession options schema (src/options.ts) is built from the same pieces, so both agree.
import { type APIConnectOptions, DEFAULT_API_CONNECT_OPTIONS } from '@livekit/agents';
import { z } from 'zod';
import { isLoopbackHost } from './addresses.js';
import { formatOptionIssues, type IssueParams } from './option_errors.js';

/** An issue whose message is what is allowed; `params` shape the error (see {@link IssueParams}). */
export function addIssue(
  ctx: z.RefinementCtx,
  allowed: string,
  params: IssueParams = {},
  path?: (string | number)[],
): void {
  ctx.addIssue({ code: 'custom', message: allowed, params, ...(path ? { path } : {}) });
}

/**
 * What is wrong with the whitespace of a string, if anything. A secret mounted from a file usually ends
 * with a newline, and an environment variable set with quotes may keep a space: say so by name.
 */
export function whitespaceProblem(s: string): string | undefined {
  if (s.trim() === '') return s === '' ? 'empty' : 'only whitespace';
  if (/[\r\n]$/.test(s)) return 'ends with a newline (a mounted secret file?)';
  if (/\s$/.test(s)) return 'ends with whitespace';
  if (/^\s/.test(s)) return 'starts with whitespace';
  if (/[\r\n]/.test(s)) return 'contains a line break';
  if (/\s/.test(s)) return 'contains whitespace';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for
  if (/[\u0000-\u001f\u007f]/.test(s)) return 'contains a control character';
  return undefined;
}

const TOKEN_ALLOWED = 'a non-empty string of printable ASCII without spaces';

/** A bearer token (API key, sessionKey): printable ASCII, no whitespace (it goes into a header). */
export function tokenSchema(allowed = TOKEN_ALLOWED) {
  return z.string({ error: allowed }).superRefine((s, ctx) => {
    const problem = whitespaceProblem(s) ?? (/[^!-~]/.test(s) ? 'non-ASCII characters' : undefined);
    if (problem) addIssue(ctx, allowed, { problem });
  });
}

const API_URL_ALLOWED =
  'an absolute https:// URL (http:// only to a loopback host: 127.0.0.0/8, ::1, localhost), without credentials, e.g. https://api.dev.runwayml.com';

/** The Runway API base URL: https, or http to loopback only (the API key would travel in clear text). */
export const apiUrlSchema = z.string({ error: API_URL_ALLOWED }).superRefine((s, ctx) => {
  const ws = whitespaceProblem(s);
  if (ws) return addIssue(ctx, API_URL_ALLOWED, { problem: ws });
  if (!URL.canParse(s)) return addIssue(ctx, API_URL_ALLOWED, { problem: 'not a URL' });
  const url = new URL(s);
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return addIssue(ctx, API_URL_ALLOWED, { problem: `scheme ${url.protocol}// is not https` });
  if (url.username || url.password)
    return addIssue(ctx, API_URL_ALLOWED, {
      problem: 'it carries credentials; pass apiKey instead',
      received: `${url.protocol}//…@${url.host}`,
    });
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname))
    addIssue(ctx, API_URL_ALLOWED, {
      problem: `http://${url.host} would send the API key in clear text`,
    });
});

/** An integer in `[min, max]`, every check reporting the same `allowed` text. */
export function intIn(min: number, max: number, unit: string) {
  const allowed = `an integer${unit ? ` number of ${unit}` : ''} from ${min} to ${max}`;
  return z
    .number({ error: allowed })
    .int({ error: allowed })
    .min(min, { error: allowed })
    .max(max, { error: allowed });
}

/** Upper bounds of connOptions: a larger value is a mistake (an agent waits on these at start-up). */
export const CONN_LIMITS = { maxRetry: 10, retryIntervalMs: 60_000, timeoutMs: 600_000 } as const;

/**
 * `connOptions`: `maxRetry` 0..10 retries, `retryIntervalMs` 0..60 000, `timeoutMs` 1..600 000 (per
 * attempt), integers; unknown keys refused. Missing fields take `DEFAULT_API_CONNECT_OPTIONS`.
 */
export const connOptionsSchema = z.strictObject({
  maxRetry: intIn(0, CONN_LIMITS.maxRetry, 'retries').optional(),
  retryIntervalMs: intIn(0, CONN_LIMITS.retryIntervalMs, 'milliseconds').optional(),
  timeoutMs: intIn(1, CONN_LIMITS.timeoutMs, 'milliseconds').optional(),
});

/** The known keys of `connOptions`. */
export const CONN_OPTION_KEYS = Object.keys(connOptionsSchema.shape);

/** `connOptions` with the defaults applied (after {@link connOptionsSchema} accepted it). */
export function withConnDefaults(
  value: z.output<typeof connOptionsSchema> | undefined,
): APIConnectOptions {
  const d = DEFAULT_API_CONNECT_OPTIONS;
  return {
    maxRetry: value?.maxRetry ?? d.maxRetry,
    retryIntervalMs: value?.retryIntervalMs ?? d.retryIntervalMs,
    timeoutMs: value?.timeoutMs ?? d.timeoutMs,
  };
}

/** The client's options schema (see `RunwayClientOptions`). */
const clientOptionsSchema = z.strictObject({
  apiKey: tokenSchema(),
  baseUrl: apiUrlSchema,
  connOptions: connOptionsSchema.optional(),
  retryAfterCapMs: intIn(0, 600_000, 'milliseconds').optional(),
});

/** The validated options of a RunwayClient. */
export interface ClientSettings {
  apiKey: string;
  baseUrl: URL;
  connOptions: APIConnectOptions;
  retryAfterCapMs: number | undefined;
}

/**
 * Validates a RunwayClient's options (the same rules as AvatarSession's `apiKey`, `apiUrl` and
 * `connOptions`); throws a {@link RunwayOptionError} naming the option. `baseUrl` is named `apiUrl`, as
 * AvatarSession calls it. The API key is never echoed.
 */
export function parseClientOptions(options: unknown): ClientSettings {
  const result = clientOptionsSchema.safeParse(options);
  if (!result.success) {
    throw formatOptionIssues(result.error, options, {
      secrets: new Set(['apiKey']),
      knownKeys: (path) =>
        path === 'connOptions' ? CONN_OPTION_KEYS : Object.keys(clientOptionsSchema.shape),
      renames: { baseUrl: 'apiUrl' },
    });
  }
  const o = result.data;
  return {
    apiKey: o.apiKey,
    baseUrl: new URL(o.baseUrl),
    connOptions: withConnDefaults(o.connOptions),
    retryAfterCapMs: o.retryAfterCapMs,
  };
}
