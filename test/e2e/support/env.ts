// Where e2e tests find the livekit-server started by test/setup/livekit_server.ts (vitest provide/inject).
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Signal URL of the e2e server, `ws://127.0.0.1:<port>`. */
    LIVEKIT_URL: string;
    /** API key of the e2e server. */
    LIVEKIT_API_KEY: string;
    /** API secret of the e2e server (never print it). */
    LIVEKIT_API_SECRET: string;
  }
}

/** Connection details of the e2e livekit-server. */
export interface LiveKitEnv {
  url: string;
  apiKey: string;
  apiSecret: string;
}

/**
 * Returns the e2e server's URL and keys, as provided by the e2e globalSetup. Throws (never skips)
 * when called outside the `e2e` project, where no server was provided.
 */
export function liveKitEnv(): LiveKitEnv {
  const url = inject('LIVEKIT_URL');
  const apiKey = inject('LIVEKIT_API_KEY');
  const apiSecret = inject('LIVEKIT_API_SECRET');
  if (!url || !apiKey || !apiSecret) {
    throw new Error(
      'No LiveKit server was provided: e2e tests must run in the vitest `e2e` project ' +
        '(globalSetup test/setup/livekit_server.ts).',
    );
  }
  return { url, apiKey, apiSecret };
}
