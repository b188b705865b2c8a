// endSession when END_CALL's send reports a failure (the room closing under it): the status decides.
import type { Room } from '@livekit/rtc-node';
import { describe, expect, it } from 'vitest';
import type { RunwayClient } from '../../../src/api/client.js';
import { endSession } from '../../../src/ending/end_session.js';

/** A connected room whose publishData rejects as rtc-node does when the engine closes under it. */
function closingRoom(): Room {
  return {
    isConnected: true,
    remoteParticipants: new Map([['runway-avatar-agent', {}]]),
    localParticipant: {
      publishData: () => Promise.reject(new Error('engine: connection error: engine is closed')),
    },
  } as unknown as Room;
}

/** A client whose session reports `statuses` in turn (the last one repeats); counts DELETEs. */
function client(statuses: string[]) {
  const calls = { retrieve: 0, cancel: 0 };
  const fake = {
    retrieveSession: async () => ({
      id: 's',
      status: statuses[Math.min(calls.retrieve++, statuses.length - 1)],
    }),
    cancelSession: async () => {
      calls.cancel++;
      return 'cancelled';
    },
  } as unknown as RunwayClient;
  return { fake, calls };
}

describe('endSession, END_CALL send failed', () => {
  it('a session that ends anyway (the message went out) is not DELETEd', async () => {
    const { fake, calls } = client(['RUNNING', 'COMPLETED']);
    const outcome = await endSession({
      room: closingRoom(),
      avatarIdentity: 'runway-avatar-agent',
      sessionId: 's',
      client: fake,
    });
    expect(outcome).toBe('end_call');
    expect(calls.cancel).toBe(0);
  });

  it('a session still running after the short wait is DELETEd', async () => {
    const { fake, calls } = client(['RUNNING']);
    const t0 = Date.now();
    const outcome = await endSession({
      room: closingRoom(),
      avatarIdentity: 'runway-avatar-agent',
      sessionId: 's',
      client: fake,
    });
    expect(outcome).toBe('cancelled');
    expect(calls.cancel).toBe(1);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
