// vitest globalSetup of the `e2e` project: one loopback livekit-server for the whole e2e run.
import type { TestProject } from 'vitest/node';
import { startLiveKitServer } from '../../scripts/lib/livekit_server.js';
import { NETNS_ENV_FLAG } from '../../scripts/lib/netns.js';
import '../e2e/support/env.js';

/**
 * Starts the server and hands its URL and keys to test files through `project.provide` (read them
 * with `liveKitEnv()` from test/e2e/support/env.ts, i.e. `inject('LIVEKIT_URL')` etc.). It also sets
 * `process.env.LIVEKIT_URL/LIVEKIT_API_KEY/LIVEKIT_API_SECRET`, which workers and any child process
 * they spawn (e.g. an agent worker) inherit. Throws, failing the run, when no server can be
 * provided: the e2e suite is never skipped silently (set E2E=0 to skip it on purpose).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = performance.now();
  const server = await startLiveKitServer({
    logLevel: process.env['LIVEKIT_SERVER_LOG_LEVEL'] ?? 'warn',
  });
  process.stderr.write(
    `[e2e] livekit-server ${server.url} ready in ${Math.round(performance.now() - started)} ms ` +
      `(${process.env[NETNS_ENV_FLAG] === '1' ? 'private network namespace' : 'host network'})\n`,
  );
  project.provide('LIVEKIT_URL', server.url);
  project.provide('LIVEKIT_API_KEY', server.apiKey);
  project.provide('LIVEKIT_API_SECRET', server.apiSecret);
  process.env['LIVEKIT_URL'] = server.url;
  process.env['LIVEKIT_API_KEY'] = server.apiKey;
  process.env['LIVEKIT_API_SECRET'] = server.apiSecret;
  return () => server.stop();
}
