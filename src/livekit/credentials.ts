// LiveKit URL/key/secret for the avatar: from start() arguments, else LIVEKIT_* env; reachability check.

import { isLoopbackHost, isNonPublicHost } from '../api/addresses.js';
import { RunwayOptionError } from '../errors.js';

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

/** Resolves the LiveKit credentials; names what is missing. */
export function resolveLiveKitCredentials(
  opts: StartOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): LiveKitCredentials {
  const url = opts.livekitUrl || env.LIVEKIT_URL;
  const apiKey = opts.livekitApiKey || env.LIVEKIT_API_KEY;
  const apiSecret = opts.livekitApiSecret || env.LIVEKIT_API_SECRET;
  const missing = [
    !url && 'livekitUrl (or LIVEKIT_URL)',
    !apiKey && 'livekitApiKey (or LIVEKIT_API_KEY)',
    !apiSecret && 'livekitApiSecret (or LIVEKIT_API_SECRET)',
  ].filter(Boolean);
  if (missing.length > 0 || !url || !apiKey || !apiSecret) {
    throw new RunwayOptionError(
      missing[0] ? String(missing[0]).split(' ')[0]! : 'livekitUrl',
      `Missing LiveKit credentials for the avatar: ${missing.join(', ')}. Pass them to avatar.start() or set the environment variables.`,
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RunwayOptionError(
      'livekitUrl',
      'Invalid option livekitUrl: not a URL; expected e.g. wss://my-project.livekit.cloud.',
    );
  }
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(parsed.protocol)) {
    throw new RunwayOptionError(
      'livekitUrl',
      `Invalid option livekitUrl: scheme ${JSON.stringify(parsed.protocol)}; expected wss:// (or ws://, https://, http://).`,
    );
  }
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
    throw new RunwayOptionError(
      'livekitUrl',
      `Runway's avatar worker joins your LiveKit room from the internet, so livekitUrl must be a public wss:// or https:// URL; received ${url.protocol}//${url.host} (${insecure ? 'not TLS' : 'a local or private address'}). Use LiveKit Cloud or expose your server over TLS, or use strategy 'hosted'.`,
    );
  }
}
