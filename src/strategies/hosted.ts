// Hosted: Runway's documented flow (create → poll READY → consume) and a bridge from Runway's room into the
// agent's room. Runway's character leads the conversation with its own voice; the agent's TTS is muted.
import { voice } from '@livekit/agents';
import { endSession } from '../ending/end_session.js';
import { RunwayAvatarError } from '../errors.js';
import { isClientEvent, isTranscription, type RunwayClientEvent } from '../events.js';
import { mintAvatarToken } from '../livekit/token.js';
import { ToolBackend } from '../livekit/tool_backend.js';
import { log } from '../log.js';
import { CLIENT_EVENT_TOPIC } from '../tools/definitions.js';
import { hostedBody } from './body.js';
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
        else if (isClientEvent(m.message)) {
          const event = { ...m.message, args: m.message.args ?? {} };
          ctx.emit('client_event', event);
          if (ctx.options.forwardClientEvents) forwardClientEvent(ctx, event);
        }
      },
    });
    try {
      const opened = await openFeed(ctx, bridge);
      await bridge.ready;
      log().warn(
        { sessionId: opened.feed.sessionId },
        "hosted Runway avatar: Runway's character speaks with its own voice and personality; the agent's TTS output is muted",
      );
      return new HostedAvatar(ctx, bridge, opened, new MutedAudioOutput());
    } catch (error) {
      await bridge.close();
      throw error;
    }
  }
}

/** A Runway session shown (or about to be) through the bridge, with the handler of its backend tools. */
interface OpenedFeed {
  feed: RunwayFeed;
  backend: ToolBackend | undefined;
}

/**
 * A new Runway session attached to the bridge (shown at once if first, else at its first frame). The
 * session is entered in the ledger as soon as it exists and cancelled on any failure or close. With
 * backend tools, their handler joins Runway's room before the bridge does: the character cannot call a
 * tool before it is answered. Its connect runs alongside the consume.
 */
async function openFeed(ctx: StrategyContext, bridge: MediaBridge): Promise<OpenedFeed> {
  const { client, signal } = ctx;
  signal.throwIfAborted();
  const createdAtMs = Date.now();
  const { id } = await client.createSession(hostedBody(ctx.options, ctx.tools), { signal });
  ctx.sessions.opened(id);
  log().info({ sessionId: id, strategy: 'hosted' }, 'Runway avatar session created');
  let feed: RunwayFeed | undefined;
  let backend: Promise<ToolBackend> | undefined;
  try {
    signal.throwIfAborted();
    const ready = await pollUntilReady(client, id, {
      createdAtMs,
      timeoutMs: READY_TIMEOUT_MS,
      signal,
      ...(ctx.learning ? { history: ctx.learning } : {}),
    });
    const tools = ctx.tools?.backend ?? [];
    if (tools.length > 0) {
      backend = ToolBackend.connect({ client, sessionId: id, tools, signal });
      backend.catch(() => {}); // awaited below; a failure is handled there
    }
    const credentials = await client.consumeSession(id, ready.sessionKey, { signal });
    const handler = await backend;
    feed = new RunwayFeed(id, credentials);
    await bridge.attach(feed, { signal });
    return { feed, backend: handler };
  } catch (error) {
    if (feed) {
      bridge.forget(feed);
      await feed.close();
    }
    await backend?.then((b) => b.close()).catch(() => {});
    await ctx.sessions.cancel(id, ctx.options.connOptions.timeoutMs);
    throw signal.aborted ? signal.reason : error;
  }
}

/** Publishes a client event into the agent's room, for the user's app (`CLIENT_EVENT_TOPIC`). */
function forwardClientEvent(ctx: StrategyContext, event: RunwayClientEvent): void {
  const payload = new TextEncoder().encode(
    JSON.stringify({ type: 'client_event', tool: event.tool, args: event.args }),
  );
  ctx.room.localParticipant
    ?.publishData(payload, { reliable: true, topic: CLIENT_EVENT_TOPIC })
    .catch((error: unknown) =>
      log().warn({ error: String(error) }, 'could not forward a Runway client event'),
    );
}

/** One hosted session shown through the bridge; see the ActiveAvatar contract. */
class HostedAvatar implements ActiveAvatar {
  readonly strategy = 'hosted' as const;
  readonly mutesAgent = true;

  private readonly feed: RunwayFeed;
  /** Answers the session's backend tools; leaves with the session. */
  readonly backend: ToolBackend | undefined;

  constructor(
    private readonly ctx: StrategyContext,
    readonly bridge: MediaBridge,
    opened: OpenedFeed,
    readonly audioOutput: MutedAudioOutput,
  ) {
    this.feed = opened.feed;
    this.backend = opened.backend;
  }

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
    await Promise.all([feed.close(), this.backend?.close()]);
  }

  async end(_reason: string, opts?: { workerGone?: boolean }): Promise<void> {
    await this.#endFeed(opts?.workerGone);
    await this.bridge.close();
  }

  async replace(reason: 'renewal' | 'respawn'): Promise<ActiveAvatar> {
    const { ctx, bridge } = this;
    const opened = await openFeed(ctx, bridge);
    const next = opened.feed;
    try {
      await waitShown(next, ctx.options.avatarJoinTimeoutMs, ctx.signal);
    } catch (error) {
      bridge.forget(next);
      await Promise.all([next.close(), opened.backend?.close()]);
      await ctx.sessions.cancel(next.sessionId, ctx.options.connOptions.timeoutMs);
      throw ctx.signal.aborted ? ctx.signal.reason : error;
    }
    await this.#endFeed(); // the bridge shows the new feed already: END_CALL in the old room
    log().info(
      { sessionId: next.sessionId, previousSessionId: this.sessionId, reason },
      'Runway avatar session replaced',
    );
    return new HostedAvatar(ctx, bridge, opened, this.audioOutput);
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
