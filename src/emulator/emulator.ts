// The Emulator object: state, the fetch app, introspection, control hooks and typed events.
import { EventEmitter } from 'node:events';
import { type AppFetch, type AppFetchInit, createApp } from './app.js';
import { checkMode, checkRefusalWording, type ResolvedConfig } from './config.js';
import type { ToolCallRequestOptions, WorkerDriver } from './driver.js';
import { FaultBook } from './faults.js';
import { Lifecycle } from './lifecycle.js';
import {
  billedMs,
  isTerminal,
  RequestLog,
  type SessionState,
  SessionStore,
  snapshot,
} from './store.js';
import { TokenMint } from './tokens.js';
import { NoRunningCharacter, type ToolArgs, type ToolCallOutcome } from './tools.js';
import type {
  BillingSummary,
  EmulatedSession,
  EmulatorMode,
  RecordedRequest,
  RefusalWording,
  SessionStatus,
} from './types.js';

/** Events of an {@link Emulator}. @public */
export interface EmulatorEvents {
  /** A session changed status (queued changes are not statuses). */
  status: [id: string, status: SessionStatus, session: EmulatedSession];
  /** A request was answered, or its socket reset / abandoned (then `status` is null). */
  request: [entry: RecordedRequest];
}

type Listener<K extends keyof EmulatorEvents> = (...args: EmulatorEvents[K]) => void;

/** A Runway realtime-sessions emulator (see `startEmulator`). @public */
export class Emulator {
  /** Installed fault scripts: `faults.add({ route, kind, … })`, `faults.clear()`, `faults.list()`. */
  readonly faults = new FaultBook();
  readonly #config: ResolvedConfig;
  readonly #store = new SessionStore();
  readonly #log: RequestLog;
  readonly #lifecycle: Lifecycle;
  readonly #events = new EventEmitter();
  readonly #closed = new AbortController();
  readonly #app: AppFetch;
  #driver: WorkerDriver | undefined;
  #url = '';

  /** Internal: use `startEmulator`. */
  constructor(config: ResolvedConfig, driver?: WorkerDriver) {
    this.#config = config;
    this.#driver = driver;
    this.#log = new RequestLog(config.maxRequestLog);
    const tokens = new TokenMint();
    this.#lifecycle = new Lifecycle({
      config,
      store: this.#store,
      tokens,
      driver: () => this.#driver,
      onStatus: (s) => this.#emit('status', s.id, s.status, snapshot(s, Date.now())),
    });
    this.#app = createApp({
      config,
      store: this.#store,
      lifecycle: this.#lifecycle,
      tokens,
      faults: this.faults,
      requests: this.#log,
      closed: this.#closed.signal,
      onRequest: (entry) => this.#emit('request', { ...entry }),
      control: {
        apiKey: config.apiKey,
        callTool: (id, name, args, opts) => this.callTool(id, name, args, opts),
        emitClientEvent: (id, name, args, opts) => this.emitClientEvent(id, name, args, opts),
      },
    });
  }

  /** Base URL, `http://127.0.0.1:<port>` (empty until listening). */
  get url(): string {
    return this.#url;
  }

  /** Internal: set by the node server once listening. */
  set url(value: string) {
    this.#url = value;
  }

  /** The API key clients must send as `Authorization: Bearer <apiKey>`. */
  get apiKey(): string {
    return this.#config.apiKey;
  }

  /** The accepted create shapes. */
  get mode(): EmulatorMode {
    return this.#config.mode;
  }

  /** Switches the accepted create shapes for later requests (throws a TypeError on a bad mode). */
  setMode(mode: EmulatorMode): void {
    this.#config.mode = checkMode(mode);
  }

  /** Wording of the refusal of an unknown top-level create key. */
  get refusalWording(): RefusalWording {
    return this.#config.refusalWording;
  }

  /** Switches the refusal wording for later requests (throws a TypeError on a bad one). */
  setRefusalWording(wording: RefusalWording): void {
    this.#config.refusalWording = checkRefusalWording(wording);
  }

  /** Installs (or removes, with undefined) the avatar worker used for sessions reaching READY later. */
  setDriver(driver: WorkerDriver | undefined): void {
    this.#driver = driver;
  }

  /** Aborted when the emulator closes. */
  get closedSignal(): AbortSignal {
    return this.#closed.signal;
  }

  /** The app without a socket: answers a fetch Request (socket faults reject with SocketFault). */
  fetch(request: Request, init?: AppFetchInit): Promise<Response> {
    return this.#app(request, init);
  }

  /** Every request so far, oldest first (secrets redacted). */
  get requests(): RecordedRequest[] {
    return this.#log.list();
  }

  /** Snapshots of every session, in creation order. */
  sessions(): EmulatedSession[] {
    const now = Date.now();
    return this.#store.all().map((s) => snapshot(s, now));
  }

  /** Snapshot of one session, or undefined. */
  session(id: string): EmulatedSession | undefined {
    const s = this.#store.get(id);
    return s ? snapshot(s, Date.now()) : undefined;
  }

  /** Billing summary: seconds RUNNING per session and in total. */
  billing(): BillingSummary {
    const now = Date.now();
    const perSession = this.#store.all().map((s) => ({
      id: s.id,
      status: s.status,
      billedSeconds: billedMs(s, now) / 1000,
    }));
    return {
      sessionsBilling: perSession.filter((p) => p.status === 'RUNNING').length,
      totalBilledSeconds: perSession.reduce((sum, p) => sum + p.billedSeconds, 0),
      perSession,
    };
  }

  /** A participant joined: READY → RUNNING (throws if the session is not READY or RUNNING). */
  markJoined(id: string): void {
    this.#control('markJoined', id, (s) => this.#lifecycle.joined(s));
  }

  /** The participant left; the session stays RUNNING (throws unless RUNNING). */
  markLeft(id: string): void {
    this.#control('markLeft', id, (s) => this.#lifecycle.left(s));
  }

  /** END_CALL: RUNNING → COMPLETED with `duration` (throws unless RUNNING). */
  complete(id: string): void {
    this.#control('complete', id, (s) => this.#lifecycle.complete(s));
  }

  /** Any non-terminal status → FAILED with these fields (throws if terminal). */
  fail(id: string, failureCode: string, failure: string): void {
    this.#control('fail', id, (s) => this.#lifecycle.fail(s, failureCode, failure));
  }

  /** READY credentials expire now → FAILED `SESSION.EXPIRED` (throws unless READY). */
  expire(id: string): void {
    this.#control('expire', id, (s) => this.#lifecycle.expire(s));
  }

  /**
   * Makes the session's hosted character call its declared `backend_rpc` tool `name` now, over real
   * LiveKit RPC from `worker:<id>` to the hidden handler `backend:<id>` (response timeout: the tool's
   * `timeoutSeconds`, default 4), then say a short line with the result. Resolves with what the
   * handler returned (`kind: 'result'`), its error (`'error'`) or `'timeout'`. Rejects with
   * `NoRunningCharacter` (unknown session, ended, no worker running, bring-your-own-room) or
   * `ToolCallRefused` (not declared, a `client_event` tool, args not fitting unless `unchecked`).
   */
  async callTool(
    id: string,
    name: string,
    args: ToolArgs = {},
    opts?: ToolCallRequestOptions,
  ): Promise<ToolCallOutcome> {
    const driver = this.#toolDriver(id);
    if (!driver.callTool) throw new NoRunningCharacter(id, 'the worker driver cannot call tools');
    return driver.callTool(id, name, args, opts);
  }

  /**
   * Makes the session's hosted character emit its declared `client_event` tool `name`:
   * `{"type":"client_event","tool":name,"args":args}` on the room's data channel (reliable).
   * Resolves once sent; rejects like {@link callTool}.
   */
  async emitClientEvent(
    id: string,
    name: string,
    args: ToolArgs = {},
    opts?: ToolCallRequestOptions,
  ): Promise<void> {
    const driver = this.#toolDriver(id);
    if (!driver.emitClientEvent) {
      throw new NoRunningCharacter(id, 'the worker driver cannot emit client events');
    }
    await driver.emitClientEvent(id, name, args, opts);
  }

  #toolDriver(id: string): WorkerDriver {
    const s = this.#store.get(id);
    if (!s) throw new NoRunningCharacter(id, 'no such session', 'unknown_session');
    if (s.status !== 'READY' && s.status !== 'RUNNING') {
      throw new NoRunningCharacter(id, `the session is ${s.status}`);
    }
    if (s.via === 'integration' || s.via === 'livekit') {
      throw new NoRunningCharacter(id, 'a bring-your-own-room session has no hosted character');
    }
    if (!this.#driver) throw new NoRunningCharacter(id, 'the emulator runs no avatar worker');
    return this.#driver;
  }

  /**
   * Resolves with the snapshot once the session has shown `status` (at once if its timeline
   * already holds it); rejects when it ends in another status or after `timeoutMs` (default 5000).
   */
  waitForStatus(id: string, status: SessionStatus, timeoutMs = 5000): Promise<EmulatedSession> {
    return new Promise((resolve, reject) => {
      const settle = (): boolean => {
        const s = this.#store.get(id);
        if (!s) return false;
        if (s.timeline.some((t) => t.status === status)) {
          cleanup();
          resolve(snapshot(s, Date.now()));
          return true;
        }
        if (isTerminal(s.status)) {
          cleanup();
          reject(new Error(`session ${id} ended ${s.status} while waiting for ${status}`));
          return true;
        }
        return false;
      };
      const onStatus: Listener<'status'> = (changed) => {
        if (changed === id) settle();
      };
      const timer = setTimeout(() => {
        cleanup();
        const now = this.#store.get(id)?.status ?? 'unknown';
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${status} (now ${now})`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.off('status', onStatus);
      };
      this.on('status', onStatus);
      settle();
    });
  }

  /** Forgets every session (timers stopped, workers told DISPOSED) and the request log. */
  reset(): void {
    for (const s of this.#store.all()) this.#lifecycle.dispose(s);
    this.#store.clear();
    this.#log.clear();
  }

  /** Adds an event listener. */
  on<K extends keyof EmulatorEvents>(event: K, listener: Listener<K>): this {
    this.#events.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  /** Adds a one-time event listener. */
  once<K extends keyof EmulatorEvents>(event: K, listener: Listener<K>): this {
    this.#events.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  /** Removes an event listener. */
  off<K extends keyof EmulatorEvents>(event: K, listener: Listener<K>): this {
    this.#events.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  /** Internal: stops timers and workers and aborts hung requests (the node server closes sockets). */
  shutdown(): void {
    if (this.#closed.signal.aborted) return;
    this.#closed.abort();
    for (const s of this.#store.all()) this.#lifecycle.dispose(s);
  }

  #emit<K extends keyof EmulatorEvents>(event: K, ...args: EmulatorEvents[K]): void {
    try {
      this.#events.emit(event, ...args);
    } catch (err) {
      // A throwing listener must not break the state machine or a request.
      process.emitWarning(`runway emulator ${event} listener threw: ${String(err)}`);
    }
  }

  #control(name: string, id: string, act: (s: SessionState) => boolean): void {
    const s = this.#store.get(id);
    if (!s) throw new Error(`${name}: no session ${id}`);
    if (!act(s)) throw new Error(`${name}: not applicable to session ${id} in status ${s.status}`);
  }
}
