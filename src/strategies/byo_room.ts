// Bring-your-own-room: Runway's worker joins the agent's room and lip-syncs the agent's TTS audio.
import { TrackKind } from '@livekit/rtc-node';
import { endSession } from '../ending/end_session.js';
import { RunwayAudioOutput } from '../livekit/audio_output.js';
import { assertReachableByRunway } from '../livekit/credentials.js';
import { AvatarPresence } from '../livekit/presence.js';
import { mintAvatarToken } from '../livekit/token.js';
import { log, PII } from '../log.js';
import { byoBody } from './body.js';
import type { ByoStrategyName } from './registry.js';
import { asShapeError } from './shape.js';
import type { ActiveAvatar, Strategy, StrategyContext } from './strategy.js';

/** Sample rate of the agent audio sent to Runway's worker. */
export const AVATAR_SAMPLE_RATE = 16_000;

/** Creates a session with the agent room's credentials, in the `integration` or deprecated `livekit` shape. */
export class ByoRoomStrategy implements Strategy {
  constructor(readonly name: ByoStrategyName) {}

  async start(ctx: StrategyContext): Promise<ActiveAvatar> {
    // Created before the session: a participant already under the avatar's identity is a leftover.
    const presence = new AvatarPresence(ctx.room, ctx.options.avatarIdentity);
    try {
      const id = await createByoSession(ctx, this.name);
      return new ByoAvatar(ctx, this.name, id, presence);
    } catch (error) {
      presence.close();
      throw error;
    }
  }
}

/**
 * Mints a fresh token and creates a session, entered in the ledger as soon as it exists. Closed meanwhile
 * (a create already sent is awaited): the session is cancelled and the signal's reason thrown.
 */
async function createByoSession(ctx: StrategyContext, name: ByoStrategyName): Promise<string> {
  const { options, client } = ctx;
  ctx.signal.throwIfAborted();
  const livekit = ctx.livekit();
  assertReachableByRunway(livekit.url, client.baseUrl);
  const token = await mintAvatarToken({
    credentials: livekit,
    roomName: ctx.roomName,
    avatarIdentity: options.avatarIdentity,
    avatarName: options.avatarName,
    agentIdentity: ctx.agentIdentity,
    maxDurationS: options.maxDuration,
  });
  const body = byoBody(options, name, {
    url: livekit.url,
    token,
    roomName: ctx.roomName,
    agentIdentity: ctx.agentIdentity,
  });
  if (ctx.tools && ctx.tools.wire.length > 0)
    log().info(
      { strategy: name, tools: ctx.tools.wire.length },
      "Runway tools are declared with hosted sessions only: here the agent's own LLM speaks and runs its tools",
    );
  let id: string;
  try {
    ({ id } = await client.createSession(body, { signal: ctx.signal }));
  } catch (error) {
    throw asShapeError(error, name);
  }
  ctx.sessions.opened(id);
  log().info(
    { sessionId: id, strategy: name, [PII.roomName]: ctx.roomName },
    'Runway avatar session created',
  );
  if (ctx.signal.aborted) {
    await ctx.sessions.cancel(id);
    throw ctx.signal.reason;
  }
  return id;
}

/** One bring-your-own-room session shown in the agent's room; see the ActiveAvatar contract. */
class ByoAvatar implements ActiveAvatar {
  readonly mutesAgent = false;
  readonly audioOutput: RunwayAudioOutput;

  constructor(
    private readonly ctx: StrategyContext,
    readonly strategy: ByoStrategyName,
    readonly sessionId: string,
    private readonly presence: AvatarPresence,
  ) {
    this.audioOutput = new RunwayAudioOutput({
      room: ctx.room,
      destinationIdentity: ctx.options.avatarIdentity,
      sampleRate: AVATAR_SAMPLE_RATE,
      waitRemoteTrack: TrackKind.KIND_VIDEO,
      clearBufferTimeoutMs: ctx.options.clearBufferTimeoutMs,
      ready: presence.waitShown(null),
    });
  }

  waitShown(timeoutMs: number | null): Promise<void> {
    return this.presence.waitShown(timeoutMs);
  }

  #release(): void {
    this.presence.close();
    this.audioOutput.detachFromRoom();
  }

  async end(_reason: string, opts?: { workerGone?: boolean }): Promise<void> {
    this.presence.close(); // its own departure is no loss
    const { ctx } = this;
    await ctx.sessions.end(this.sessionId, () =>
      endSession({
        room: ctx.room,
        avatarIdentity: ctx.options.avatarIdentity,
        sessionId: this.sessionId,
        client: ctx.client,
        cancelBudgetMs: ctx.options.connOptions.timeoutMs,
        workerGone: opts?.workerGone,
      }),
    );
    this.audioOutput.detachFromRoom();
  }

  async replace(reason: 'renewal' | 'respawn'): Promise<ActiveAvatar> {
    const { ctx } = this;
    // Watch for the newcomer only: the current worker has the same identity.
    const next = new AvatarPresence(ctx.room, ctx.options.avatarIdentity);
    let nextId: string | undefined;
    try {
      nextId = await createByoSession(ctx, this.strategy);
      await next.waitShown(ctx.options.avatarJoinTimeoutMs, ctx.signal);
    } catch (error) {
      next.close();
      if (nextId) await ctx.sessions.cancel(nextId, ctx.options.connOptions.timeoutMs);
      throw ctx.signal.aborted ? ctx.signal.reason : error;
    }
    // The newcomer displaced the old worker (same identity): END_CALL would reach the newcomer,
    // so the old session is cancelled through the API.
    this.#release();
    await ctx.sessions.cancel(this.sessionId, ctx.options.connOptions.timeoutMs);
    log().info(
      { sessionId: nextId, previousSessionId: this.sessionId, reason },
      'Runway avatar session replaced',
    );
    return new ByoAvatar(ctx, this.strategy, nextId, next);
  }

  onLost(listener: (reason: string) => void): () => void {
    const off = this.presence.onLeft(listener);
    const timer = setTimeout(() => {
      if (!this.presence.shown) listener('the avatar did not join with video in time');
    }, this.ctx.options.avatarJoinTimeoutMs);
    return () => {
      off();
      clearTimeout(timer);
    };
  }

  cutPlayout(): void {
    this.audioOutput.cutPlayout();
  }
}
