// Mints the avatar worker's LiveKit token: kind agent, publishes on behalf of the agent, this room only.
import { AccessToken } from 'livekit-server-sdk';
import type { LiveKitCredentials } from './credentials.js';

/** Participant attribute naming the agent an avatar publishes for (not exported by @livekit/agents). */
export const ATTRIBUTE_PUBLISH_ON_BEHALF = 'lk.publish_on_behalf';

/** Slack added to the session length for the token's lifetime, seconds. */
const TOKEN_TTL_MARGIN_S = 60;
/** Runway's default session length when maxDuration is not given, seconds. */
const DEFAULT_SESSION_S = 300;

/** Input for {@link mintAvatarToken}. */
export interface AvatarTokenRequest {
  credentials: LiveKitCredentials;
  roomName: string;
  avatarIdentity: string;
  avatarName: string;
  agentIdentity: string;
  /** Session length in seconds (Runway's maxDuration). */
  maxDurationS?: number;
}

/** Mints a JWT that lets the avatar join only `roomName`, publish, subscribe and send data. */
export async function mintAvatarToken(req: AvatarTokenRequest): Promise<string> {
  const token = new AccessToken(req.credentials.apiKey, req.credentials.apiSecret, {
    identity: req.avatarIdentity,
    name: req.avatarName,
    ttl: (req.maxDurationS ?? DEFAULT_SESSION_S) + TOKEN_TTL_MARGIN_S,
    attributes: { [ATTRIBUTE_PUBLISH_ON_BEHALF]: req.agentIdentity },
  });
  token.kind = 'agent';
  token.addGrant({
    roomJoin: true,
    room: req.roomName,
    canPublish: true,
    canSubscribe: true,
    canPublishData: true,
  });
  return token.toJwt();
}
