// Joining a room as a worker: classify a refused join without ever exposing the token.
import type { Room } from '@livekit/rtc-node';

/** Why a join failed: the token was refused (401/403), or anything else (`detail` is redacted). */
export type JoinFailure = { kind: 'token_rejected' } | { kind: 'join_failed'; detail: string };

/** Connect-error text with anything token-shaped removed. */
export function redactJoinError(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/g, '[redacted]').slice(0, 300);
}

/**
 * Connects `room` (no auto-subscribe unless asked, no dynacast unless asked). Resolves `undefined` on
 * success or the failure; never rejects.
 */
export async function joinRoom(
  room: Room,
  url: string,
  token: string,
  autoSubscribe = false,
  dynacast = false,
): Promise<JoinFailure | undefined> {
  try {
    await room.connect(url, token, { autoSubscribe, dynacast });
    return undefined;
  } catch (err) {
    const detail = redactJoinError(err);
    if (
      /\b40[13]\b|unauthori[sz]ed|permission denied|invalid (authorization )?token/i.test(detail)
    ) {
      return { kind: 'token_rejected' };
    }
    return { kind: 'join_failed', detail };
  }
}
