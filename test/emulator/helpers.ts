// Shared helpers of the emulator tests: fast emulators, the official SDK client, raw HTTP requests.
import { request as httpRequest } from 'node:http';
import RunwayML from '@runwayml/sdk';
import { onTestFinished } from 'vitest';
import {
  type EmulatorOptions,
  type RunningEmulator,
  startEmulator,
} from '../../src/emulator/index.js';

/** The minimal valid create body (what Runway's own clients send). */
export const PRESET_BODY = {
  model: 'gwm1_avatars',
  avatar: { type: 'runway-preset', presetId: 'cat-character' },
} as const;

/** A LiveKit integration body pointing at a local server (a fake token). */
export const LIVEKIT_CREDS = {
  url: 'ws://127.0.0.1:7880',
  token: 'lk-test-token-not-a-secret',
  roomName: 'room-1',
};

/** Starts an emulator with fast timings (tens of ms), closed when the test finishes. */
export async function fastEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emulator = await startEmulator({
    provisioningMs: 40,
    queuedMs: 15,
    joinWindowMs: 2_000,
    ...options,
  });
  onTestFinished(() => emulator.close());
  return emulator;
}

/** Runway's official client pointed at the emulator, retries off unless asked. */
export function sdk(emulator: RunningEmulator, maxRetries = 0, apiKey = emulator.apiKey): RunwayML {
  return new RunwayML({ apiKey, baseURL: emulator.url, maxRetries, timeout: 5_000 });
}

/** Creates a preset session through the SDK and returns its id. */
export async function createPreset(emulator: RunningEmulator): Promise<string> {
  return (await sdk(emulator).realtimeSessions.create(PRESET_BODY)).id;
}

/** Standard API-key headers. */
export function apiHeaders(emulator: RunningEmulator): Record<string, string> {
  return {
    authorization: `Bearer ${emulator.apiKey}`,
    'x-runway-version': '2024-11-06',
    'content-type': 'application/json',
  };
}

/** fetch against the emulator with a JSON answer (`body` undefined for an empty reply). */
export async function call(
  emulator: RunningEmulator,
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const res = await fetch(`${emulator.url}${path}`, {
    method,
    headers: init.headers ?? apiHeaders(emulator),
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text === '' ? undefined : JSON.parse(text),
  };
}

/** Outcome of a raw node:http request: a full response, or the socket error code. */
export type RawOutcome =
  | { kind: 'response'; status: number; body: string; headersAtMs: number; endAtMs: number }
  | { kind: 'error'; code: string; atMs: number };

/** One request over a fresh socket (no retries), with a client-side timeout. */
export function rawRequest(
  emulator: RunningEmulator,
  method: string,
  path: string,
  body?: string,
  timeoutMs = 3_000,
): Promise<RawOutcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    const req = httpRequest(
      `${emulator.url}${path}`,
      { method, headers: apiHeaders(emulator), agent: false, timeout: timeoutMs },
      (res) => {
        const headersAtMs = Date.now() - started;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({
            kind: 'response',
            status: res.statusCode ?? 0,
            body: text,
            headersAtMs,
            endAtMs: Date.now() - started,
          }),
        );
        res.on('error', (err: NodeJS.ErrnoException) =>
          resolve({ kind: 'error', code: err.code ?? err.message, atMs: Date.now() - started }),
        );
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) =>
      resolve({ kind: 'error', code: err.code ?? err.message, atMs: Date.now() - started }),
    );
    req.end(body);
  });
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
