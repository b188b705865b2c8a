// Public entry of `livekit-agents-runway/emulator`: startEmulator and the emulator's types.
import { resolveOptions } from './config.js';
import { Emulator } from './emulator.js';
import { listen } from './node_server.js';
import type { EmulatorOptions } from './types.js';

/** A started emulator: an {@link Emulator} listening on `url`; `close()` stops it. @public */
export interface RunningEmulator extends Emulator {
  /** Stops timers and workers, destroys open sockets (hung requests included), closes the server. */
  close(): Promise<void>;
}

/**
 * Starts a faithful local emulator of Runway's realtime-sessions API on `http://127.0.0.1:<port>`.
 * Point a client at it with `baseURL: emulator.url` and `apiKey: emulator.apiKey`.
 * Throws a TypeError on an invalid option.
 * @public
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const config = resolveOptions(options);
  let driver = options.driver;
  if (!driver && options.worker) {
    // Loaded only on demand: the HTTP emulator alone needs no native WebRTC.
    const { createLiveKitWorkerDriver } = await import('./worker/livekit_driver.js');
    driver = createLiveKitWorkerDriver(options.worker === true ? {} : options.worker);
  }
  const emulator = new Emulator(config, driver);
  for (const fault of options.faults ?? []) emulator.faults.add(fault);
  const server = await listen(emulator, config.host, config.port);
  return Object.assign(emulator, { close: () => server.close() });
}

export type { AppFetchInit } from './app.js';
export { RUNWAY_API_VERSION, SocketFault } from './app.js';
export { EMULATOR_DEFAULTS } from './config.js';
export { CONTROL_PREFIX } from './control.js';
export type {
  ByoSessionStart,
  HostedSessionStart,
  ToolCallRequestOptions,
  WorkerDriver,
  WorkerSessionBase,
  WorkerSignals,
} from './driver.js';
export type { EmulatorEvents } from './emulator.js';
export { Emulator } from './emulator.js';
export type { FaultBase, FaultKind, FaultRoute, FaultSpec, FaultState } from './faults.js';
export { defaultFaultBody, FAULT_GRAMMAR, FaultBook, parseFaultFlag } from './faults.js';
export { FAILURES } from './lifecycle.js';
export { REDACTED } from './redact.js';
export { DOC_URL, ERROR_TEXT } from './responses.js';
export { backendIdentity, generateApiKey, PLACEHOLDER_LIVEKIT_URL } from './tokens.js';
export type {
  EmulatedTool,
  EmulatedToolParameter,
  ToolArgs,
  ToolCallOutcome,
  ToolRefusalReason,
} from './tools.js';
export { DEFAULT_TOOL_TIMEOUT_SECONDS, NoRunningCharacter, ToolCallRefused } from './tools.js';
export type {
  BillingSummary,
  EmulatedSession,
  EmulatorLiveKitOptions,
  EmulatorMode,
  EmulatorOptions,
  RecordedRequest,
  RefusalWording,
  RouteName,
  SessionStatus,
  SessionVia,
  TerminalStatus,
  TimelineEntry,
} from './types.js';
export { EMULATOR_MODES, REFUSAL_WORDINGS, ROUTE_NAMES } from './types.js';
export type { CreateBody } from './validation.js';
export {
  createBodySchema,
  EMULATOR_PRESET_IDS,
  INSECURE_URL_MESSAGE,
  validateCreateBody,
} from './validation.js';
export type { LiveKitWorkerDriver, LiveKitWorkerDriverOptions } from './worker/livekit_driver.js';
