// Ending a Runway session: END_CALL to its worker in the room (ends COMPLETED), else DELETE (CANCELLED).
import { type Room, RoomEvent } from '@livekit/rtc-node';
import type { RunwayClient } from '../api/client.js';
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
  /** How long to wait for the avatar to leave after END_CALL before falling back to DELETE. */
  leaveTimeoutMs?: number;
}

/** How the wait for the worker's departure ended. */
type LeaveOutcome = 'left' | 'room_closed' | 'timeout';

function waitForLeave(room: Room, identity: string, timeoutMs: number): Promise<LeaveOutcome> {
  if (!room.remoteParticipants.has(identity)) return Promise.resolve('left');
  return new Promise((resolve) => {
    const done = (outcome: LeaveOutcome) => {
      clearTimeout(timer);
      room.off(RoomEvent.ParticipantDisconnected, onLeft);
      room.off(RoomEvent.Disconnected, onRoomGone);
      resolve(outcome);
    };
    const onLeft = (p: { identity: string }) => p.identity === identity && done('left');
    const onRoomGone = () => done('room_closed');
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    room.on(RoomEvent.ParticipantDisconnected, onLeft);
    room.on(RoomEvent.Disconnected, onRoomGone);
  });
}

/** Polls the session until it is terminal or `timeoutMs` passes; true when it ended. */
async function endsWithin(
  client: RunwayClient,
  sessionId: string,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const session = await client.retrieveSession(sessionId).catch(() => undefined);
    if (session && ['COMPLETED', 'FAILED', 'CANCELLED'].includes(session.status)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, END_POLL_MS));
  }
}

/** Interval of the status check when the room closed right after END_CALL, ms. */
const END_POLL_MS = 250;

/**
 * Sends a reliable `{"type":"END_CALL"}` to the avatar when it is in the room and waits for it to
 * leave. If the room closes meanwhile (job shutdown disconnects it right after the agent session
 * closes), the session's status decides: DELETE only if it has not ended. When the avatar is absent,
 * the packet fails or the avatar stays, DELETEs the session. Failures are logged, never thrown.
 */
export async function endSession(input: EndSessionInput): Promise<EndOutcome> {
  const logger = log();
  const { room, avatarIdentity, sessionId } = input;
  const leaveTimeoutMs = input.leaveTimeoutMs ?? 3000;
  if (room.isConnected && room.localParticipant && room.remoteParticipants.has(avatarIdentity)) {
    try {
      await room.localParticipant.publishData(END_CALL, {
        reliable: true,
        destination_identities: [avatarIdentity],
      });
      const outcome = await waitForLeave(room, avatarIdentity, leaveTimeoutMs);
      if (
        outcome === 'left' ||
        (outcome === 'room_closed' && (await endsWithin(input.client, sessionId, leaveTimeoutMs)))
      ) {
        logger.debug(
          { sessionId, [PII.avatarIdentity]: avatarIdentity },
          'ended Runway session with END_CALL',
        );
        return 'end_call';
      }
      logger.warn(
        { sessionId, outcome },
        'Runway session did not end after END_CALL; cancelling it',
      );
    } catch (error) {
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
