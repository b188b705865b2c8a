// Real-room pieces of the benches: LiveKit tokens, connecting participants, a shared monotonic clock, and
// the moment a participant's first video frame arrives.
import {
  type RemoteTrack,
  Room,
  RoomEvent,
  TrackKind,
  type VideoFrame,
  VideoStream,
} from '@livekit/rtc-node';
import { AccessToken } from 'livekit-server-sdk';

/** A LiveKit server's URL and keys. The secret and tokens are never printed. */
export interface LiveKitCreds {
  url: string;
  apiKey: string;
  apiSecret: string;
}

/**
 * Milliseconds of the system's monotonic clock (`CLOCK_MONOTONIC`, via `process.hrtime`): one clock for
 * every process of the run, so arrival times taken in different processes compare directly.
 */
export function monoMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** A join token for `identity` in `room` (kind `standard` unless given). Never log it. */
export function mintToken(
  lk: LiveKitCreds,
  opts: { identity: string; room: string; kind?: 'agent' | 'standard' },
): Promise<string> {
  const at = new AccessToken(lk.apiKey, lk.apiSecret, { identity: opts.identity, ttl: '30m' });
  if (opts.kind === 'agent') at.kind = 'agent';
  at.addGrant({
    room: opts.room,
    roomJoin: true,
    canPublish: true,
    canSubscribe: true,
    canPublishData: true,
  });
  return at.toJwt();
}

/** Connects a new participant (dynacast off, as the plugin's rooms). */
export async function connectRoom(
  lk: LiveKitCreds,
  opts: { identity: string; room: string; kind?: 'agent' | 'standard'; autoSubscribe: boolean },
): Promise<Room> {
  const room = new Room();
  await room.connect(lk.url, await mintToken(lk, opts), {
    autoSubscribe: opts.autoSubscribe,
    dynacast: false,
  });
  return room;
}

/** The first subscribed video track in `room` (of `identity`, when given), as soon as there is one. */
export function videoTrack(
  room: Room,
  identity?: string,
  timeoutMs = 30_000,
): Promise<RemoteTrack> {
  for (const p of room.remoteParticipants.values()) {
    if (identity !== undefined && p.identity !== identity) continue;
    for (const pub of p.trackPublications.values()) {
      if (pub.track && pub.kind === TrackKind.KIND_VIDEO) return Promise.resolve(pub.track);
    }
  }
  return new Promise((resolve, reject) => {
    const onTrack = (track: RemoteTrack, _pub: unknown, p: { identity: string }) => {
      if (track.kind !== TrackKind.KIND_VIDEO) return;
      if (identity !== undefined && p.identity !== identity) return;
      clearTimeout(timer);
      room.off(RoomEvent.TrackSubscribed, onTrack);
      resolve(track);
    };
    const timer = setTimeout(() => {
      room.off(RoomEvent.TrackSubscribed, onTrack);
      reject(new Error(`no video track within ${timeoutMs} ms`));
    }, timeoutMs);
    room.on(RoomEvent.TrackSubscribed, onTrack);
  });
}

/** Reads one frame of `track` and resolves with its arrival ({@link monoMs}) and the frame. */
export async function firstFrame(
  track: RemoteTrack,
  timeoutMs = 30_000,
): Promise<{ atMs: number; frame: VideoFrame }> {
  const reader = new VideoStream(track).getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const read = reader.read().then(({ value, done }) => {
      if (done || !value) throw new Error('video stream ended before its first frame');
      return { atMs: monoMs(), frame: value.frame };
    });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no video frame within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    return await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
    void reader.cancel().catch(() => {});
  }
}
