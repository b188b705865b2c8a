// Hosted: Runway's documented flow (create → poll READY → consume) and a bridge from Runway's room into the
// agent's room. Runway's character leads the conversation with its own voice; the agent's TTS is muted.
import { voice } from '@livekit/agents';
import { endSession } from '../ending/end_session.js';
import { RunwayAvatarError } from '../errors.js';
import { isTranscription } from '../events.js';
import { mintAvatarToken } from '../livekit/token.js';
import { log } from '../log.js';
import { baseBody } from './body.js';
import { MediaBridge, RunwayFeed } from './bridge.js';
import { pollUntilReady } from './poll.js';
import type { ActiveAvatar, Strategy, StrategyContext } from './strategy.js';

/** How long a hosted session may take to become READY, ms (Runway's own client waits 30 s). */
export const READY_TIMEOUT_MS = 30_000;

/** An audio sink that plays nothing: the agent's TTS is not heard while Runway's character speaks. */
export class MutedAudioOutput extends voice.AudioOutput {
  override flush(): void {
    super.flush();
    if (this.pendingPlayoutSegments > 0)
      this.onPlaybackFinished({ playbackPosition: 0, interrupted: false });
  }
  clearBuffer(): void {
    if (this.pendingPlayoutSegments > 0)
      this.onPlaybackFinished({ playbackPosition: 0, interrupted: true });
  }
}

/** Create → poll → consume → bridge. Ends the session it created on any failure. */
export class HostedStrategy implements Strategy {
  readonly name = 'hosted' as const;

  async start(ctx: StrategyContext): Promise<ActiveAvatar> {
    ctx.signal.throwIfAborted();
    const avatarToken = await mintAvatarToken({
      credentials: ctx.livekit(),
      roomName: ctx.roomName,
      avatarIdentity: ctx.options.avatarIdentity,
      avatarName: ctx.options.avatarName,
      agentIdentity: ctx.agentIdentity,
      maxDurationS: ctx.options.maxDuration,
    });
    // The avatar participant joins the agent's room while the session provisions: it needs nothing from
    // Runway, so its connect is off the critical path.
    const bridge = MediaBridge.start({
      agentRoomUrl: ctx.livekit().url,
      avatarToken,
      agentIdentity: ctx.agentIdentity,
      signal: ctx.signal,
      onData: (m) => {
        ctx.emit('runway_data', m);
        if (isTranscription(m.message)) ctx.emit('transcription', m.message);
        else if (m.message.type === 'client_event') ctx.emit('client_event', m.message);
      },
    });
    try {
      const feed = await openFeed(ctx, bridge);
      await bridge.ready;
      log().warn(
        { sessionId: feed.sessionId },
        "hosted Runway avatar: Runway's character speaks with its own voice and personality; the agent's TTS output is muted",
      );
      return new HostedAvatar(ctx, bridge, feed, new MutedAudioOutput());
    } catch (error) {
      await bridge.close();
      throw error;
    }
  }
}

/**
 * A new Runway session attached to the bridge (shown at once if first, else at its first frame). The
 * session is entered in the ledger as soon as it exists and cancelled on any failure or close.
 */
async function openFeed(ctx: StrategyContext, bridge: MediaBridge): Promise<RunwayFeed> {
  const { client, signal } = ctx;
  signal.throwIfAborted();
  const createdAtMs = Date.now();
  const { id } = await client.createSession(baseBody(ctx.options), { signal });
  ctx.sessions.opened(id);
  log().info({ sessionId: id, strategy: 'hosted' }, 'Runway avatar session created');
  let feed: RunwayFeed | undefined;
  try {
    signal.throwIfAborted();
    const ready = await pollUntilReady(client, id, {
      createdAtMs,
      timeoutMs: READY_TIMEOUT_MS,
      signal,
      ...(ctx.learning ? { history: ctx.learning } : {}),
    });
    const credentials = await client.consumeSession(id, ready.sessionKey, { signal });
    feed = new RunwayFeed(id, credentials);
    await bridge.attach(feed, { signal });
    return feed;
  } catch (error) {
    if (feed) {
      bridge.forget(feed);
      await feed.close();
    }
    await ctx.sessions.cancel(id, ctx.options.connOptions.timeoutMs);
    throw signal.aborted ? signal.reason : error;
  }
}

/** One hosted session shown through the bridge; see the ActiveAvatar contract. */
class HostedAvatar implements ActiveAvatar {
  readonly strategy = 'hosted' as const;
  readonly mutesAgent = true;

  constructor(
    private readonly ctx: StrategyContext,
    readonly bridge: MediaBridge,
    private readonly feed: RunwayFeed,
    readonly audioOutput: MutedAudioOutput,
  ) {}

  get sessionId(): string {
    return this.feed.sessionId;
  }

  /** END_CALL in the feed's own room (sent before the first await), then leaves that room. */
  async #endFeed(workerGone?: boolean): Promise<void> {
    const { ctx, feed } = this;
    await ctx.sessions.end(feed.sessionId, () =>
      endSession({
        room: feed.room,
        avatarIdentity: feed.workerIdentity ?? `worker:${feed.sessionId}`,
        sessionId: feed.sessionId,
        client: ctx.client,
        cancelBudgetMs: ctx.options.connOptions.timeoutMs,
        workerGone,
      }),
    );
    await feed.close();
  }

  async end(_reason: string, opts?: { workerGone?: boolean }): Promise<void> {
    await this.#endFeed(opts?.workerGone);
    await this.bridge.close();
  }

  async replace(reason: 'renewal' | 'respawn'): Promise<ActiveAvatar> {
    const { ctx, bridge } = this;
    const next = await openFeed(ctx, bridge);
    try {
      await waitShown(next, ctx.options.avatarJoinTimeoutMs, ctx.signal);
    } catch (error) {
      bridge.forget(next);
      await next.close();
      await ctx.sessions.cancel(next.sessionId, ctx.options.connOptions.timeoutMs);
      throw ctx.signal.aborted ? ctx.signal.reason : error;
    }
    await this.#endFeed(); // the bridge shows the new feed already: END_CALL in the old room
    log().info(
      { sessionId: next.sessionId, previousSessionId: this.sessionId, reason },
      'Runway avatar session replaced',
    );
    return new HostedAvatar(ctx, bridge, next, this.audioOutput);
  }

  onLost(listener: (reason: string) => void): () => void {
    return this.feed.onLost(listener);
  }

  cutPlayout(): void {
    // Runway's character speaks for itself; the agent's muted sink reports its segments at once anyway.
    this.audioOutput.clearBuffer();
  }
}

/** Resolves when `feed` is shown; rejects after `ms` or when `signal` aborts. */
function waitShown(feed: RunwayFeed, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        finish(
          new RunwayAvatarError(
            'AVATAR_JOIN_TIMEOUT',
            'the replacement avatar did not show video in time',
          ),
        ),
      ms,
    );
    const onAbort = () => finish(signal.reason);
    function finish(error?: unknown) {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error);
    }
    signal.addEventListener('abort', onAbort, { once: true });
    void feed.shown.then(() => finish());
  });
}
