// Public types of the Runway emulator: modes, routes, statuses, options, session snapshots, request log.

import type { WorkerDriver } from './driver.js';
import type { FaultSpec } from './faults.js';
import type { LiveKitWorkerDriverOptions } from './worker/livekit_driver.js';

/**
 * Which request shapes `POST /v1/realtime_sessions` accepts.
 * - `hosted-only`: the public API as of April 2026; `livekit` and `integration` are unknown keys.
 * - `legacy-livekit`: the deprecated top-level `livekit` object is accepted, `integration` is unknown.
 * - `integration`: today's OpenAPI document; both `integration` and `livekit` are accepted (default).
 * @public
 */
export type EmulatorMode = 'hosted-only' | 'legacy-livekit' | 'integration';

/**
 * How the emulator words its refusal of an unknown top-level create key (Runway documents none of these;
 * `runway` is the text observed from Runway, the others are what other zod versions produce, so tests
 * cover a routine upgrade on Runway's side):
 * - `runway` (default): `{"error":"Unrecognized key: integration"}`;
 * - `zod4-quoted`: `{"error":"Unrecognized key: \"integration\""}` (current zod 4);
 * - `zod4-list`: `{"error":"Unrecognized keys: \"integration\", \"agentIdentity\""}` (zod 4, several
 *   keys; the second key is the emulator's invention, so that a list appears with the one key sent);
 * - `zod3`: `{"error":"Unrecognized key(s) in object: 'integration'"}`;
 * - `issues`: `{"error":"Validation of body failed","issues":[{"code":"unrecognized_keys","keys":["integration"],"path":[],…}],…}`.
 * @public
 */
export type RefusalWording = 'runway' | 'zod4-quoted' | 'zod4-list' | 'zod3' | 'issues';

/** Every {@link RefusalWording}. @public */
export const REFUSAL_WORDINGS: readonly RefusalWording[] = [
  'runway',
  'zod4-quoted',
  'zod4-list',
  'zod3',
  'issues',
];

/** Every {@link EmulatorMode}, in order of API history. @public */
export const EMULATOR_MODES: readonly EmulatorMode[] = [
  'hosted-only',
  'legacy-livekit',
  'integration',
];

/** The emulated endpoints. @public */
export type RouteName = 'create' | 'retrieve' | 'cancel' | 'consume' | 'connect_backend';

/** Every {@link RouteName}. @public */
export const ROUTE_NAMES: readonly RouteName[] = [
  'create',
  'retrieve',
  'cancel',
  'consume',
  'connect_backend',
];

/** A realtime session status as `GET /v1/realtime_sessions/{id}` reports it. @public */
export type SessionStatus =
  | 'NOT_READY'
  | 'READY'
  | 'RUNNING'
  | 'COMPLETED'
  | 'FAILED'
  | 'CANCELLED';

/** The statuses a session never leaves. @public */
export type TerminalStatus = 'COMPLETED' | 'FAILED' | 'CANCELLED';

/**
 * How a session was created: `hosted` (Runway's own room, create → poll → consume), `integration`
 * (`integration: {type:'livekit'}`), `livekit` (deprecated top-level `livekit`) or `elevenlabs`
 * (`integration: {type:'elevenlabs'}`, consumed like a hosted session).
 * @public
 */
export type SessionVia = 'hosted' | 'integration' | 'livekit' | 'elevenlabs';

/** LiveKit server the emulator uses for hosted sessions (the room Runway would host). @public */
export interface EmulatorLiveKitOptions {
  /** `ws://` / `wss://` URL handed to consumers and workers. */
  url: string;
  apiKey: string;
  apiSecret: string;
}

/** Options of {@link startEmulator}; every field has a default. @public */
export interface EmulatorOptions {
  /** TCP port; default 0 (an ephemeral port). */
  port?: number;
  /** Bind address; default `127.0.0.1`. */
  host?: string;
  /** API key clients must send; default a generated `key_` + 128 hex digits. */
  apiKey?: string;
  /** Accepted create shapes; default `integration`. */
  mode?: EmulatorMode;
  /** Time from create to READY; default 1500. */
  provisioningMs?: number;
  /** How long a new session shows `queued: true` while NOT_READY; default 500. */
  queuedMs?: number;
  /**
   * READY credentials lifetime: `expiresAt = readyAt + readyLifetimeMs`; default 300 000. A hosted
   * session still unconsumed then becomes FAILED `SESSION.EXPIRED` (the emulator's choice; a later
   * consume answers 410). Consumed and bring-your-own-room sessions are governed by `joinWindowMs`.
   */
  readyLifetimeMs?: number;
  /**
   * Time allowed for the first participant, counted from consume (hosted) or from create
   * (bring-your-own-room); then FAILED `TALKING_AVATAR.NO_PARTICIPANT`. Default 30 000.
   */
  joinWindowMs?: number;
  /**
   * Cap of the RUNNING phase whatever `maxDuration` says (Runway ends 1800 s sessions at ~300 s);
   * the cap is min(hardCapMs, maxDuration s). Then COMPLETED with `duration`. Default 300 000.
   */
  hardCapMs?: number;
  /** Status of a second consume with the right sessionKey (Runway's is undocumented); default 409. */
  secondConsumeStatus?: number;
  /**
   * Status of DELETE on an already terminal session (undocumented upstream; a third party reads
   * 404 as "already gone"): 404 (default) or 204.
   */
  deleteTerminalStatus?: 204 | 404;
  /** Wording of the refusal of an unknown top-level create key; default `runway`. */
  refusalWording?: RefusalWording;
  /** Answer consume without `Content-Type: application/json` with 400; default false. */
  consumeRequiresContentType?: boolean;
  /**
   * Accept `ws://`, `http://`, localhost and private LiveKit / ElevenLabs URLs; default true.
   * Real Runway requires a `wss://` or `https://` URL of a public host: `false` reproduces that rule.
   */
  allowInsecureLiveKitUrls?: boolean;
  /** LiveKit server for hosted sessions; without it consume returns a placeholder URL and token. */
  livekit?: EmulatorLiveKitOptions;
  /** Avatar worker seam; without it sessions move only through the control hooks. */
  driver?: WorkerDriver;
  /**
   * Run the emulated avatar worker in real LiveKit rooms (loads `@livekit/rtc-node`): bring-your-own-room
   * sessions join the room named in the create body, hosted sessions a room on `livekit`. Ignored when
   * `driver` is given. Default false (the CLI turns it on; `--no-worker` turns it off).
   */
  worker?: boolean | LiveKitWorkerDriverOptions;
  /** Fault scripts installed at start. */
  faults?: FaultSpec[];
  /** Oldest request log entries are dropped beyond this many; default 10 000. */
  maxRequestLog?: number;
}

/** One status change of a session. @public */
export interface TimelineEntry {
  status: SessionStatus;
  /** ISO-8601 UTC. */
  at: string;
  /** Epoch milliseconds. */
  atMs: number;
}

/** Introspection snapshot of one session (secrets redacted, never the sessionKey). @public */
export interface EmulatedSession {
  id: string;
  via: SessionVia;
  status: SessionStatus;
  /** Only while NOT_READY. */
  queued?: boolean;
  createdAt: string;
  /** The create body after defaults, LiveKit `token` and ElevenLabs `signedUrl` redacted. */
  body: Record<string, unknown>;
  avatar: unknown;
  /** Seconds, as sent (default 300). */
  maxDuration: number;
  /** min(hardCapMs, maxDuration s): how long RUNNING may last. */
  effectiveCapMs: number;
  timeline: TimelineEntry[];
  expiresAt?: string;
  consumed: boolean;
  /** True while a participant is in the room (between markJoined and markLeft). */
  participantPresent: boolean;
  /** Seconds spent RUNNING (until the end, or now), millisecond precision. */
  billedSeconds: number;
  duration?: number;
  failure?: string;
  failureCode?: string;
}

/** One request as the emulator saw it (Authorization and tokens redacted). @public */
export interface RecordedRequest {
  /** Sequence number, from 1. */
  seq: number;
  at: string;
  atMs: number;
  method: string;
  path: string;
  /** Matched endpoint, or null for unknown paths / methods. */
  route: RouteName | null;
  /** Path id when the route has one. */
  sessionId?: string;
  /** Lower-case header names; `authorization` redacted to its prefix. */
  headers: Record<string, string>;
  /** Parsed JSON body with secrets redacted; undefined when empty or unparseable. */
  body?: unknown;
  /** Response status, or null when no response was sent (reset, hang). */
  status: number | null;
  /** The fault that fired on this request, if any. */
  fault?: string;
  /** Milliseconds until the response head was produced (or the socket fault fired). */
  durationMs?: number;
}

/** Billing summary: Runway bills only while a session is RUNNING. @public */
export interface BillingSummary {
  /** Sessions RUNNING now (accruing). */
  sessionsBilling: number;
  totalBilledSeconds: number;
  perSession: { id: string; status: SessionStatus; billedSeconds: number }[];
}
