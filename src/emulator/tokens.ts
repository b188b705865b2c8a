// Secrets the emulator mints: API keys, `stk_` session keys, and LiveKit tokens for hosted rooms.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AccessToken } from 'livekit-server-sdk';
import type { EmulatorLiveKitOptions } from './types.js';

/** URL consume returns when the emulator has no LiveKit server. @public */
export const PLACEHOLDER_LIVEKIT_URL = 'wss://emulator.invalid';

/** A Runway-format API key: `key_` + 128 hex digits. @public */
export function generateApiKey(): string {
  return `key_${randomBytes(64).toString('hex')}`;
}

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/** An HS256 JWT signed with `secret` (used for session keys and placeholder LiveKit tokens). */
function signJwt(payload: Record<string, unknown>, secret: Buffer): string {
  const head = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

/** The hidden backend handler's identity in a hosted session's room (the emulator's choice). @public */
export function backendIdentity(sessionId: string): string {
  return `backend:${sessionId}`;
}

/** Compares two secrets in constant time. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Mints the emulator's secrets with one per-emulator signing key. */
export class TokenMint {
  readonly #secret = randomBytes(32);

  /** A sessionKey as Runway shows it: `stk_` + a JWT. */
  sessionKey(sessionId: string, expiresAtMs: number): string {
    const iat = Math.floor(Date.now() / 1000);
    const exp = Math.ceil(expiresAtMs / 1000);
    return `stk_${signJwt({ sid: sessionId, iat, exp, jti: randomBytes(8).toString('hex') }, this.#secret)}`;
  }

  /**
   * Credentials consume returns for room `<sessionId>`, identity `user:<sessionId>`: a real LiveKit
   * token when `livekit` is set, else the placeholder URL and a dummy (unusable) JWT.
   */
  async consumerCredentials(
    sessionId: string,
    livekit: EmulatorLiveKitOptions | undefined,
    ttlS: number,
  ): Promise<{ url: string; token: string; roomName: string }> {
    const identity = `user:${sessionId}`;
    if (!livekit) {
      const exp = Math.floor(Date.now() / 1000) + ttlS;
      const token = signJwt({ sub: identity, exp, video: { room: sessionId } }, this.#secret);
      return { url: PLACEHOLDER_LIVEKIT_URL, token, roomName: sessionId };
    }
    const at = new AccessToken(livekit.apiKey, livekit.apiSecret, { identity, ttl: ttlS });
    at.addGrant({
      roomJoin: true,
      room: sessionId,
      canPublish: true,
      canSubscribe: true,
      canPublishData: true,
    });
    return { url: livekit.url, token: await at.toJwt(), roomName: sessionId };
  }

  /**
   * Credentials connect_backend returns: identity {@link backendIdentity}, HIDDEN (other
   * participants do not see it), data and RPC only (no tracks); the placeholder without `livekit`.
   */
  async backendCredentials(
    sessionId: string,
    livekit: EmulatorLiveKitOptions | undefined,
    ttlS: number,
  ): Promise<{ url: string; token: string; roomName: string }> {
    const identity = backendIdentity(sessionId);
    if (!livekit) {
      const exp = Math.floor(Date.now() / 1000) + ttlS;
      const video = { room: sessionId, hidden: true };
      const token = signJwt({ sub: identity, exp, video }, this.#secret);
      return { url: PLACEHOLDER_LIVEKIT_URL, token, roomName: sessionId };
    }
    const at = new AccessToken(livekit.apiKey, livekit.apiSecret, { identity, ttl: ttlS });
    at.addGrant({
      roomJoin: true,
      room: sessionId,
      hidden: true,
      canPublish: false,
      canSubscribe: false,
      canPublishData: true,
    });
    return { url: livekit.url, token: await at.toJwt(), roomName: sessionId };
  }

  /** Token for the avatar worker in a hosted room: identity `worker:<sessionId>`, kind agent. */
  async workerToken(sessionId: string, livekit: EmulatorLiveKitOptions, ttlS: number) {
    const identity = `worker:${sessionId}`;
    const at = new AccessToken(livekit.apiKey, livekit.apiSecret, { identity, ttl: ttlS });
    at.kind = 'agent';
    at.addGrant({
      roomJoin: true,
      room: sessionId,
      canPublish: true,
      canSubscribe: true,
      canPublishData: true,
    });
    return { identity, token: await at.toJwt() };
  }
}
