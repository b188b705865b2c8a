// Bring-your-own-room: Runway's worker joins the agent's room and lip-syncs the agent's TTS audio.
import { TrackKind } from '@livekit/rtc-node';
import { endSession } from '../lifecycle/end_session.js';
import { RunwayAudioOutput } from '../livekit/audio_output.js';
import { assertReachableByRunway } from '../livekit/credentials.js';
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
    const audioOutput = new RunwayAudioOutput({
      room: ctx.room,
      destinationIdentity: options.avatarIdentity,
      sampleRate: AVATAR_SAMPLE_RATE,
      waitRemoteTrack: TrackKind.KIND_VIDEO,
      clearBufferTimeoutMs: options.clearBufferTimeoutMs,
    });
    return {
      strategy: this.name,
      sessionId: id,
      audioOutput,
      mutesAgent: false,
      end: async () => {
        await endSession({
          room: ctx.room,
          avatarIdentity: options.avatarIdentity,
          sessionId: id,
          client,
        });
        audioOutput.detachFromRoom();
      },
    };
  }
}
