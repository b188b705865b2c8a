// Parent side of the `world` role: a livekit-server plus the emulator and its avatar workers in a child
// process, and the plugin's AvatarSession on agent rooms in this one (concurrency and soak benches).
import { voice } from '@livekit/agents';
import type { Room } from '@livekit/rtc-node';
import { type LiveKitServerHandle, startLiveKitServer } from '../../scripts/lib/livekit_server.js';
import type { WorkerAudioOptions, WorkerVideoOptions } from '../../src/emulator/worker/types.js';
import { AvatarSession } from '../../src/index.js';
import { type ChildHandle, forkRole } from './ipc.js';
import type { WorldBilling } from './role_world.js';
import { connectRoom, type LiveKitCreds } from './rooms.js';

/**
 * Video of the emulated workers in the concurrency and soak benches: small, so that 50 workers fit on a
 * 2-core machine. These benches measure the plugin's cost, not the emulated worker's.
 */
export const SMALL_VIDEO: WorkerVideoOptions = { width: 160, height: 96, fps: 5 };

/**
 * Audio of the emulated workers in the same benches: 100 ms frames instead of 10 ms. rtc-node hands every
 * native event to every Room of a process, so 50 workers capturing 10 ms frames in one process cost
 * 50 × 100 × 50 listener calls per second, and starve it (their video publications then reach the
 * agents' rooms only after a minute). Same audio, a tenth of the events.
 */
export const SMALL_AUDIO: WorkerAudioOptions = { chunkMs: 100, queueMs: 200 };

/** A running world: LiveKit, and the emulator with its workers in a child process. */
export interface World {
  lk: LiveKitCreds;
  api: { url: string; apiKey: string };
  child: ChildHandle;
  billing(): Promise<WorldBilling>;
  close(): Promise<void>;
}

/** Starts livekit-server and the `world` child (emulator mode integration, workers with `video`, `audio`). */
export async function startWorld(
  video: WorkerVideoOptions,
  provisioningMs: number,
  audio: WorkerAudioOptions = SMALL_AUDIO,
): Promise<World> {
  let server: LiveKitServerHandle | undefined;
  let child: ChildHandle | undefined;
  try {
    [server, child] = await Promise.all([
      startLiveKitServer({ logLevel: 'warn' }),
      forkRole('world'),
    ]);
    const api = await child.call<{ url: string; apiKey: string }>('init', {
      provisioningMs,
      video,
      audio,
    });
    const s = server;
    const c = child;
    return {
      lk: { url: s.url, apiKey: s.apiKey, apiSecret: s.apiSecret },
      api,
      child: c,
      billing: () => c.call<WorldBilling>('billing'),
      async close() {
        await c.close();
        await s.stop();
      },
    };
  } catch (error) {
    await child?.close();
    await server?.stop();
    throw error;
  }
}

/** An agent's side of one conversation: its room, its AgentSession and (once started) the avatar. */
export interface AgentSlot {
  identity: string;
  room: Room;
  session: voice.AgentSession;
  avatar: AvatarSession | undefined;
}

/** Connects an agent (no subscriptions: the figures are the plugin's) and builds its AgentSession. */
export async function connectAgent(
  lk: LiveKitCreds,
  roomName: string,
  identity: string,
): Promise<AgentSlot> {
  const room = await connectRoom(lk, {
    identity,
    room: roomName,
    kind: 'agent',
    autoSubscribe: false,
  });
  return { identity, room, session: new voice.AgentSession({}), avatar: undefined };
}

/** Builds the AvatarSession and awaits `start()` (strategy 'auto'); resolves with its duration, ms. */
export async function startAvatar(
  slot: AgentSlot,
  world: Pick<World, 'api' | 'lk'>,
): Promise<number> {
  slot.avatar = new AvatarSession({
    presetId: 'cat-character',
    apiKey: world.api.apiKey,
    apiUrl: world.api.url,
  });
  const t0 = performance.now();
  await slot.avatar.start(slot.session, slot.room, {
    livekitUrl: world.lk.url,
    livekitApiKey: world.lk.apiKey,
    livekitApiSecret: world.lk.apiSecret,
  });
  return performance.now() - t0;
}

/** Ends the avatar (aclose) and the AgentSession, and gives the slot a fresh AgentSession; the room stays. */
export async function stopAvatar(slot: AgentSlot): Promise<void> {
  await slot.avatar?.aclose();
  await slot.session.close();
  slot.avatar = undefined;
  slot.session = new voice.AgentSession({});
}
