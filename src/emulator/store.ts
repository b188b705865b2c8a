// In-memory sessions (status, timeline, billing) and the request log, with their public views.
import { redactBody } from './redact.js';
import type {
  EmulatedSession,
  RecordedRequest,
  SessionStatus,
  SessionVia,
  TimelineEntry,
} from './types.js';
import type { CreateBody } from './validation.js';

/** Mutable state of one session (internal: holds the sessionKey and the LiveKit token). */
export interface SessionState {
  id: string;
  via: SessionVia;
  createdAtMs: number;
  body: CreateBody;
  status: SessionStatus;
  queued: boolean;
  timeline: TimelineEntry[];
  effectiveCapMs: number;
  sessionKey?: string;
  expiresAtMs?: number;
  consumedAtMs?: number;
  runningSinceMs?: number;
  endedAtMs?: number;
  participantPresent: boolean;
  duration?: number;
  failure?: string;
  failureCode?: string;
  /** Aborted at the terminal transition (or dispose): the worker's cue to leave. */
  abort: AbortController;
}

const TERMINAL: readonly SessionStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED'];

/** True for COMPLETED, FAILED and CANCELLED. */
export function isTerminal(status: SessionStatus): boolean {
  return TERMINAL.includes(status);
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Milliseconds billed so far: the RUNNING stint, until the end or `nowMs`. */
export function billedMs(s: SessionState, nowMs: number): number {
  if (s.runningSinceMs === undefined) return 0;
  return Math.max(0, (s.endedAtMs ?? nowMs) - s.runningSinceMs);
}

/**
 * The `GET /v1/realtime_sessions/{id}` body: exactly the fields of the status's OpenAPI variant
 * (`queued` is present as a boolean while NOT_READY).
 */
export function publicView(s: SessionState): Record<string, unknown> {
  const base = { id: s.id, createdAt: iso(s.createdAtMs), status: s.status };
  switch (s.status) {
    case 'NOT_READY':
      return { ...base, queued: s.queued };
    case 'READY':
      return { ...base, expiresAt: iso(s.expiresAtMs ?? 0), sessionKey: s.sessionKey };
    case 'COMPLETED':
      return { ...base, duration: s.duration ?? 0 };
    case 'FAILED':
      return { ...base, failure: s.failure ?? '', failureCode: s.failureCode ?? '' };
    default:
      return base;
  }
}

/** The introspection snapshot of a session (secrets redacted, no sessionKey). */
export function snapshot(s: SessionState, nowMs: number): EmulatedSession {
  const body = redactBody(s.body) as Record<string, unknown>;
  return {
    id: s.id,
    via: s.via,
    status: s.status,
    ...(s.status === 'NOT_READY' ? { queued: s.queued } : {}),
    createdAt: iso(s.createdAtMs),
    body,
    avatar: body.avatar,
    maxDuration: s.body.maxDuration,
    effectiveCapMs: s.effectiveCapMs,
    timeline: s.timeline.map((t) => ({ ...t })),
    ...(s.expiresAtMs === undefined ? {} : { expiresAt: iso(s.expiresAtMs) }),
    consumed: s.consumedAtMs !== undefined,
    participantPresent: s.participantPresent,
    billedSeconds: billedMs(s, nowMs) / 1000,
    ...(s.duration === undefined ? {} : { duration: s.duration }),
    ...(s.failure === undefined ? {} : { failure: s.failure, failureCode: s.failureCode }),
  };
}

/** Sessions by id, in creation order. */
export class SessionStore {
  readonly #sessions = new Map<string, SessionState>();

  add(s: SessionState): void {
    this.#sessions.set(s.id, s);
  }

  get(id: string): SessionState | undefined {
    return this.#sessions.get(id);
  }

  all(): SessionState[] {
    return [...this.#sessions.values()];
  }

  clear(): void {
    this.#sessions.clear();
  }
}

/** Appends a timeline entry and sets the status. */
export function setStatus(s: SessionState, status: SessionStatus, nowMs: number): void {
  s.status = status;
  s.timeline.push({ status, at: iso(nowMs), atMs: nowMs });
}

/** Bounded request log (oldest dropped first). */
export class RequestLog {
  readonly #entries: RecordedRequest[] = [];
  #seq = 0;

  constructor(private readonly max: number) {}

  /** Records an entry (its `seq` is assigned here) and returns it for later completion. */
  push(entry: Omit<RecordedRequest, 'seq'>): RecordedRequest {
    const full: RecordedRequest = { seq: ++this.#seq, ...entry };
    this.#entries.push(full);
    if (this.#entries.length > this.max) this.#entries.shift();
    return full;
  }

  /** Copies of the entries, oldest first. */
  list(): RecordedRequest[] {
    return this.#entries.map((e) => ({ ...e, headers: { ...e.headers } }));
  }

  clear(): void {
    this.#entries.length = 0;
  }
}
