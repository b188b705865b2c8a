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
  override async captureFrame(frame: import('@livekit/rtc-node').AudioFrame): Promise<void> {
    await super.captureFrame(frame);
  }
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
    const { client, options } = ctx;
    const livekit = ctx.livekit();
    const createdAtMs = Date.now();
    const { id } = await client.createSession(baseBody(options), { signal: ctx.signal });
    let bridge: MediaBridge | undefined;
    let feed: RunwayFeed | undefined;
    try {
      const ready = await pollUntilReady(client, id, {
        createdAtMs,
        timeoutMs: READY_TIMEOUT_MS,
        signal: ctx.signal,
      });
      const credentials = await client.consumeSession(id, ready.sessionKey, { signal: ctx.signal });
      const avatarToken = await mintAvatarToken({
        credentials: livekit,
        roomName: ctx.roomName,
        avatarIdentity: options.avatarIdentity,
        avatarName: options.avatarName,
        agentIdentity: ctx.agentIdentity,
        maxDurationS: options.maxDuration,
      });
      bridge = await MediaBridge.open({
        agentRoomUrl: livekit.url,
        avatarToken,
        agentIdentity: ctx.agentIdentity,
        onData: (m) => {
          ctx.emit('runway_data', m);
          const type = m.message.type;
          if (type === 'transcription' || type === 'client_event') ctx.emit(type, m.message);
        },
      });
      feed = new RunwayFeed(id, credentials);
      await bridge.attach(feed);
    } catch (error) {
      await feed?.close();
      await bridge?.close();
      await cancelSession(client, id);
      throw error;
    }
    log().warn(
      { sessionId: id },
      "hosted Runway avatar: Runway's character speaks with its own voice and personality; the agent's TTS output is muted",
    );
    const activeBridge = bridge;
    const activeFeed = feed;
    return {
      strategy: this.name,
      sessionId: id,
      audioOutput: new MutedAudioOutput(),
      mutesAgent: true,
      bridge: activeBridge,
      end: async () => {
        await endSession({
          room: activeFeed.room,
          avatarIdentity: activeFeed.workerIdentity ?? `worker:${id}`,
          sessionId: id,
          client,
        });
        await activeBridge.close();
      },
    };
  }
}
