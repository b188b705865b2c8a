// LiveKit URL/key/secret for the avatar: from start() arguments, else LIVEKIT_* env; reachability check.
// Errors name the argument or the environment variable a bad value came from, and never echo a secret.
import { z } from 'zod';
import { isLoopbackHost, isNonPublicHost } from '../api/addresses.js';
import { addIssue, whitespaceProblem } from '../api/client_options.js';
import { formatOptionIssues } from '../api/option_errors.js';
import { rememberSecret } from '../api/redact.js';
import { RunwayOptionError, RunwayUnreachableLiveKitError } from '../errors.js';

/** LiveKit server credentials used to mint the avatar's token. @public */
export interface StartOptions {
  /** LiveKit server URL (`wss://…`). Default: `LIVEKIT_URL`. */
  livekitUrl?: string;
  /** LiveKit API key. Default: `LIVEKIT_API_KEY`. */
  livekitApiKey?: string;
  /** LiveKit API secret. Default: `LIVEKIT_API_SECRET`. */
  livekitApiSecret?: string;
}

/** Resolved LiveKit server credentials. */
export interface LiveKitCredentials {
  url: string;
  apiKey: string;
  apiSecret: string;
}

/** Each start option and the environment variable it falls back to. */
const ENV = {
  livekitUrl: 'LIVEKIT_URL',
  livekitApiKey: 'LIVEKIT_API_KEY',
  livekitApiSecret: 'LIVEKIT_API_SECRET',
} as const;

const URL_ALLOWED =
  'a LiveKit server URL such as wss://my-project.livekit.cloud (ws://, https:// and http:// also), without user:password@';

const livekitUrl = z.string({ error: URL_ALLOWED }).superRefine((s, ctx) => {
  const ws = whitespaceProblem(s);
  if (ws) return void addIssue(ctx, URL_ALLOWED, { problem: ws });
  if (!URL.canParse(s)) return void addIssue(ctx, URL_ALLOWED, { problem: 'not a URL' });
  const url = new URL(s);
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(url.protocol))
    return void addIssue(ctx, URL_ALLOWED, { problem: `scheme "${url.protocol}"` });
  if (url.username || url.password)
    // LiveKit takes credentials as a token, never in the URL; the part before @ is not echoed.
    addIssue(ctx, URL_ALLOWED, {
      problem: 'it carries user:password@, which LiveKit does not use and would leak',
      received: `${url.protocol}//…@${url.host}`,
    });
});

function credential(what: string) {
  const allowed = `a LiveKit API ${what}: printable characters, not blank, without whitespace around it`;
  return z.string({ error: allowed }).superRefine((s, ctx) => {
    const problem = whitespaceProblem(s);
    if (problem) addIssue(ctx, allowed, { problem });
  });
}

const startSchema = z.strictObject({
  livekitUrl,
  livekitApiKey: credential('key'),
  livekitApiSecret: credential('secret'),
});
const START_KEYS = Object.keys(startSchema.shape);

/** Resolves the LiveKit credentials; names what is missing, or what is wrong and where it came from. */
export function resolveLiveKitCredentials(
  opts: StartOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): LiveKitCredentials {
  const input: Record<string, unknown> = Object.fromEntries(
    Object.entries(opts ?? {}).filter(([, v]) => v !== undefined && v !== ''),
  );
  const fromEnv: Record<string, string> = {};
  for (const [option, variable] of Object.entries(ENV)) {
    if (input[option] !== undefined) continue;
    const value = env[variable];
    if (value === undefined || value === '') continue;
    input[option] = value;
    fromEnv[option] = variable;
  }
  rememberSecret(input.livekitApiSecret);
  const missing = (Object.keys(ENV) as (keyof typeof ENV)[]).filter((k) => input[k] === undefined);
  if (missing.length > 0) {
    const names = missing.map((k) => `${k} (or ${ENV[k]})`);
    throw new RunwayOptionError(
      missing[0] as string,
      `Missing LiveKit credentials for the avatar: ${names.join(', ')}. Pass them to avatar.start() or set the environment variables.`,
    );
  }
  const parsed = startSchema.safeParse(input);
  if (!parsed.success) {
    throw formatOptionIssues(parsed.error, input, {
      fromEnv,
      secrets: new Set(['livekitApiSecret', 'livekitApiKey']),
      knownKeys: () => START_KEYS,
    });
  }
  const { livekitUrl: url, livekitApiKey: apiKey, livekitApiSecret: apiSecret } = parsed.data;
  return { url, apiKey, apiSecret };
}

/**
 * Runway's worker joins the LiveKit room from Runway's cloud, so the URL must be a public `wss://` or
 * `https://` host. Checked only when the Runway API is not a loopback emulator.
 */
export function assertReachableByRunway(livekitUrl: string, apiUrl: string): void {
  if (isLoopbackHost(new URL(apiUrl).hostname)) return;
  const url = new URL(livekitUrl);
  const insecure = url.protocol === 'ws:' || url.protocol === 'http:';
  if (insecure || isNonPublicHost(url.hostname)) {
    throw new RunwayUnreachableLiveKitError(
      `Runway's avatar worker joins your LiveKit room from the internet, so livekitUrl must be a public wss:// or https:// URL; received ${url.protocol}//${url.host} (${insecure ? 'not TLS' : 'a local or private address'}). Use LiveKit Cloud or expose your server over TLS, or use strategy 'hosted'.`,
    );
  }
}
