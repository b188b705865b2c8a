// Keeps the avatar alive for the whole conversation: renews the Runway session before its cap (in a pause
// between the agent's speech segments), and reacts when the avatar is lost (respawn, audio only, close).
// The agent's audio always goes through one AudioRouter, so no speech is written into a dead sink.
import { voice } from '@livekit/agents';
import { type Room, TrackPublishOptions, TrackSource } from '@livekit/rtc-node';
import type { RunwayClient } from '../api/client.js';
import { AudioRouter } from '../livekit/audio_router.js';
import { log } from '../log.js';
import type { ResolvedOptions } from '../options.js';
import type { ActiveAvatar } from '../strategies/strategy.js';

/** How often a pause is looked for once the renewal window is open, ms. */
const PAUSE_CHECK_MS = 100;
/** First respawn backoff, ms (doubles per attempt). */
const RESPAWN_BACKOFF_MS = 500;

/** When renewal may start (in a pause) and when it is forced, ms after the session started. Pure. */
export function renewalPlan(
  capMs: number,
  leadMs: number,
): { openAtMs: number; forceAtMs: number } {
  return { openAtMs: capMs - leadMs, forceAtMs: capMs - leadMs / 4 };
}

/** What the supervisor needs from the AvatarSession. */
export interface SupervisorDeps {
  agentSession: voice.AgentSession;
  room: Room;
  client: RunwayClient;
  options: ResolvedOptions;
  emit: (event: string, payload: unknown) => void;
}

/** Owns the current {@link ActiveAvatar}; see the file comment. */
export class AvatarSupervisor {
  readonly router: AudioRouter;
  #active: ActiveAvatar | undefined;
  #offLost: (() => void) | undefined;
  #renewTimer: ReturnType<typeof setTimeout> | undefined;
  #roomAudio: voice.ParticipantAudioOutput | undefined;
  #replacing: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #closed = false;
  #logger = log();

  /** `active` undefined: the agent speaks without an avatar from the start (fallbackToAudioOnly). */
  constructor(
    private readonly deps: SupervisorDeps,
    active: ActiveAvatar | undefined,
    sampleRate: number,
  ) {
    this.router = new AudioRouter(
      sampleRate,
      active?.audioOutput ?? new voice.QueueAudioOutput(sampleRate),
    );
    if (active) this.#adopt(active);
  }

  /** The Runway session shown now, if any. */
  get active(): ActiveAvatar | undefined {
    return this.#active;
  }

  /** True when the agent speaks on a plain room audio track (no avatar). */
  get audioOnly(): boolean {
    return this.#active === undefined && !this.#closed;
  }

  #adopt(active: ActiveAvatar): void {
    this.#offLost?.();
    this.#active = active;
    this.router.switchTo(active.audioOutput);
    this.deps.agentSession.output.setAudioEnabled(!active.mutesAgent);
    this.#offLost = active.onLost((reason) => void this.#onLost(active, reason));
    this.#scheduleRenewal();
  }

  #scheduleRenewal(): void {
    clearTimeout(this.#renewTimer);
    const { renew, sessionCapMs, renewLeadMs } = this.deps.options;
    if (!renew || this.#closed) return;
    const plan = renewalPlan(sessionCapMs, renewLeadMs);
    const startedAt = Date.now();
    // From the window's opening, the next segment waits at its first frame; the handover starts once
    // the segment playing now has finished (a pause), or at the forced time whatever is playing.
    const check = () => {
      if (this.#closed || !this.#active) return;
      this.router.holdNextSegment();
      const elapsed = Date.now() - startedAt;
      if (this.router.idle || elapsed >= plan.forceAtMs) {
        void this.#replace('renewal').finally(() => this.router.release());
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
    this.#replacing = current
      .replace(reason)
      .then((next) => {
        if (this.#closed) return next.end('closed during renewal');
        this.#adopt(next);
        this.deps.emit('session_renewed', {
          previousSessionId: current.sessionId,
          sessionId: next.sessionId,
          reason,
        });
      })
      .catch((error: unknown) => {
        this.#logger.error(
          { error: String(error), sessionId: current.sessionId },
          'Runway session renewal failed',
        );
        if (!this.#closed) this.#offLost = current.onLost((r) => void this.#onLost(current, r));
      })
      .finally(() => {
        this.#replacing = undefined;
      });
    return this.#replacing;
  }

  async #onLost(lost: ActiveAvatar, reason: string): Promise<void> {
    if (this.#closed || lost !== this.#active) return;
    clearTimeout(this.#renewTimer);
    this.#offLost?.();
    const status = await this.deps.client.retrieveSession(lost.sessionId).catch(() => undefined);
    const detail =
      status?.status === 'FAILED'
        ? { status: status.status, failureCode: status.failureCode }
        : { status: status?.status };
    this.#logger.warn({ sessionId: lost.sessionId, reason, ...detail }, 'Runway avatar lost');
    this.deps.emit('avatar_lost', { sessionId: lost.sessionId, reason, ...detail });
    const policy = this.deps.options.onAvatarLost;
    if (policy === 'close') {
      this.#active = undefined;
      await lost.end('avatar lost', { workerGone: true });
      await this.deps.agentSession.close();
      return;
    }
    // Meanwhile (and for good with 'audio-only'), the agent is heard on a room audio track.
    await this.#toRoomAudio();
    if (policy === 'respawn') await this.#respawn(lost);
    else {
      this.#active = undefined;
      await lost.end('avatar lost', { workerGone: true });
    }
  }

  async #respawn(lost: ActiveAvatar): Promise<void> {
    for (
      let attempt = 1;
      attempt <= this.deps.options.respawnAttempts && !this.#closed;
      attempt++
    ) {
      try {
        const next = await lost.replace('respawn');
        if (this.#closed) return void (await next.end('closed during respawn'));
        this.#adopt(next);
        this.deps.emit('session_renewed', {
          previousSessionId: lost.sessionId,
          sessionId: next.sessionId,
          reason: 'respawn',
        });
        return;
      } catch (error) {
        this.#logger.warn({ error: String(error), attempt }, 'Runway avatar respawn failed');
        await new Promise((r) => setTimeout(r, RESPAWN_BACKOFF_MS * 2 ** (attempt - 1)));
      }
    }
    this.#active = undefined;
    await lost.end('respawn gave up', { workerGone: true });
    this.#logger.error('Runway avatar could not be respawned; the agent goes on without an avatar');
  }

  /** Routes the agent's speech to a normal audio track in the room (published once, on demand). */
  async #toRoomAudio(): Promise<void> {
    if (!this.#roomAudio) {
      const publish = new TrackPublishOptions();
      publish.source = TrackSource.SOURCE_MICROPHONE;
      this.#roomAudio = new voice.ParticipantAudioOutput(this.deps.room, {
        sampleRate: this.router.sampleRate ?? 16_000,
        numChannels: 1,
        trackPublishOptions: publish,
      });
      await this.#roomAudio.start(new AbortController().signal);
    }
    this.router.switchTo(this.#roomAudio);
    this.deps.agentSession.output.setAudioEnabled(true);
  }

  /** Starts without an avatar: the agent speaks on a room audio track. */
  async startAudioOnly(): Promise<void> {
    await this.#toRoomAudio();
  }

  /** Stops renewals and loss handling and ends the current session. Never throws. */
  /**
   * Stops renewals and loss handling and ends the current session. Never throws. The session's END_CALL
   * is sent before this returns its promise: call it synchronously from the agent session's close event
   * (agents-js disconnects the room right after the agent session closes, at job shutdown).
   */
  close(reason: string): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    clearTimeout(this.#renewTimer);
    this.router.release();
    this.#offLost?.();
    const replacing = this.#replacing;
    const endActive = () => {
      const active = this.#active;
      this.#active = undefined;
      return active?.end(reason); // synchronous up to END_CALL
    };
    // No handover in flight: END_CALL goes out now. During one, the replacement ends itself once it
    // sees #closed (the old session was already cancelled by the handover), then what is left is ended.
    const ending = replacing ? undefined : endActive();
    this.#closing = (async () => {
      if (replacing) {
        await replacing;
        await endActive();
      } else await ending;
      await this.#roomAudio?.close().catch(() => {});
    })();
    return this.#closing;
  }
}
