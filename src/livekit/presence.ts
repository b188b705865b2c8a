// Tracks the avatar participant of one Runway session in a room: when its worker has joined and published
// video, and when that same participant (not a replacement under the same identity) leaves.
import { type RemoteParticipant, type Room, RoomEvent, TrackKind } from '@livekit/rtc-node';
import { RunwayAvatarError } from '../errors.js';

function hasVideo(p: RemoteParticipant): boolean {
  for (const pub of p.trackPublications.values())
    if (pub.kind === TrackKind.KIND_VIDEO) return true;
  return false;
}

/**
 * Watches for the participant `identity` that joins from now on. One already in the room is never this
 * session's worker (it was there before the session was created): typically the previous session's worker
 * still leaving after END_CALL. A worker joining under the same identity displaces such a participant;
 * `left` fires only for the participant this watch adopted.
 */
export class AvatarPresence {
  #participant: RemoteParticipant | undefined;
  #shown = false;
  #closed = false;
  readonly #shownWaiters = new Set<() => void>();
  readonly #leftListeners = new Set<(reason: string) => void>();

  constructor(
    private readonly room: Room,
    private readonly identity: string,
  ) {
    room.on(RoomEvent.ParticipantConnected, this.#onConnected);
    room.on(RoomEvent.TrackPublished, this.#onTrackPublished);
    room.on(RoomEvent.ParticipantDisconnected, this.#onDisconnected);
  }

  /** True once the worker joined and published video. */
  get shown(): boolean {
    return this.#shown;
  }

  #adopt(p: RemoteParticipant): void {
    this.#participant = p;
    if (hasVideo(p)) this.#markShown();
  }

  #markShown(): void {
    if (this.#shown) return;
    this.#shown = true;
    for (const resolve of this.#shownWaiters) resolve();
    this.#shownWaiters.clear();
  }

  #onConnected = (p: RemoteParticipant): void => {
    if (p.identity === this.identity && !this.#participant) this.#adopt(p);
  };

  #onTrackPublished = (pub: { kind?: TrackKind }, p: RemoteParticipant): void => {
    if (p === this.#participant && pub.kind === TrackKind.KIND_VIDEO) this.#markShown();
  };

  #onDisconnected = (p: RemoteParticipant): void => {
    if (this.#closed || !this.#participant || p.sid !== this.#participant.sid) return;
    this.close();
    for (const listener of this.#leftListeners) listener('the avatar participant left the room');
  };

  /** Resolves once shown; rejects after `timeoutMs` (`null`: never) or when `signal` aborts. */
  waitShown(timeoutMs: number | null, signal?: AbortSignal): Promise<void> {
    if (this.#shown) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#shownWaiters.delete(onShown);
        if (error) reject(error);
        else resolve();
      };
      const onShown = () => done();
      const onAbort = () =>
        done(
          signal?.reason ?? new RunwayAvatarError('CLOSED', 'aborted while waiting for the avatar'),
        );
      const timer =
        timeoutMs === null
          ? undefined
          : setTimeout(
              () =>
                done(
                  new RunwayAvatarError(
                    'AVATAR_JOIN_TIMEOUT',
                    `the avatar did not join with video within ${timeoutMs} ms`,
                  ),
                ),
              timeoutMs,
            );
      this.#shownWaiters.add(onShown);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Calls `listener` when the adopted participant leaves. */
  onLeft(listener: (reason: string) => void): () => void {
    this.#leftListeners.add(listener);
    return () => this.#leftListeners.delete(listener);
  }

  /** Stops watching (an ending session must not report its own departure as a loss). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.room.off(RoomEvent.ParticipantConnected, this.#onConnected);
    this.room.off(RoomEvent.TrackPublished, this.#onTrackPublished);
    this.room.off(RoomEvent.ParticipantDisconnected, this.#onDisconnected);
  }
}
