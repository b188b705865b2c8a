// The one owner of an AvatarSession's life: every Runway session created for it (through the ledger) and
// every operation in flight (start, renewal, respawn, loss handling), with explicit states. Closing aborts
// them all and resolves only when no session it created is still alive. The agent's audio always goes
// through one AudioRouter, so no speech is written into a dead sink.
import { voice } from '@livekit/agents';
import type { RunwayClient } from '../api/client.js';
import type { SessionLedger } from '../ending/ledger.js';
import { closedError, RunwayAvatarError, RunwayOptionError } from '../errors.js';
import type { EmitEvent } from '../events.js';
import { AudioRouter } from '../livekit/audio_router.js';
import { log } from '../log.js';
import type { ResolvedOptions } from '../options.js';
import type { ActiveAvatar } from '../strategies/strategy.js';
import { renewalPlan, respawnDelayMs } from './renewal.js';

/** How often a pause is looked for once the renewal window is open, ms. */
const PAUSE_CHECK_MS = 100;

/**
 * The owner's states. `idle` → `starting` → `shown` (or `audio-only`) ⇄ `replacing` → `ending` → `ended`;
 * a start that fails goes back to `idle` (it may be retried), a close from any state goes to `ending`.
 */
export type OwnerState =
  | 'idle'
  | 'starting'
  | 'shown'
  | 'audio-only'
  | 'replacing'
  | 'ending'
  | 'ended';

/** A sink on a plain room audio track (the agent heard without an avatar). */
export interface RoomAudioSink extends voice.AudioOutput {
  close(): Promise<void>;
}

/** What one start needs: the agent's side, and how to start the avatar and the plain room audio. */
export interface OwnerRun {
  agentSession: {
    output: { setAudioEnabled(enabled: boolean): void };
    close(): Promise<void>;
    /** Interrupts the agent's current speech (agents-js `AgentSession.interrupt`). */
    interrupt(): unknown;
  };
  /** Starts the configured strategy; every request and connect inside listens to `signal`. */
  startAvatar(signal: AbortSignal): Promise<ActiveAvatar>;
  /** Publishes the plain room audio track (when the avatar is lost, or never came). */
  openRoomAudio(): Promise<RoomAudioSink>;
}

/** What the owner is built with. */
export interface OwnerDeps {
  client: Pick<RunwayClient, 'retrieveSession'>;
  options: Pick<
    ResolvedOptions,
    | 'renew'
    | 'sessionCapMs'
    | 'renewLeadMs'
    | 'onAvatarLost'
    | 'respawnAttempts'
    | 'fallbackToAudioOnly'
    | 'connOptions'
  >;
  sessions: SessionLedger;
  emit: EmitEvent;
  /** Sample rate of the agent's audio towards the avatar. */
  sampleRate: number;
}

/** Owns the avatar's whole life; see the file comment. */
export class AvatarOwner {
  #state: OwnerState = 'idle';
  readonly #abort = new AbortController();
  #run: OwnerRun | undefined;
  #router: AudioRouter | undefined;
  #active: ActiveAvatar | undefined;
  #offLost: (() => void) | undefined;
  #renewTimer: ReturnType<typeof setTimeout> | undefined;
  #roomAudio: Promise<RoomAudioSink> | undefined;
  #replacing: Promise<void> | undefined;
  readonly #ops = new Set<Promise<unknown>>();
  #closing: Promise<void> | undefined;
  #logger = log();

  constructor(private readonly deps: OwnerDeps) {}

  /** The current state. */
  get state(): OwnerState {
    return this.#state;
  }

  /** The Runway session shown now, if any. */
  get active(): ActiveAvatar | undefined {
    return this.#active;
  }

  /** The agent's one audio output (after a successful start). */
  get router(): AudioRouter | undefined {
    return this.#router;
  }

  /** True when the agent speaks on a plain room audio track (no avatar). */
  get audioOnly(): boolean {
    return this.#state === 'audio-only';
  }

  /** True once close has begun: no start is accepted any more. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  #setState(to: OwnerState): void {
    if (to === this.#state) return;
    this.#logger.debug({ from: this.#state, to }, 'Runway avatar state changed');
    this.#state = to;
  }

  /** Runs `op` as one of the operations close waits for. */
  #track<T>(op: Promise<T>): Promise<T> {
    this.#ops.add(op);
    const forget = () => this.#ops.delete(op);
    op.then(forget, forget);
    return op;
  }

  /**
   * Starts the avatar. Throws `ALREADY_STARTED` unless idle, `CLOSED` (before any request) after close;
   * rejects with `CLOSED` when closed while starting. A start that fails otherwise leaves the owner idle,
   * with every session it created ended, so it may be retried.
   */
  async start(run: OwnerRun): Promise<void> {
    if (this.#closing) throw closedError('start() after close');
    if (this.#state !== 'idle')
      throw new RunwayAvatarError('ALREADY_STARTED', 'AvatarSession.start() was called twice');
    this.#run = run;
    this.#setState('starting');
    try {
      await this.#track(this.#startAvatar(run));
    } catch (error) {
      if (this.#closing) throw this.#abort.signal.reason;
      // A strategy ends what it created before it throws (the contract); whatever it could not is ended
      // here, so a start that may be retried leaves nothing alive behind.
      await this.deps.sessions.sweep(this.deps.options.connOptions.timeoutMs);
      this.#setState('idle');
      throw error;
    }
  }

  async #startAvatar(run: OwnerRun): Promise<void> {
    const { signal } = this.#abort;
    let active: ActiveAvatar | undefined;
    try {
      active = await run.startAvatar(signal);
      if (signal.aborted) {
        // Closed as the start completed: this session is ended here (close waits for this operation).
        await active.end('closed during start');
        throw signal.reason;
      }
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (!this.deps.options.fallbackToAudioOnly || RunwayOptionError.is(error)) throw error;
      this.#logger.warn(
        { error: String(error) },
        'Runway avatar could not start; the agent speaks without an avatar (fallbackToAudioOnly)',
      );
    }
    const { sampleRate } = this.deps;
    this.#router = new AudioRouter(
      sampleRate,
      active?.audioOutput ?? new voice.QueueAudioOutput(sampleRate),
    );
    if (active) this.#adopt(active);
    else {
      await this.#toRoomAudio();
      if (signal.aborted) throw signal.reason;
      this.#setState('audio-only');
    }
  }

  #adopt(active: ActiveAvatar): void {
    this.#offLost?.();
    this.#active = active;
    this.#router!.switchTo(active.audioOutput);
    this.#run!.agentSession.output.setAudioEnabled(!active.mutesAgent);
    this.#offLost = active.onLost((reason) => void this.#track(this.#onLost(active, reason)));
    this.#setState('shown');
    this.#scheduleRenewal();
  }

  #scheduleRenewal(): void {
    clearTimeout(this.#renewTimer);
    const { renew, sessionCapMs, renewLeadMs } = this.deps.options;
    if (!renew || this.#closing) return;
    const plan = renewalPlan(sessionCapMs, renewLeadMs);
    const startedAt = Date.now();
    // From the window's opening, the next segment waits at its first frame; the handover starts once
    // the segment playing now has finished (a pause), or at the forced time whatever is playing.
    const check = () => {
      const router = this.#router;
      if (this.#closing || !this.#active || !router) return;
      router.holdNextSegment();
      if (router.idle || Date.now() - startedAt >= plan.forceAtMs) {
        void this.#replace('renewal').finally(() => router.release());
        return;
      }
      this.#renewTimer = setTimeout(check, PAUSE_CHECK_MS);
    };
    this.#renewTimer = setTimeout(check, plan.openAtMs);
  }

  /** Replaces the current session; on failure the current one stays (a later loss is handled then). */
  #replace(reason: 'renewal' | 'respawn'): Promise<void> {
    const current = this.#active;
    if (!current || this.#replacing) return this.#replacing ?? Promise.resolve();
    this.#offLost?.(); // the old worker's departure is expected now
    this.#setState('replacing');
    this.#replacing = this.#track(
      current.replace(reason).then(
        async (next) => {
          if (this.#closing) return void (await next.end('closed during renewal'));
          this.#adopt(next);
          this.deps.emit('session_renewed', {
            previousSessionId: current.sessionId,
            sessionId: next.sessionId,
            reason,
          });
        },
        (error: unknown) => {
          if (this.#closing) return;
          this.#logger.error(
            { error: String(error), sessionId: current.sessionId },
            'Runway session renewal failed',
          );
          this.#offLost = current.onLost((r) => void this.#track(this.#onLost(current, r)));
          this.#setState('shown');
        },
      ),
    ).finally(() => {
      this.#replacing = undefined;
    });
    return this.#replacing;
  }

  async #onLost(lost: ActiveAvatar, reason: string): Promise<void> {
    if (this.#closing || lost !== this.#active) return;
    clearTimeout(this.#renewTimer);
    this.#offLost?.();
    this.#offLost = undefined;
    this.#active = undefined;
    // Before any await: the user stopped hearing the avatar now. Speech still playing is reported at the
    // position heard, and the agent's turn is interrupted, so its history holds only what was heard.
    const cutSpeech = this.#router?.idle === false;
    lost.cutPlayout();
    if (cutSpeech) this.#interruptAgent();
    const status = await this.deps.client
      .retrieveSession(lost.sessionId, {
        signal: AbortSignal.any([
          this.#abort.signal,
          AbortSignal.timeout(this.deps.options.connOptions.timeoutMs),
        ]),
      })
      .catch(() => undefined);
    const detail =
      status?.status === 'FAILED'
        ? { status: status.status, failureCode: status.failureCode }
        : { status: status?.status };
    this.#logger.warn({ sessionId: lost.sessionId, reason, ...detail }, 'Runway avatar lost');
    this.deps.emit('avatar_lost', { sessionId: lost.sessionId, reason, ...detail });
    if (this.#closing) return; // the ledger ends `lost`
    const policy = this.deps.options.onAvatarLost;
    if (policy === 'close') {
      await lost.end('avatar lost', { workerGone: true });
      // Not awaited: closing the agent session closes this owner, which waits for this very operation.
      this.#run!.agentSession.close().catch((error: unknown) => {
        this.#logger.error({ error: String(error) }, 'closing the agent session failed');
      });
      return;
    }
    // Meanwhile (and for good with 'audio-only'), the agent is heard on a room audio track.
    this.#setState(policy === 'respawn' ? 'replacing' : 'audio-only');
    await this.#toRoomAudio();
    if (policy === 'respawn') await this.#respawn(lost);
    else await lost.end('avatar lost', { workerGone: true });
  }

  async #respawn(lost: ActiveAvatar): Promise<void> {
    const { respawnAttempts } = this.deps.options;
    for (let attempt = 1; attempt <= respawnAttempts && !this.#closing; attempt++) {
      try {
        const next = await lost.replace('respawn');
        if (this.#closing) return void (await next.end('closed during respawn'));
        this.#adopt(next);
        this.deps.emit('session_renewed', {
          previousSessionId: lost.sessionId,
          sessionId: next.sessionId,
          reason: 'respawn',
        });
        return;
      } catch (error) {
        if (this.#closing) return;
        this.#logger.warn({ error: String(error), attempt }, 'Runway avatar respawn failed');
        if (attempt < respawnAttempts) await this.#sleep(respawnDelayMs(attempt));
      }
    }
    if (this.#closing) return; // the ledger ends `lost`
    this.#setState('audio-only');
    await lost.end('respawn gave up', { workerGone: true });
    this.#logger.error('Runway avatar could not be respawned; the agent goes on without an avatar');
  }

  #interruptAgent(): void {
    try {
      this.#run!.agentSession.interrupt();
    } catch (error) {
      // Not running, or the speech playing disallows interruptions: it stays as agents-js reports it.
      this.#logger.debug({ error: String(error) }, 'could not interrupt the cut speech');
    }
  }

  /** Waits `ms`, or until close. */
  #sleep(ms: number): Promise<void> {
    const { signal } = this.#abort;
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
    });
  }

  /** Routes the agent's speech to a plain room audio track (published once, on demand). */
  async #toRoomAudio(): Promise<void> {
    this.#roomAudio ??= this.#run!.openRoomAudio();
    const sink = await this.#roomAudio;
    if (this.#closing) return;
    this.#router!.switchTo(sink);
    this.#run!.agentSession.output.setAudioEnabled(true);
  }

  /**
   * Closes: stops renewals and loss handling, sends the current session's END_CALL before returning its
   * promise (call it synchronously from the agent session's close event: agents-js disconnects the room
   * right after), aborts every operation in flight, and resolves once every session this owner created
   * was ended or its end was attempted and logged. Never throws; idempotent.
   */
  close(reason: string): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#setState('ending');
    clearTimeout(this.#renewTimer);
    this.#router?.release();
    this.#offLost?.();
    const active = this.#active;
    this.#active = undefined;
    const ending = active?.end(reason); // synchronous up to END_CALL
    this.#abort.abort(closedError(reason));
    this.#closing = (async () => {
      await ending;
      await Promise.allSettled([...this.#ops]);
      await this.deps.sessions.sweep(this.deps.options.connOptions.timeoutMs);
      const roomAudio = await this.#roomAudio?.catch(() => undefined);
      await roomAudio?.close().catch(() => {});
      this.#setState('ended');
    })();
    return this.#closing;
  }
}
