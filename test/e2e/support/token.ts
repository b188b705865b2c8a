// Mints LiveKit access tokens for e2e participants, signed with the e2e server's keys.
import { AccessToken, type VideoGrant } from 'livekit-server-sdk';
import { liveKitEnv } from './env.js';

/** Options of {@link mintToken}. */
export interface MintTokenOptions {
  identity: string;
  room: string;
  /** Participant kind (`standard`, `agent`, ...); default `standard`. */
  kind?: string;
  name?: string;
  attributes?: Record<string, string>;
  /** Extra grants, merged over `{ room, roomJoin, canPublish, canSubscribe, canPublishData }`. */
  grants?: Partial<VideoGrant>;
  /** Token lifetime (seconds, or a duration string such as `10m`); default `10m`. */
  ttl?: number | string;
  /** Keys to sign with; default: the e2e server's ({@link liveKitEnv}). */
  apiKey?: string;
  apiSecret?: string;
}

/** Returns a signed JWT that lets `identity` join `room` and publish/subscribe. Never log it. */
export async function mintToken(opts: MintTokenOptions): Promise<string> {
  const env = opts.apiKey && opts.apiSecret ? undefined : liveKitEnv();
  const at = new AccessToken(opts.apiKey ?? env!.apiKey, opts.apiSecret ?? env!.apiSecret, {
    identity: opts.identity,
    name: opts.name,
    attributes: opts.attributes,
    ttl: opts.ttl ?? '10m',
  });
  if (opts.kind) at.kind = opts.kind;
  at.addGrant({
    room: opts.room,
    roomJoin: true,
    canPublish: true,
    canSubscribe: true,
    canPublishData: true,
    ...opts.grants,
  });
  return at.toJwt();
}
