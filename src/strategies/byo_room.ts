// Bring-your-own-room: Runway's worker joins the agent's room and lip-syncs the agent's TTS audio.
import { TrackKind } from '@livekit/rtc-node';
import { cancelSession, endSession } from '../lifecycle/end_session.js';
import { RunwayAudioOutput } from '../livekit/audio_output.js';
import { assertReachableByRunway } from '../livekit/credentials.js';
import { AvatarPresence } from '../livekit/presence.js';
import { mintAvatarToken } from '../livekit/token.js';
import { log, PII } from '../log.js';
import { byoBody } from './body.js';
import type { ActiveAvatar, Strategy, StrategyContext } from './strategy.js';

/** Sample rate of the agent audio sent to Runway's worker. */
export const AVATAR_SAMPLE_RATE = 16_000;

/** Creates a session with the agent room's credentials, in the `integration` or deprecated `livekit` shape. */
export class ByoRoomStrategy implements Strategy {
  constructor(readonly name: 'integration' | 'livekit') {}

  async start(ctx: StrategyContext): Promise<ActiveAvatar> {
    // Created before the session: a participant already under the avatar's identity is a leftover.
    const presence = new AvatarPresence(ctx.room, ctx.options.avatarIdentity);
    try {
      const id = await this.#create(ctx);
      return this.#activate(ctx, id, presence);
    } catch (error) {
      presence.close();
      throw error;
    }
  }

  /** Mints a fresh token and creates a session; returns its id. */
  async #create(ctx: StrategyContext): Promise<string> {
    const { options, client } = ctx;
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
    const body = byoBody(options, this.name, {
      url: livekit.url,
      token,
      roomName: ctx.roomName,
      agentIdentity: ctx.agentIdentity,
    });
    const { id } = await client.createSession(body, { signal: ctx.signal });
    log().info(
      { sessionId: id, strategy: this.name, [PII.roomName]: ctx.roomName },
      'Runway avatar session created',
    );
    return id;
  }

  #activate(ctx: StrategyContext, id: string, presence: AvatarPresence): ActiveAvatar {
    const { options, client } = ctx;
    const audioOutput = new RunwayAudioOutput({
      room: ctx.room,
      destinationIdentity: options.avatarIdentity,
      sampleRate: AVATAR_SAMPLE_RATE,
      waitRemoteTrack: TrackKind.KIND_VIDEO,
      clearBufferTimeoutMs: options.clearBufferTimeoutMs,
      ready: presence.waitShown(null),
    });
    const release = () => {
      presence.close();
      audioOutput.detachFromRoom();
    };
    return {
      strategy: this.name,
      sessionId: id,
      audioOutput,
      mutesAgent: false,
      waitShown: (timeoutMs) => presence.waitShown(timeoutMs),
      end: async (_reason, opts) => {
        presence.close();
        await endSession({
          room: ctx.room,
          avatarIdentity: options.avatarIdentity,
          sessionId: id,
          client,
          workerGone: opts?.workerGone,
        });
        audioOutput.detachFromRoom();
      },
      replace: async (reason) => {
        // Watch for the newcomer only: the current worker has the same identity.
        const next = new AvatarPresence(ctx.room, options.avatarIdentity);
        let nextId: string | undefined;
        try {
          nextId = await this.#create(ctx);
          await next.waitShown(options.avatarJoinTimeoutMs, ctx.signal);
        } catch (error) {
          next.close();
          if (nextId) await cancelSession(client, nextId);
          throw error;
        }
        // The newcomer displaced the old worker (same identity): END_CALL would reach the newcomer,
        // so the old session is cancelled through the API.
        release();
        await cancelSession(client, id);
        log().info(
          { sessionId: nextId, previousSessionId: id, reason },
          'Runway avatar session replaced',
        );
        return this.#activate(ctx, nextId, next);
      },
      onLost: (listener) => {
        const off = presence.onLeft(listener);
        const timer = setTimeout(() => {
          if (!presence.shown) listener('the avatar did not join with video in time');
        }, options.avatarJoinTimeoutMs);
        return () => {
          off();
          clearTimeout(timer);
        };
      },
    };
  }
}
