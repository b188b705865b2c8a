// Ending a Runway session: END_CALL to its worker in the room (ends COMPLETED), else DELETE (CANCELLED).
import type { Room } from '@livekit/rtc-node';
import type { RunwayClient } from '../api/client.js';
import { isTerminalStatus } from '../api/types.js';
import { log, PII } from '../log.js';

const END_CALL = new TextEncoder().encode(JSON.stringify({ type: 'END_CALL' }));

/** How a session was ended. */
export type EndOutcome = 'end_call' | 'cancelled' | 'gone' | 'failed';

/** Input of {@link endSession}. */
export interface EndSessionInput {
  /** The room where Runway's worker is (the agent's room, or Runway's own room when hosted). */
  room: Room;
  /** The worker's identity in that room. */
  avatarIdentity: string;
  sessionId: string;
  client: RunwayClient;
  /** How long to wait for the session to end after END_CALL before falling back to DELETE; default 8000. */
  leaveTimeoutMs?: number;
  /** The worker is known to be gone: no END_CALL, DELETE at once. */
  workerGone?: boolean;
}

/** Interval of the status checks after END_CALL, ms. */
const END_POLL_MS = 250;
/** How long to watch the status when the worker is not seen in the room, ms. */
const ABSENT_WAIT_MS = 1500;

/** Polls the session until it is terminal or `timeoutMs` passes; its last status, if known. */
async function settle(client: RunwayClient, sessionId: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const session = await client.retrieveSession(sessionId).catch(() => undefined);
    if (session && isTerminalStatus(session.status)) return session.status;
    if (Date.now() >= deadline) return session?.status;
    await new Promise((r) => setTimeout(r, END_POLL_MS));
  }
}

/**
 * Sends a reliable `{"type":"END_CALL"}` to the worker while the room is connected (Runway then ends
 * the session COMPLETED), and watches the session's status rather than the room: at job shutdown
 * agents-js disconnects the room right after the agent session closes, and Runway's worker also ends
 * the session when the trusted agent leaves. DELETE only if the session has not ended within
 * `leaveTimeoutMs`, or when END_CALL could not be sent at all. Failures are logged, never thrown.
 */
export async function endSession(input: EndSessionInput): Promise<EndOutcome> {
  const logger = log();
  const { room, avatarIdentity, sessionId } = input;
  if (!input.workerGone && room.isConnected && room.localParticipant) {
    // Read before sending: a job shutdown disconnects (and empties) the room right after. A worker that
    // is not in the room gets a short wait: it has probably gone.
    const present = room.remoteParticipants.has(avatarIdentity);
    const waitMs = present ? (input.leaveTimeoutMs ?? 8000) : ABSENT_WAIT_MS;
    try {
      await room.localParticipant.publishData(END_CALL, {
        reliable: true,
        destination_identities: [avatarIdentity],
      });
      const status = await settle(input.client, sessionId, waitMs);
      if (status === 'COMPLETED' || status === 'FAILED' || status === 'CANCELLED') {
        logger.debug(
          { sessionId, status, [PII.avatarIdentity]: avatarIdentity },
          'Runway session ended after END_CALL',
        );
        return status === 'CANCELLED' ? 'cancelled' : 'end_call';
      }
      logger.warn(
        { sessionId, status },
        'Runway session did not end after END_CALL; cancelling it',
      );
    } catch (error) {
      // Typically the room was disconnected while the message was going out (a job shutdown): it may
      // have reached the worker all the same, so the status gets the short wait before a DELETE.
      const status = await settle(input.client, sessionId, ABSENT_WAIT_MS);
      if (status === 'COMPLETED' || status === 'FAILED' || status === 'CANCELLED') {
        logger.debug(
          { sessionId, status, error: String(error) },
          'END_CALL reported a failure, but the Runway session ended',
        );
        return status === 'CANCELLED' ? 'cancelled' : 'end_call';
      }
      logger.warn(
        { sessionId, error: String(error) },
        'could not send END_CALL; cancelling the Runway session',
      );
    }
  }
  return cancelSession(input.client, sessionId);
}

/** DELETEs a session; logs and swallows failures (a leaked session is reported, never thrown). */
export async function cancelSession(client: RunwayClient, sessionId: string): Promise<EndOutcome> {
  const logger = log();
  try {
    const outcome = await client.cancelSession(sessionId);
    logger.debug({ sessionId, outcome }, 'cancelled Runway session');
    return outcome;
  } catch (error) {
    logger.error(
      { sessionId, error: String(error) },
      'could not cancel Runway session; it may bill until Runway ends it',
    );
    return 'failed';
  }
}
