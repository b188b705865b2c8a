// Waiting helpers for e2e tests: poll a predicate, or await one room event matching a filter.
import type { Room } from '@livekit/rtc-node';

// rtc-node does not export its event map; derive it from `Room.on` (type-level only).
declare const room: Room;
/** Name of a `Room` event (`'trackSubscribed'`, `'participantConnected'`, ...). */
export type RoomEventName = Parameters<Room['on']>[0];
/** Listener type of `Room` event `E`. */
export type RoomListener<E extends RoomEventName> = Parameters<typeof room.on<E>>[1];
/** Arguments of `Room` event `E`. */
export type RoomEventArgs<E extends RoomEventName> = Parameters<RoomListener<E>>;

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  timeoutMs: number;
  /** Named in the timeout error. */
  debugName: string;
  /** Poll period; default 20 ms. */
  intervalMs?: number;
}

/**
 * Polls `predicate` until it returns a truthy value, and resolves with that value.
 * @throws Error naming `debugName` after `timeoutMs` (with the predicate's last error, if any).
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  opts: WaitForOptions,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.debugName}${why}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 20));
  }
}

/**
 * Resolves with the arguments of the first `event` on `room` for which `filter` returns true.
 * @throws Error after `timeoutMs`, or when the room disconnects first.
 */
export function waitForRoomEvent<E extends RoomEventName>(
  room: Room,
  event: E,
  filter: (...args: RoomEventArgs<E>) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<RoomEventArgs<E>> {
  return new Promise((resolve, reject) => {
    const listener = ((...args: RoomEventArgs<E>) => {
      if (!filter(...args)) return;
      cleanup();
      resolve(args);
    }) as RoomListener<E>;
    const onDisconnected = () => {
      cleanup();
      reject(new Error(`room disconnected while waiting for ${event}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for room event ${event}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      room.off(event, listener);
      if (event !== 'disconnected') room.off('disconnected', onDisconnected);
    };
    room.on(event, listener);
    if (event !== 'disconnected') room.on('disconnected', onDisconnected);
  });
}
