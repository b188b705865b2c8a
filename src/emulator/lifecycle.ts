// Session state machine and its timers: NOT_READY → READY → RUNNING → COMPLETED | FAILED | CANCELLED.
import { randomUUID } from 'node:crypto';
import type { ResolvedConfig } from './config.js';
import type { WorkerDriver, WorkerSessionBase, WorkerSignals } from './driver.js';
import { isTerminal, type SessionState, type SessionStore, setStatus } from './store.js';
import { backendIdentity, type TokenMint } from './tokens.js';
import type { SessionVia, TerminalStatus } from './types.js';
import type { CreateBody } from './validation.js';

/**
 * The `failureCode` / `failure` pairs the emulator produces. `noParticipant` is Runway's own
 * (observed); the others are the emulator's choices (Runway documents none).
 * @public
 */
export const FAILURES = {
  noParticipant: {
    code: 'TALKING_AVATAR.NO_PARTICIPANT',
    message: 'No participants joined the session',
  },
  expired: {
    code: 'SESSION.EXPIRED',
    message: 'Session credentials expired before being consumed',
  },
  workerError: { code: 'INTERNAL.WORKER_ERROR', message: 'The avatar worker failed' },
} as const;

/** What the lifecycle needs from the emulator. */
export interface LifecycleDeps {
  config: ResolvedConfig;
  store: SessionStore;
  tokens: TokenMint;
  driver: () => WorkerDriver | undefined;
  onStatus: (s: SessionState) => void;
}

const isByo = (via: SessionVia): via is 'integration' | 'livekit' =>
  via === 'integration' || via === 'livekit';

/** Drives every session through its statuses; each method returns false when it does not apply. */
export class Lifecycle {
  readonly #timers = new Map<string, Map<string, NodeJS.Timeout>>();

  constructor(private readonly deps: LifecycleDeps) {}

  /** Creates a NOT_READY session (queued at first) and schedules READY and, for BYO, the join window. */
  create(body: CreateBody, via: SessionVia): SessionState {
    const cfg = this.deps.config;
    const now = Date.now();
    const s: SessionState = {
      id: randomUUID(),
      via,
      createdAtMs: now,
      body,
      status: 'NOT_READY',
      queued: cfg.queuedMs > 0,
      timeline: [],
      effectiveCapMs: Math.min(cfg.hardCapMs, body.maxDuration * 1000),
      participantPresent: false,
      abort: new AbortController(),
    };
    setStatus(s, 'NOT_READY', now);
    this.deps.store.add(s);
    this.deps.onStatus(s);
    if (s.queued) this.#schedule(s, 'queued', cfg.queuedMs, () => (s.queued = false));
    this.#schedule(s, 'ready', cfg.provisioningMs, () => this.#ready(s));
    if (isByo(via)) this.#schedule(s, 'join', cfg.joinWindowMs, () => this.#noParticipant(s));
    return s;
  }

  /** Marks the READY sessionKey used: stops the expiry clock, starts the join window. */
  consume(s: SessionState): boolean {
    if (s.status !== 'READY' || s.consumedAtMs !== undefined) return false;
    s.consumedAtMs = Date.now();
    this.#clear(s, 'expiry');
    this.#schedule(s, 'join', this.deps.config.joinWindowMs, () => this.#noParticipant(s));
    return true;
  }

  /** A participant is in the room: READY → RUNNING (billing starts, cap armed); RUNNING: present again. */
  joined(s: SessionState): boolean {
    if (s.status === 'RUNNING') {
      s.participantPresent = true;
      return true;
    }
    if (s.status !== 'READY') return false;
    const now = Date.now();
    this.#clear(s, 'join');
    this.#clear(s, 'expiry');
    s.runningSinceMs = now;
    s.participantPresent = true;
    setStatus(s, 'RUNNING', now);
    this.#schedule(s, 'cap', s.effectiveCapMs, () => this.complete(s));
    this.deps.onStatus(s);
    return true;
  }

  /** The participant left: the session stays RUNNING and keeps billing until its cap. */
  left(s: SessionState): boolean {
    if (s.status !== 'RUNNING') return false;
    s.participantPresent = false;
    return true;
  }

  /** END_CALL or the cap: RUNNING → COMPLETED with `duration` (whole seconds RUNNING). */
  complete(s: SessionState): boolean {
    if (s.status !== 'RUNNING') return false;
    const now = Date.now();
    const duration = Math.round((now - (s.runningSinceMs ?? now)) / 1000);
    this.#finish(s, 'COMPLETED', now, () => (s.duration = duration));
    return true;
  }

  /** Any non-terminal status → FAILED. */
  fail(s: SessionState, failureCode: string, failure: string): boolean {
    if (isTerminal(s.status)) return false;
    this.#finish(s, 'FAILED', Date.now(), () => {
      s.failureCode = failureCode;
      s.failure = failure;
    });
    return true;
  }

  /** READY credentials expire: → FAILED `SESSION.EXPIRED`. */
  expire(s: SessionState): boolean {
    if (s.status !== 'READY') return false;
    return this.fail(s, FAILURES.expired.code, FAILURES.expired.message);
  }

  /** DELETE: any non-terminal status → CANCELLED. */
  cancel(s: SessionState): boolean {
    if (isTerminal(s.status)) return false;
    this.#finish(s, 'CANCELLED', Date.now(), () => {});
    return true;
  }

  /** Drops a session's timers and stops its worker without a status change (reset / close). */
  dispose(s: SessionState): void {
    this.#clearAll(s);
    if (isTerminal(s.status)) return;
    s.abort.abort();
    this.#stopDriver(s, 'DISPOSED');
  }

  /** Signals handed to a worker for one session. */
  signalsFor(s: SessionState): WorkerSignals {
    return {
      joined: () => this.joined(s),
      left: () => this.left(s),
      endCall: () => this.complete(s),
      fail: (code, message) => this.fail(s, code, message),
    };
  }

  #ready(s: SessionState): void {
    if (s.status !== 'NOT_READY') return;
    const cfg = this.deps.config;
    const now = Date.now();
    s.queued = false;
    s.expiresAtMs = now + cfg.readyLifetimeMs;
    s.sessionKey = this.deps.tokens.sessionKey(s.id, s.expiresAtMs);
    setStatus(s, 'READY', now);
    if (!isByo(s.via)) this.#schedule(s, 'expiry', cfg.readyLifetimeMs, () => this.expire(s));
    this.deps.onStatus(s);
    void this.#startDriver(s);
  }

  #noParticipant(s: SessionState): void {
    if (s.status === 'NOT_READY' || s.status === 'READY') {
      this.fail(s, FAILURES.noParticipant.code, FAILURES.noParticipant.message);
    }
  }

  #finish(s: SessionState, status: TerminalStatus, now: number, set: () => void): void {
    this.#clearAll(s);
    set();
    s.endedAtMs = now;
    s.participantPresent = false;
    setStatus(s, status, now);
    s.abort.abort();
    this.deps.onStatus(s);
    this.#stopDriver(s, status);
  }

  async #startDriver(s: SessionState): Promise<void> {
    const driver = this.deps.driver();
    if (!driver) return;
    const { body } = s;
    const base: WorkerSessionBase = {
      sessionId: s.id,
      via: s.via,
      avatar: body.avatar,
      maxDurationS: body.maxDuration,
      effectiveCapMs: s.effectiveCapMs,
      ...(body.personality === undefined ? {} : { personality: body.personality }),
      ...(body.startScript === undefined ? {} : { startScript: body.startScript }),
      tools: body.tools,
      signal: s.abort.signal,
      signals: this.signalsFor(s),
    };
    try {
      if (s.via === 'integration' || s.via === 'livekit') {
        const lk = s.via === 'livekit' ? body.livekit : body.integration;
        if (!lk || !('roomName' in lk)) return;
        const { url, token, roomName, agentIdentity } = lk;
        const livekit = { url, token, roomName, ...(agentIdentity ? { agentIdentity } : {}) };
        await driver.startByoSession({ ...base, via: s.via, livekit });
        return;
      }
      const cfg = this.deps.config;
      if (!cfg.livekit) return;
      const ttlS =
        Math.ceil((cfg.readyLifetimeMs + cfg.joinWindowMs + s.effectiveCapMs) / 1000) + 60;
      const worker = await this.deps.tokens.workerToken(s.id, cfg.livekit, ttlS);
      if (s.status !== 'READY') return;
      const signedUrl = body.integration?.type === 'elevenlabs' ? body.integration.signedUrl : '';
      await driver.startHostedSession({
        ...base,
        via: s.via,
        livekit: {
          url: cfg.livekit.url,
          token: worker.token,
          roomName: s.id,
          identity: worker.identity,
          backendIdentity: backendIdentity(s.id),
        },
        ...(s.via === 'elevenlabs' ? { elevenlabs: { signedUrl } } : {}),
      });
    } catch {
      this.fail(s, FAILURES.workerError.code, FAILURES.workerError.message);
    }
  }

  #stopDriver(s: SessionState, status: TerminalStatus | 'DISPOSED'): void {
    const driver = this.deps.driver();
    if (!driver) return;
    try {
      void Promise.resolve(driver.stop(s.id, status)).catch(() => {});
    } catch {
      // A throwing stop must not break the state machine.
    }
  }

  #schedule(s: SessionState, name: string, delayMs: number, fn: () => void): void {
    this.#clear(s, name);
    let byName = this.#timers.get(s.id);
    if (!byName) {
      byName = new Map();
      this.#timers.set(s.id, byName);
    }
    const timer = setTimeout(() => {
      byName.delete(name);
      fn();
    }, delayMs);
    timer.unref();
    byName.set(name, timer);
  }

  #clear(s: SessionState, name: string): void {
    const byName = this.#timers.get(s.id);
    const timer = byName?.get(name);
    if (timer) clearTimeout(timer);
    byName?.delete(name);
  }

  #clearAll(s: SessionState): void {
    for (const timer of this.#timers.get(s.id)?.values() ?? []) clearTimeout(timer);
    this.#timers.delete(s.id);
  }
}
