// Room connects that stop when the avatar session closes. rtc-node's connect takes no AbortSignal, so an
// aborted connect rejects at once and the room is disconnected as soon as the connect settles.
import type { Room } from '@livekit/rtc-node';
import { RunwayAvatarError } from '../errors.js';

/**
 * Connects `room`. When `signal` aborts first, rejects with its reason and leaves the room once the
 * connect has settled (no participant stays behind). A refused or failed connect rejects with a
 * {@link RunwayAvatarError} `ROOM_CONNECT_FAILED` naming `what`; the original error is its `cause`.
 */
export async function connectRoom(
  room: Room,
  url: string,
  token: string,
  options: Parameters<Room['connect']>[2],
  what: string,
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted();
  const connecting = room.connect(url, token, options).then(
    () => undefined,
    (error: unknown) => {
      throw new RunwayAvatarError('ROOM_CONNECT_FAILED', `could not connect to ${what}`, {
        cause: error,
      });
    },
  );
  if (!signal) return connecting;
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([connecting, aborted]);
  } catch (error) {
    if (signal.aborted) void connecting.then(() => room.disconnect()).catch(() => {});
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
