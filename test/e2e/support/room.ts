// Connects rtc-node participants to the e2e server and disconnects them when the test finishes.
import { Room, type RoomOptions } from '@livekit/rtc-node';
import { onTestFinished } from 'vitest';
import { liveKitEnv } from './env.js';

const openRooms = new Set<Room>();

/** Options of {@link connectParticipant}. */
export interface ConnectParticipantOptions {
  token: string;
  /** Default: the e2e server's URL ({@link liveKitEnv}). */
  url?: string;
  roomOptions?: Partial<RoomOptions>;
}

/**
 * Connects a new `Room` and registers its disconnect to run when the current test finishes
 * (`onTestFinished`). Called outside a test (e.g. in `beforeAll`), the room is tracked instead and
 * must be closed with {@link disconnectAllParticipants} in `afterAll`.
 */
export async function connectParticipant(opts: ConnectParticipantOptions): Promise<Room> {
  const room = new Room();
  openRooms.add(room);
  try {
    onTestFinished(() => disconnectParticipant(room));
  } catch {
    // Not inside a test: disconnectAllParticipants() cleans up.
  }
  await room.connect(opts.url ?? liveKitEnv().url, opts.token, {
    autoSubscribe: true,
    dynacast: false,
    ...opts.roomOptions,
  });
  return room;
}

/** Disconnects one participant (idempotent). */
export async function disconnectParticipant(room: Room): Promise<void> {
  if (!openRooms.delete(room)) return;
  await room.disconnect();
}

/** Disconnects every participant opened by {@link connectParticipant} and not yet closed. */
export async function disconnectAllParticipants(): Promise<void> {
  await Promise.all([...openRooms].map((room) => disconnectParticipant(room)));
}
