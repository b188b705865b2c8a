// The avatar's LiveKit token: kind agent, lk.publish_on_behalf, this room only, TTL tied to the session.
import { TokenVerifier } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import { mintAvatarToken } from '../../../src/livekit/token.js';

const credentials = {
  url: 'wss://x',
  apiKey: 'APIkey',
  apiSecret: 'a-secret-that-is-at-least-32-chars-long',
};

describe('mintAvatarToken', () => {
  it('grants exactly what the avatar needs', async () => {
    const jwt = await mintAvatarToken({
      credentials,
      roomName: 'room-1',
      avatarIdentity: 'runway-avatar-agent',
      avatarName: 'Runway',
      agentIdentity: 'agent-AJ_1',
      maxDurationS: 120,
    });
    const claims = await new TokenVerifier(credentials.apiKey, credentials.apiSecret).verify(jwt);
    expect(claims.sub).toBe('runway-avatar-agent');
    expect(claims.name).toBe('Runway');
    expect(claims.kind).toBe('agent');
    expect(claims.attributes).toEqual({ 'lk.publish_on_behalf': 'agent-AJ_1' });
    expect(claims.video).toMatchObject({
      roomJoin: true,
      room: 'room-1',
      canPublish: true,
      canSubscribe: true,
      canPublishData: true,
    });
    expect(claims.exp! - claims.nbf!).toBe(180);
  });

  it('defaults the lifetime to Runway default session length plus margin', async () => {
    const jwt = await mintAvatarToken({
      credentials,
      roomName: 'r',
      avatarIdentity: 'a',
      avatarName: 'a',
      agentIdentity: 'g',
    });
    const claims = await new TokenVerifier(credentials.apiKey, credentials.apiSecret).verify(jwt);
    expect(claims.exp! - claims.nbf!).toBe(360);
  });
});
