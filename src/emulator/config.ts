// Emulator options with their defaults applied and checked (a bad option throws a TypeError).
import { generateApiKey } from './tokens.js';
import {
  EMULATOR_MODES,
  type EmulatorLiveKitOptions,
  type EmulatorMode,
  type EmulatorOptions,
  REFUSAL_WORDINGS,
  type RefusalWording,
} from './types.js';

/** Every option resolved; `mode` changes at runtime through `setMode`. */
export interface ResolvedConfig {
  host: string;
  port: number;
  apiKey: string;
  mode: EmulatorMode;
  provisioningMs: number;
  queuedMs: number;
  readyLifetimeMs: number;
  joinWindowMs: number;
  hardCapMs: number;
  secondConsumeStatus: number;
  deleteTerminalStatus: 204 | 404;
  consumeRequiresContentType: boolean;
  refusalWording: RefusalWording;
  allowInsecureLiveKitUrls: boolean;
  livekit: EmulatorLiveKitOptions | undefined;
  maxRequestLog: number;
}

/** Default timings, as observed on Runway (provisioning ~1.5 s, 5-minute credentials and cap). @public */
export const EMULATOR_DEFAULTS = {
  provisioningMs: 1500,
  queuedMs: 500,
  readyLifetimeMs: 300_000,
  joinWindowMs: 30_000,
  hardCapMs: 300_000,
  secondConsumeStatus: 409,
  deleteTerminalStatus: 404,
} as const;

function ms(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0) {
    throw new TypeError(`emulator option ${name} must be a finite number >= 0, got ${String(v)}`);
  }
  return v;
}

/** Throws a TypeError when `mode` is not an {@link EmulatorMode}. */
export function checkMode(mode: string): EmulatorMode {
  if (!EMULATOR_MODES.includes(mode as EmulatorMode)) {
    throw new TypeError(`emulator mode must be one of ${EMULATOR_MODES.join(', ')}, got '${mode}'`);
  }
  return mode as EmulatorMode;
}

/** Throws a TypeError when `wording` is not a {@link RefusalWording}. */
export function checkRefusalWording(wording: string): RefusalWording {
  if (!REFUSAL_WORDINGS.includes(wording as RefusalWording)) {
    throw new TypeError(
      `emulator refusalWording must be one of ${REFUSAL_WORDINGS.join(', ')}, got '${wording}'`,
    );
  }
  return wording as RefusalWording;
}

/** Applies defaults and checks every option. */
export function resolveOptions(o: EmulatorOptions = {}): ResolvedConfig {
  const port = o.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`emulator option port must be an integer 0..65535, got ${port}`);
  }
  const second = o.secondConsumeStatus ?? EMULATOR_DEFAULTS.secondConsumeStatus;
  if (!Number.isInteger(second) || second < 400 || second > 499) {
    throw new TypeError(`emulator option secondConsumeStatus must be a 4xx status, got ${second}`);
  }
  const del = o.deleteTerminalStatus ?? EMULATOR_DEFAULTS.deleteTerminalStatus;
  if (del !== 204 && del !== 404) {
    throw new TypeError(`emulator option deleteTerminalStatus must be 204 or 404, got ${del}`);
  }
  if (o.apiKey !== undefined && (typeof o.apiKey !== 'string' || o.apiKey.length === 0)) {
    throw new TypeError('emulator option apiKey must be a non-empty string');
  }
  const maxRequestLog = o.maxRequestLog ?? 10_000;
  if (!Number.isInteger(maxRequestLog) || maxRequestLog < 1) {
    throw new TypeError('emulator option maxRequestLog must be a positive integer');
  }
  const d = EMULATOR_DEFAULTS;
  return {
    host: o.host ?? '127.0.0.1',
    port,
    apiKey: o.apiKey ?? generateApiKey(),
    mode: checkMode(o.mode ?? 'integration'),
    provisioningMs: ms('provisioningMs', o.provisioningMs, d.provisioningMs),
    queuedMs: ms('queuedMs', o.queuedMs, d.queuedMs),
    readyLifetimeMs: ms('readyLifetimeMs', o.readyLifetimeMs, d.readyLifetimeMs),
    joinWindowMs: ms('joinWindowMs', o.joinWindowMs, d.joinWindowMs),
    hardCapMs: ms('hardCapMs', o.hardCapMs, d.hardCapMs),
    secondConsumeStatus: second,
    deleteTerminalStatus: del,
    consumeRequiresContentType: o.consumeRequiresContentType ?? false,
    refusalWording: checkRefusalWording(o.refusalWording ?? 'runway'),
    allowInsecureLiveKitUrls: o.allowInsecureLiveKitUrls ?? true,
    livekit: o.livekit,
    maxRequestLog,
  };
}
