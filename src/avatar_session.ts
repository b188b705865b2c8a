// AvatarSession: validates options, picks a strategy, routes the agent's audio, ends the Runway session once.
import { voice } from '@livekit/agents';
import type { Room } from '@livekit/rtc-node';
import { RunwayClient } from './api/client.js';
import { RunwayAvatarError, RunwayOptionError } from './errors.js';
import { learningFor } from './learning/cache.js';
import { AvatarSupervisor } from './lifecycle/supervisor.js';
import { resolveLiveKitCredentials, type StartOptions } from './livekit/credentials.js';
import { resolveAgentPlacement } from './livekit/identity.js';
import { log, PII } from './log.js';
import { type AvatarSessionOptions, type ResolvedOptions, resolveOptions } from './options.js';
import type { RunwayDataMessage } from './strategies/bridge.js';
import { AVATAR_SAMPLE_RATE, ByoRoomStrategy } from './strategies/byo_room.js';
import { startAuto } from './strategies/detect.js';
import { HostedStrategy } from './strategies/hosted.js';
import type {
  ActiveAvatar,
  Strategy,
  StrategyContext,
  StrategyName,
} from './strategies/strategy.js';

/** A transcription message relayed from Runway's room (hosted strategy). @public */
export interface RunwayTranscription {
  type: 'transcription';
  role?: string;
  turn?: number;
  text?: string;
  [key: string]: unknown;
}

/** Events of {@link AvatarSession}: the base class's `metrics_collected` and the plugin's own. @public */
export interface AvatarSessionEvents extends voice.AvatarSessionCallbacks {
  /** Every JSON data message from Runway's room (hosted strategy). */
  runway_data: (message: RunwayDataMessage) => void;
  /** Runway's transcriptions of the character and the user (hosted strategy). */
  transcription: (message: RunwayTranscription) => void;
  /** Runway client events (tool calls) (hosted strategy). */
  client_event: (message: Record<string, unknown>) => void;
  /** A replacement Runway session took over (renewal before the cap, or respawn after a loss). */
  session_renewed: (event: {
    previousSessionId: string;
    sessionId: string;
    reason: 'renewal' | 'respawn';
  }) => void;
  /** The avatar went away unexpectedly; `onAvatarLost` decides what follows. */
  avatar_lost: (event: {
    sessionId: string;
    reason: string;
    status?: string;
    failureCode?: string;
  }) => void;
}

/**
 * A Runway Characters avatar (`gwm1_avatars`) for a LiveKit voice agent.
 *
 * Call `ctx.connect()`, then `avatar.start(session, ctx.room)`, then `session.start(...)`. The avatar
 * joins the agent's room as `avatarParticipantIdentity` and publishes lip-synced video on the agent's
 * behalf. Whichever API shape Runway accepts is detected (strategy `'auto'`).
 * @public
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merged interface adds typed event overloads only
export class AvatarSession extends voice.AvatarSession {
  readonly #options: ResolvedOptions;
  readonly #client: RunwayClient;
  readonly #strategies: Record<StrategyName, Strategy>;
  #started = false;
  #supervisor: AvatarSupervisor | undefined;
  #ending: Promise<void> | undefined;
  #logger = log();

  /** Validates every option; throws a `RunwayOptionError` before any network call. */
  constructor(options: AvatarSessionOptions = {}) {
    // Validated before the base class (whose logger needs `initializeLogger()`) is even built.
    const resolved = resolveOptions(options);
    const client = new RunwayClient({
      apiKey: resolved.apiKey,
      baseUrl: resolved.apiUrl,
      connOptions: resolved.connOptions,
    });
    super();
    this.#options = resolved;
    this.#client = client;
    this.#strategies = {
      integration: new ByoRoomStrategy('integration'),
      livekit: new ByoRoomStrategy('livekit'),
      hosted: new HostedStrategy(),
    };
  }

  /** Identity of the avatar participant in the agent's room. */
  override get avatarIdentity(): string {
    return this.#options.avatarIdentity;
  }

  /** Always `'runway'`. */
  override get provider(): string {
    return 'runway';
  }

  /** The Runway realtime session id shown now (it changes when the session is renewed). */
  get sessionId(): string | undefined {
    return this.#supervisor?.active?.sessionId;
  }

  /** The strategy actually used, once `start()` has returned (undefined while audio only). */
  get strategy(): StrategyName | undefined {
    return this.#supervisor?.active?.strategy;
  }

  /** True while the agent speaks without an avatar (start-up fallback, or after a loss). */
  get audioOnly(): boolean {
    return this.#supervisor?.audioOnly ?? false;
  }

  /**
   * Waits until the avatar of the current Runway session has joined the agent's room and published video.
   * Unlike the base class's wait by identity alone, a previous session's worker still leaving the room
   * under the same identity does not count. `timeout` in ms (default 30 000); `null` waits indefinitely.
   */
  override async waitForJoin({
    timeout = 30_000,
  }: {
    timeout?: number | null;
  } = {}): Promise<void> {
    const active = this.#supervisor?.active;
    if (active?.waitShown) return active.waitShown(timeout);
    return super.waitForJoin({ timeout });
  }

  /**
   * Creates the Runway session and routes the agent's audio to the avatar. LiveKit credentials come from
   * `options`, else `LIVEKIT_URL` / `LIVEKIT_API_KEY` / `LIVEKIT_API_SECRET`.
   */
  override async start(
    agentSession: voice.AgentSession,
    room: Room,
    options: StartOptions = {},
  ): Promise<void> {
    if (this.#started) {
      throw new RunwayAvatarError('ALREADY_STARTED', 'AvatarSession.start() was called twice');
    }
    this.#started = true;
    await super.start(agentSession, room);
    try {
      const placement = resolveAgentPlacement(room);
      const emit = (event: string, payload: unknown) =>
        (this.emit as (e: string, p: unknown) => boolean)(event, payload);
      const ctx: StrategyContext = {
        client: this.#client,
        options: this.#options,
        room,
        roomName: placement.roomName,
        agentSession,
        agentIdentity: placement.agentIdentity,
        livekit: () => resolveLiveKitCredentials(options),
        emit,
        learning: learningFor(this.#options.stateDir),
      };
      this.#logger.debug(
        { strategy: this.#options.strategy, [PII.agentIdentity]: placement.agentIdentity },
        'starting Runway avatar session',
      );
      const active = await this.#startStrategy(ctx);
      if (this.#ending) {
        // aclose() or the agent session's close came while the session was being created.
        await active?.end('closed during start');
        throw new RunwayAvatarError(
          'CLOSED',
          'the avatar session was closed while start() was running',
          {
            sessionId: active?.sessionId,
          },
        );
      }
      const deps = { agentSession, room, client: this.#client, options: this.#options, emit };
      this.#supervisor = new AvatarSupervisor(deps, active, AVATAR_SAMPLE_RATE);
      if (!active) await this.#supervisor.startAudioOnly();
      agentSession.on(voice.AgentSessionEventTypes.Close, this.#onSessionClose);
      agentSession.output.audio = this.#supervisor.router;
    } catch (error) {
      if (this.#supervisor) await this.#end('start failed');
      await this._rollbackStart();
      throw error;
    }
  }

  /** The configured strategy; with `fallbackToAudioOnly`, a start-up failure means no avatar (undefined). */
  async #startStrategy(ctx: StrategyContext): Promise<ActiveAvatar | undefined> {
    try {
      return this.#options.strategy === 'auto'
        ? await startAuto(ctx, this.#strategies)
        : await this.#strategies[this.#options.strategy].start(ctx);
    } catch (error) {
      if (!this.#options.fallbackToAudioOnly || RunwayOptionError.is(error)) throw error;
      this.#logger.warn(
        { error: String(error) },
        'Runway avatar could not start; the agent speaks without an avatar (fallbackToAudioOnly)',
      );
      return undefined;
    }
  }

  #onSessionClose = (): void => {
    void this.#end('agent session closed');
  };

  /** Ends the Runway session exactly once, whichever of close event, aclose() and shutdown comes first. */
  #end(reason: string): Promise<void> {
    this.#ending ??= (this.#supervisor?.close(reason) ?? Promise.resolve()).catch(
      (error: unknown) => {
        this.#logger.error({ error: String(error) }, 'failed to end Runway session');
      },
    );
    return this.#ending;
  }

  /** Ends the Runway session (END_CALL, else DELETE) and releases the avatar. Safe to call more than once. */
  override async aclose(): Promise<void> {
    await this.#end('aclose');
    await super.aclose();
  }
}

// Typed listeners for the plugin's own events, alongside the base class's `metrics_collected`.
export interface AvatarSession {
  on<E extends keyof AvatarSessionEvents>(event: E, listener: AvatarSessionEvents[E]): this;
  once<E extends keyof AvatarSessionEvents>(event: E, listener: AvatarSessionEvents[E]): this;
  off<E extends keyof AvatarSessionEvents>(event: E, listener: AvatarSessionEvents[E]): this;
}
