// Shared pieces of the benches over the Runway emulator: the plugin's options and client for an emulator,
// and a per-route / per-session request counter fed by the emulator's request events.

import { RunwayClient } from '../../src/api/client.js';
import type { Emulator, RecordedRequest, RouteName } from '../../src/emulator/index.js';
import { type ResolvedOptions, resolveOptions } from '../../src/options.js';

/**
 * The plugin's resolved options for an emulator (preset avatar, strategy 'auto', no env fallbacks), with
 * the character's opening words when given.
 */
export function pluginOptions(
  api: { url: string; apiKey: string },
  startScript?: string,
): ResolvedOptions {
  return resolveOptions(
    {
      presetId: 'cat-character',
      apiKey: api.apiKey,
      apiUrl: api.url,
      ...(startScript ? { startScript } : {}),
    },
    {},
  );
}

/** The plugin's client, configured as AvatarSession configures it. */
export function pluginClient(options: ResolvedOptions): RunwayClient {
  return new RunwayClient({
    apiKey: options.apiKey,
    baseUrl: options.apiUrl,
    connOptions: options.connOptions,
  });
}

/** Counts the requests emulators answered, per route, per route and status, and per route and session. */
export class RequestCounter {
  readonly #counts = new Map<string, number>();
  readonly #detach: (() => void)[] = [];

  constructor(emulators: readonly Emulator[]) {
    for (const e of emulators) {
      const listener = (entry: RecordedRequest) => this.#record(entry);
      e.on('request', listener);
      this.#detach.push(() => e.off('request', listener));
    }
  }

  #bump(key: string): void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  #record(entry: RecordedRequest): void {
    if (!entry.route) return;
    this.#bump(entry.route);
    this.#bump(`${entry.route} ${entry.status}`);
    if (entry.sessionId) this.#bump(`${entry.route} @${entry.sessionId}`);
  }

  /** Requests to `route` so far (optionally only those answered with `status`). */
  count(route: RouteName, status?: number): number {
    return this.#counts.get(status === undefined ? route : `${route} ${status}`) ?? 0;
  }

  /** Requests to `route` naming this session in their path. */
  countFor(route: RouteName, sessionId: string): number {
    return this.#counts.get(`${route} @${sessionId}`) ?? 0;
  }

  /** Stops listening. */
  close(): void {
    for (const detach of this.#detach.splice(0)) detach();
  }
}
