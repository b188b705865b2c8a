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

function waitForLeave(room: Room, identity: string, timeoutMs: number): Promise<boolean> {
  if (!room.remoteParticipants.has(identity)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (left: boolean) => {
      clearTimeout(timer);
      room.off(RoomEvent.ParticipantDisconnected, onLeft);
      room.off(RoomEvent.Disconnected, onRoomGone);
      resolve(left);
    };
    const onLeft = (p: { identity: string }) => p.identity === identity && done(true);
    const onRoomGone = () => done(false);
    const timer = setTimeout(() => done(false), timeoutMs);
    room.on(RoomEvent.ParticipantDisconnected, onLeft);
    room.on(RoomEvent.Disconnected, onRoomGone);
  });
}

/**
 * Sends a reliable `{"type":"END_CALL"}` to the avatar when it is in the room and waits for it to
 * leave; when the room is gone, the avatar absent, the packet fails or the avatar stays, DELETEs the
 * session. Failures are logged, never thrown.
 */
export async function endSession(input: EndSessionInput): Promise<EndOutcome> {
  const logger = log();
  const { room, avatarIdentity, sessionId } = input;
  if (room.isConnected && room.localParticipant && room.remoteParticipants.has(avatarIdentity)) {
    try {
      await room.localParticipant.publishData(END_CALL, {
        reliable: true,
        destination_identities: [avatarIdentity],
      });
      if (await waitForLeave(room, avatarIdentity, input.leaveTimeoutMs ?? 3000)) {
        logger.debug(
          { sessionId, [PII.avatarIdentity]: avatarIdentity },
          'ended Runway session with END_CALL',
        );
        return 'end_call';
      }
      logger.warn({ sessionId }, 'avatar stayed after END_CALL; cancelling the Runway session');
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
