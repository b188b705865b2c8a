// Hosted: Runway's documented flow (create → poll READY → consume) and a bridge from Runway's room into the
// agent's room. Runway's character leads the conversation with its own voice; the agent's TTS is muted.
import { voice } from '@livekit/agents';
import { cancelSession, endSession } from '../lifecycle/end_session.js';
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

/** Create → poll → consume → bridge. Cancels the session it created on any failure. */
export class HostedStrategy implements Strategy {
  readonly name = 'hosted' as const;

  async start(ctx: StrategyContext): Promise<ActiveAvatar> {
    const avatarToken = await mintAvatarToken({
      credentials: ctx.livekit(),
      roomName: ctx.roomName,
      avatarIdentity: ctx.options.avatarIdentity,
      avatarName: ctx.options.avatarName,
      agentIdentity: ctx.agentIdentity,
      maxDurationS: ctx.options.maxDuration,
    });
    const bridge = await MediaBridge.open({
      agentRoomUrl: ctx.livekit().url,
      avatarToken,
      agentIdentity: ctx.agentIdentity,
      onData: (m) => {
        ctx.emit('runway_data', m);
        const type = m.message.type;
        if (type === 'transcription' || type === 'client_event') ctx.emit(type, m.message);
      },
    });
    try {
      const feed = await this.#openFeed(ctx, bridge);
      log().warn(
        { sessionId: feed.sessionId },
        "hosted Runway avatar: Runway's character speaks with its own voice and personality; the agent's TTS output is muted",
      );
      return this.#activate(ctx, bridge, feed, new MutedAudioOutput());
    } catch (error) {
      await bridge.close();
      throw error;
    }
  }

  /** A new Runway session attached to the bridge (shown at once if first, else at its first frame). */
  async #openFeed(ctx: StrategyContext, bridge: MediaBridge): Promise<RunwayFeed> {
    const { client } = ctx;
    const createdAtMs = Date.now();
    const { id } = await client.createSession(baseBody(ctx.options), { signal: ctx.signal });
    let feed: RunwayFeed | undefined;
    try {
      const ready = await pollUntilReady(client, id, {
        createdAtMs,
        timeoutMs: READY_TIMEOUT_MS,
        signal: ctx.signal,
        ...(ctx.learning ? { history: ctx.learning } : {}),
      });
      const credentials = await client.consumeSession(id, ready.sessionKey, { signal: ctx.signal });
      feed = new RunwayFeed(id, credentials);
      await bridge.attach(feed);
      return feed;
    } catch (error) {
      if (feed) {
        bridge.forget(feed);
        await feed.close();
      }
      await cancelSession(client, id);
      throw error;
    }
  }

  #activate(
    ctx: StrategyContext,
    bridge: MediaBridge,
    feed: RunwayFeed,
    audioOutput: MutedAudioOutput,
  ): ActiveAvatar {
    const { client, options } = ctx;
    const endFeed = async (workerGone?: boolean) => {
      await endSession({
        room: feed.room,
        avatarIdentity: feed.workerIdentity ?? `worker:${feed.sessionId}`,
        sessionId: feed.sessionId,
        client,
        workerGone,
      });
      await feed.close();
    };
    return {
      strategy: this.name,
      sessionId: feed.sessionId,
      audioOutput,
      mutesAgent: true,
      bridge,
      end: async (_reason, opts) => {
        await endFeed(opts?.workerGone);
        await bridge.close();
      },
      replace: async (reason) => {
        const next = await this.#openFeed(ctx, bridge);
        try {
          await waitOrTimeout(
            next.shown,
            options.avatarJoinTimeoutMs,
            'the replacement avatar did not show video in time',
          );
        } catch (error) {
          bridge.forget(next);
          await next.close();
          await cancelSession(client, next.sessionId);
          throw error;
        }
        await endFeed(); // the bridge shows the new feed already: END_CALL in the old room
        log().info(
          { sessionId: next.sessionId, previousSessionId: feed.sessionId, reason },
          'Runway avatar session replaced',
        );
        return this.#activate(ctx, bridge, next, audioOutput);
      },
      onLost: (listener) => feed.onLost(listener),
    };
  }
}

function waitOrTimeout(promise: Promise<void>, ms: number, message: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<void>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
