// Dev tooling: one agent job as a user causes it: create a room (the worker is dispatched into it), join
// as a simulated user, wait to see and hear the avatar, leave and delete the room (the job ends).
// Used by the deployment e2e test and the jobs benchmark.
import { RoomServiceClient } from 'livekit-server-sdk';
import { SimulatedUser } from '../demo/user.js';
import type { LiveKitServerHandle } from './livekit_server.js';

/** What the user of one job saw and heard. */
export interface UserJobOutcome {
  room: string;
  /** `Date.now()` when the room was created: the worker is dispatched from here. */
  createdAtMs: number;
  userJoinedAtMs: number;
  /** `Date.now()` of the avatar's first video frame at the user; undefined if none came. */
  firstFrameAtMs: number | undefined;
  framesReceived: number;
  heardMs: number;
  avatarIdentity: string | undefined;
  /** Whether the user spoke {@link UserJobOptions.nudge}'s line (nothing heard in time after the face). */
  nudged: boolean;
  /** What went wrong, if the avatar was not both seen and heard in time. */
  error?: string;
}

/** Options of {@link runUserJob}. */
export interface UserJobOptions {
  room: string;
  /** Audible avatar audio to wait for, ms. */
  heardMs: number;
  /** Longest wait for the avatar's first frame and then the audio, ms. */
  timeoutMs: number;
  /** False: expect no avatar (a baseline job); the user only joins. Default true. */
  video?: boolean;
  /** Runs once the avatar was seen and heard, before the user leaves (e.g. measure the job meanwhile). */
  hold?: () => Promise<void>;
  /**
   * Speak `line` once if less than `heardMs` was heard `afterMs` after the avatar's first frame, as a
   * person would when the avatar stays silent; the avatar then has a turn to answer. Default: never.
   */
  nudge?: { afterMs: number; line: string };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs one job as described in the file comment. Never throws: failures are in `error`. */
export async function runUserJob(
  server: Pick<LiveKitServerHandle, 'url' | 'httpUrl' | 'apiKey' | 'apiSecret'>,
  opts: UserJobOptions,
): Promise<UserJobOutcome> {
  const rooms = new RoomServiceClient(server.httpUrl, server.apiKey, server.apiSecret);
  await rooms.createRoom({ name: opts.room, emptyTimeout: 30 });
  const createdAtMs = Date.now();
  let user: SimulatedUser | undefined;
  let error: string | undefined;
  let nudged = false;
  const deadline = createdAtMs + opts.timeoutMs;
  try {
    user = await SimulatedUser.join({
      url: server.url,
      apiKey: server.apiKey,
      apiSecret: server.apiSecret,
      room: opts.room,
      identity: 'user',
      planMs: opts.timeoutMs,
      maxRecordMs: 1000,
    });
    const shown = user.avatarTracks.then(() => user?.video?.firstFrame);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>((r) => {
      timer = setTimeout(() => r('timeout'), opts.timeoutMs);
    });
    const outcome = opts.video === false ? 'no avatar' : await Promise.race([shown, timedOut]);
    clearTimeout(timer);
    if (outcome === 'no avatar') {
      // Nothing to wait for.
    } else if (outcome === 'timeout') {
      error = 'no avatar video and audio tracks in time';
    } else {
      const heard = () => (user?.audio?.audibleMs ?? 0) >= opts.heardMs;
      const nudgeAt = Date.now() + (opts.nudge?.afterMs ?? Number.POSITIVE_INFINITY);
      while (!heard() && Date.now() < deadline) {
        if (opts.nudge && !nudged && Date.now() >= nudgeAt) {
          nudged = true;
          void user.say(opts.nudge.line);
        }
        await sleep(100);
      }
      if ((user.audio?.audibleMs ?? 0) < opts.heardMs) error = 'the avatar was not heard in time';
    }
  } catch (e) {
    error = `user failed: ${(e as Error).message}`;
  }
  if (!error) await opts.hold?.();
  const stats = user?.video?.stats();
  const outcome: UserJobOutcome = {
    room: opts.room,
    createdAtMs,
    userJoinedAtMs: user?.joinedAtMs ?? 0,
    firstFrameAtMs: stats?.firstFrameAtMs,
    framesReceived: stats?.framesReceived ?? 0,
    heardMs: user?.audio?.audibleMs ?? 0,
    avatarIdentity: user?.avatarIdentity,
    nudged,
    ...(error ? { error } : {}),
  };
  await user?.leave();
  // Deleting the room disconnects the agent: the job shuts down and ends its Runway session.
  await rooms.deleteRoom(opts.room).catch(() => {});
  return outcome;
}
