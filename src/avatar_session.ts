// AvatarSession: validates options, composes the strategies, and hands the avatar's whole life to one
// AvatarOwner (start, renewal, loss, close), which ends every Runway session it created exactly once.
import { voice } from '@livekit/agents';
import { type Room, RoomEvent, TrackPublishOptions, TrackSource } from '@livekit/rtc-node';
import { RunwayClient } from './api/client.js';
import { SessionLedger } from './ending/ledger.js';
import { closedError, RunwayAvatarError } from './errors.js';
import type { AvatarSessionEvents, EmitEvent } from './events.js';
import { type Learning, learningFor } from './learning/cache.js';
import { resolveLiveKitCredentials, type StartOptions } from './livekit/credentials.js';
import { resolveAgentPlacement } from './livekit/identity.js';
import { assertUpstreamStatics } from './livekit/upstream_internals.js';
import { log, PII } from './log.js';
import { type AvatarSessionOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { AvatarOwner, type OwnerState, type RoomAudioSink } from './session/owner.js';
import type { BridgeStats } from './strategies/bridge.js';
import { AVATAR_SAMPLE_RATE } from './strategies/byo_room.js';
import { createStrategies } from './strategies/create.js';
import { startAuto } from './strategies/detect.js';
import type { StrategyName } from './strategies/registry.js';
import type { StrategyContext } from './strategies/strategy.js';
import { resolveSessionTools } from './tools/session_tools.js';

export type { AvatarSessionEvents, RunwayClientEvent, RunwayTranscription } from './events.js';

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
  readonly #strategies = createStrategies();
  readonly #ledger: SessionLedger;
  readonly #owner: AvatarOwner;
  /** Detection verdicts and READY timings, shared by every job process of the machine. */
  readonly #learning: Learning;
  #startCalled = false;
  #agentSession: voice.AgentSession | undefined;
  #room: Room | undefined;
  #logger = log();

  /** Validates every option; throws a `RunwayOptionError` before any network call. */
  constructor(options: AvatarSessionOptions = {}) {
    // Validated before the base class (whose logger needs `initializeLogger()`) is even built.
    const resolved = resolveOptions(options);
    // An @livekit/agents release without the internals this package relies on fails here, before any request.
    assertUpstreamStatics();
    const client = new RunwayClient({
      apiKey: resolved.apiKey,
      baseUrl: resolved.apiUrl,
      connOptions: resolved.connOptions,
    });
    super();
    this.#options = resolved;
    this.#client = client;
    this.#ledger = new SessionLedger(client);
    this.#learning = learningFor(resolved.stateDir);
    this.#owner = new AvatarOwner({
      client,
      options: resolved,
      sessions: this.#ledger,
      emit: this.#emit,
      sampleRate: AVATAR_SAMPLE_RATE,
    });
  }

  readonly #emit: EmitEvent = (event, ...args) => {
    this.emit(event, ...args);
  };

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
    return this.#owner.active?.sessionId;
  }

  /** The strategy actually used, once `start()` has returned (undefined while audio only). */
  get strategy(): StrategyName | undefined {
    return this.#owner.active?.strategy;
  }

  /** True while the agent speaks without an avatar (start-up fallback, or after a loss). */
  get audioOnly(): boolean {
    return this.#owner.audioOnly;
  }

  /** Where the avatar's life is: `idle`, `starting`, `shown`, `audio-only`, `replacing`, `ending`, `ended`. */
  get state(): OwnerState {
    return this.#owner.state;
  }

  /**
   * The hosted media bridge's live counters (frames bridged, skipped after a stall, the published size,
   * libwebrtc's CPU adaptation, the first picture's milestones), for monitoring. `undefined` unless the
   * avatar is shown through the bridge (strategy `'hosted'`). A live object that goes on counting across
   * renewals (one bridge serves every session of the avatar's life).
   */
  get bridgeStats(): Readonly<BridgeStats> | undefined {
    return this.#owner.active?.bridge?.stats;
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
    const active = this.#owner.active;
    if (active?.waitShown) return active.waitShown(timeout);
    return super.waitForJoin({ timeout });
  }

  /**
   * Creates the Runway session and routes the agent's audio to the avatar. LiveKit credentials come from
   * `options`, else `LIVEKIT_URL` / `LIVEKIT_API_KEY` / `LIVEKIT_API_SECRET`. Rejects with
   * `RunwayAvatarError` `CLOSED` when the avatar session is closed meanwhile (every session it created is
   * ended first); throws `CLOSED` at once after `aclose()`. A start that failed may be called again.
   */
  override async start(
    agentSession: voice.AgentSession,
    room: Room,
    options: StartOptions = {},
  ): Promise<void> {
    if (this.#owner.closed) throw closedError('start() after aclose()');
    // Checked and set before the first await: two overlapping calls must not both get past it.
    if (this.#startCalled || this.#owner.state !== 'idle')
      throw new RunwayAvatarError('ALREADY_STARTED', 'AvatarSession.start() was called twice');
    // The tools (the agent's own ones are known only now) are checked before anything else happens.
    const tools = resolveSessionTools(this.#options, agentSession);
    this.#startCalled = true;
    await super.start(agentSession, room);
    this.#agentSession = agentSession;
    this.#room = room;
    // A hang-up while starting ends what was created: the agent session's close, or the room going away.
    agentSession.on(voice.AgentSessionEventTypes.Close, this.#onSessionClose);
    room.on(RoomEvent.Disconnected, this.#onRoomDisconnected);
    try {
      const placement = resolveAgentPlacement(room);
      const ctx = (signal: AbortSignal): StrategyContext => ({
        client: this.#client,
        options: this.#options,
        room,
        roomName: placement.roomName,
        agentSession,
        agentIdentity: placement.agentIdentity,
        livekit: () => resolveLiveKitCredentials(options),
        emit: this.#emit,
        signal,
        sessions: this.#ledger,
        learning: this.#learning,
        tools,
      });
      this.#logger.debug(
        { strategy: this.#options.strategy, [PII.agentIdentity]: placement.agentIdentity },
        'starting Runway avatar session',
      );
      const strategy = this.#options.strategy;
      await this.#owner.start({
        agentSession,
        startAvatar: (signal) =>
          strategy === 'auto'
            ? startAuto(ctx(signal), this.#strategies)
            : this.#strategies[strategy].start(ctx(signal)),
        openRoomAudio: () => openRoomAudio(room),
      });
      if (this.#owner.closed) throw closedError('closed while start() was returning');
      agentSession.output.audio = this.#owner.router!;
    } catch (error) {
      if (!this.#owner.closed) this.#detach();
      await this._rollbackStart();
      this.#startCalled = false; // a failed start may be retried
      throw error;
    }
  }

  #onSessionClose = (): void => {
    void this.#end('agent session closed');
  };

  #onRoomDisconnected = (): void => {
    void this.#end('agent room disconnected');
  };

  #detach(): void {
    this.#agentSession?.off(voice.AgentSessionEventTypes.Close, this.#onSessionClose);
    this.#room?.off(RoomEvent.Disconnected, this.#onRoomDisconnected);
  }

  /** Ends every Runway session exactly once, whichever of close event, aclose() and shutdown comes first. */
  #end(reason: string): Promise<void> {
    this.#detach();
    return this.#owner.close(reason);
  }

  /**
   * Ends the Runway session (END_CALL, else DELETE) and releases the avatar. Resolves once no Runway
   * session this AvatarSession created is alive, whatever it was doing (starting, renewing, respawning).
   * Safe to call more than once.
   */
  override async aclose(): Promise<void> {
    await this.#end('aclose');
    await super.aclose();
  }
}

/** The agent's voice on a plain microphone track in its room (no avatar). */
async function openRoomAudio(room: Room): Promise<RoomAudioSink> {
  const publish = new TrackPublishOptions();
  publish.source = TrackSource.SOURCE_MICROPHONE;
  const sink = new voice.ParticipantAudioOutput(room, {
    sampleRate: AVATAR_SAMPLE_RATE,
    numChannels: 1,
    trackPublishOptions: publish,
  });
  await sink.start(new AbortController().signal);
  return sink;
}

// Typed listeners and emit for the plugin's own events, alongside the base class's `metrics_collected`.
export interface AvatarSession {
  on<E extends keyof AvatarSessionEvents>(event: E, listener: AvatarSessionEvents[E]): this;
  once<E extends keyof AvatarSessionEvents>(event: E, listener: AvatarSessionEvents[E]): this;
  off<E extends keyof AvatarSessionEvents>(event: E, listener: AvatarSessionEvents[E]): this;
  emit<E extends keyof AvatarSessionEvents>(
    event: E,
    ...args: Parameters<AvatarSessionEvents[E]>
  ): boolean;
}
