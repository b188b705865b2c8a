// Real-room harness for AvatarSession tests: emulator + worker, an agent room with an AgentSession, a user.
import { randomUUID } from 'node:crypto';
import { voice } from '@livekit/agents';
import { AudioStream, type RemoteTrack, type Room, RoomEvent, TrackKind } from '@livekit/rtc-node';
import { onTestFinished } from 'vitest';
import { scriptedLLM, ToneTTS } from '../../../examples/offline/index.js';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/index.js';
import type { EmulatorOptions } from '../../../src/emulator/types.js';
import {
  createLiveKitWorkerDriver,
  type LiveKitWorkerDriver,
  type LiveKitWorkerDriverOptions,
} from '../../../src/emulator/worker/livekit_driver.js';
import { AvatarSession, type AvatarSessionOptions } from '../../../src/index.js';
import { type LiveKitEnv, liveKitEnv } from './env.js';
import { connectParticipant } from './room.js';
import { mintToken } from './token.js';

/** Every worker/character event seen, in order. */
export type WorkerEvents = { type: string; sessionId: string; [k: string]: unknown }[];

/** Starts an emulator whose avatar worker joins real rooms; closed when the test ends. */
export async function startEmulatorWithWorker(
  options: EmulatorOptions = {},
  driverOptions: LiveKitWorkerDriverOptions = {},
): Promise<{ emulator: RunningEmulator; events: WorkerEvents; driver: LiveKitWorkerDriver }> {
  const env = liveKitEnv();
  const events: WorkerEvents = [];
  const driver = createLiveKitWorkerDriver({
    ...driverOptions,
    onEvent: (e) => {
      events.push(e as unknown as WorkerEvents[number]);
      driverOptions.onEvent?.(e);
    },
  });
  const emulator = await startEmulator({
    livekit: { url: env.url, apiKey: env.apiKey, apiSecret: env.apiSecret },
    provisioningMs: 200,
    queuedMs: 50,
    ...options,
    driver,
  });
  onTestFinished(() => emulator.close());
  return { emulator, events, driver };
}

/** An agent in a room with an AgentSession (ToneTTS) and a user participant; cleaned up after the test. */
export interface AgentRoom {
  roomName: string;
  agentRoom: Room;
  userRoom: Room;
  session: voice.AgentSession;
  avatar: AvatarSession;
  agentIdentity: string;
}

/** An agent and a user in a room with an AvatarSession built but not started yet. */
export interface PreparedAgent extends AgentRoom {
  /** `avatar.start()` with the server's credentials, then `session.start()`, as documented. */
  start(): Promise<void>;
}

/** Connects agent + user and builds the AgentSession and the AvatarSession; cleaned up after the test. */
export async function prepareAgentWithAvatar(
  emulator: RunningEmulator,
  avatarOptions: AvatarSessionOptions = {},
  /** The agent the AgentSession runs (default: a bare one). */
  agent?: voice.Agent,
  /** The livekit-server of the agent's room (default: the e2e server). */
  env: LiveKitEnv = liveKitEnv(),
): Promise<PreparedAgent> {
  const roomName = `room-${randomUUID().slice(0, 8)}`;
  const agentIdentity = `agent-${randomUUID().slice(0, 6)}`;
  const keys = { apiKey: env.apiKey, apiSecret: env.apiSecret };
  // The user first: livekit-server announces non-publishing participants late.
  const userRoom = await connectParticipant({
    url: env.url,
    token: await mintToken({ identity: 'user', room: roomName, ...keys }),
  });
  const agentRoom = await connectParticipant({
    url: env.url,
    // As an agent job's token: it may set its own attributes (lk.agent.state, the viewer relay's).
    token: await mintToken({
      identity: agentIdentity,
      room: roomName,
      kind: 'agent',
      grants: { canUpdateOwnMetadata: true },
      ...keys,
    }),
  });
  const session = new voice.AgentSession({
    llm: scriptedLLM([{ reply: 'Hello from the scripted agent.' }]),
    tts: new ToneTTS(),
    vad: null,
    turnHandling: { turnDetection: null, interruption: { resumeFalseInterruption: false } },
  });
  const avatar = new AvatarSession({
    presetId: 'cat-character',
    apiKey: emulator.apiKey,
    apiUrl: emulator.url,
    ...avatarOptions,
  });
  onTestFinished(async () => {
    await session.close().catch(() => {});
    await avatar.aclose().catch(() => {});
  });
  const start = async () => {
    await avatar.start(session, agentRoom, {
      livekitUrl: env.url,
      livekitApiKey: env.apiKey,
      livekitApiSecret: env.apiSecret,
    });
    await session.start({
      agent: agent ?? new voice.Agent({ instructions: 'test' }),
      room: agentRoom,
      inputOptions: { audioEnabled: false },
    });
  };
  return { roomName, agentRoom, userRoom, session, avatar, agentIdentity, start };
}

/** Connects agent + user, builds the AvatarSession and starts it before the AgentSession, as documented. */
export async function startAgentWithAvatar(
  emulator: RunningEmulator,
  avatarOptions: AvatarSessionOptions = {},
  /** Runs with the agent and the user connected, right before `avatar.start()`. */
  beforeStart?: (roomName: string, agentRoom: Room) => Promise<void>,
  /** The agent the AgentSession runs (default: a bare one). */
  agent?: voice.Agent,
): Promise<AgentRoom> {
  const prepared = await prepareAgentWithAvatar(emulator, avatarOptions, agent);
  await beforeStart?.(prepared.roomName, prepared.agentRoom);
  await prepared.start();
  return prepared;
}

/** The avatar's tracks as the user receives them. */
export async function subscribeToAvatar(
  userRoom: Room,
  avatarIdentity: string,
  timeoutMs = 20_000,
): Promise<{ audio: RemoteTrack; video: RemoteTrack }> {
  const found: { audio?: RemoteTrack; video?: RemoteTrack } = {};
  const take = (track: RemoteTrack, identity: string) => {
    if (identity !== avatarIdentity) return;
    if (track.kind === TrackKind.KIND_AUDIO) found.audio ??= track;
    if (track.kind === TrackKind.KIND_VIDEO) found.video ??= track;
  };
  for (const p of userRoom.remoteParticipants.values()) {
    for (const pub of p.trackPublications.values())
      if (pub.track) take(pub.track as RemoteTrack, p.identity);
  }
  return new Promise((resolve, reject) => {
    const done = () => {
      if (!found.audio || !found.video) return false;
      clearTimeout(timer);
      userRoom.off(RoomEvent.TrackSubscribed, onTrack);
      resolve({ audio: found.audio, video: found.video });
      return true;
    };
    const onTrack = (track: RemoteTrack, _pub: unknown, p: { identity: string }) => {
      take(track, p.identity);
      done();
    };
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `avatar tracks not received within ${timeoutMs} ms (got ${Object.keys(found)})`,
          ),
        ),
      timeoutMs,
    );
    userRoom.on(RoomEvent.TrackSubscribed, onTrack);
    done();
  });
}

/** Records the user's received audio (48 kHz mono) until stopped; `loudSeconds()` counts audible audio. */
export class AudioRecorder {
  readonly sampleRate = 48_000;
  readonly chunks: Int16Array[] = [];
  #reader: ReadableStreamDefaultReader<import('@livekit/rtc-node').AudioFrame>;

  constructor(track: RemoteTrack) {
    this.#reader = new AudioStream(track, {
      sampleRate: this.sampleRate,
      numChannels: 1,
    }).getReader();
    void this.#pump();
  }

  async #pump(): Promise<void> {
    for (;;) {
      const { done, value } = await this.#reader
        .read()
        .catch(() => ({ done: true, value: undefined }));
      if (done || !value) return;
      this.chunks.push(value.data.slice());
    }
  }

  /** All samples so far, concatenated. */
  samples(fromChunk = 0): Int16Array {
    const parts = this.chunks.slice(fromChunk);
    const out = new Int16Array(parts.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of parts) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  stop(): void {
    void this.#reader.cancel().catch(() => {});
  }
}

/**
 * Records every audio track a participant identity publishes, across re-publications (a renewed or
 * respawned avatar publishes new tracks), as timestamped 10 ms chunks of 48 kHz mono.
 */
export class IdentityAudioRecorder {
  readonly sampleRate = 48_000;
  readonly chunks: { atMs: number; data: Int16Array }[] = [];
  readonly tracks: string[] = [];
  #readers: ReadableStreamDefaultReader<import('@livekit/rtc-node').AudioFrame>[] = [];

  constructor(
    private readonly room: Room,
    readonly identities: string[],
  ) {
    room.on(RoomEvent.TrackSubscribed, this.#onTrack);
    for (const p of room.remoteParticipants.values()) {
      for (const pub of p.trackPublications.values()) {
        if (pub.track) this.#onTrack(pub.track as RemoteTrack, pub, p);
      }
    }
  }

  #onTrack = (track: RemoteTrack, _pub: unknown, p: { identity: string }): void => {
    if (track.kind !== TrackKind.KIND_AUDIO || !this.identities.includes(p.identity)) return;
    if (this.tracks.includes(track.sid ?? '')) return;
    this.tracks.push(track.sid ?? '');
    const reader = new AudioStream(track, {
      sampleRate: this.sampleRate,
      numChannels: 1,
    }).getReader();
    this.#readers.push(reader);
    void (async () => {
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done || !value) return;
        this.chunks.push({ atMs: Date.now(), data: value.data.slice() });
      }
    })();
  };

  stop(): void {
    this.room.off(RoomEvent.TrackSubscribed, this.#onTrack);
    for (const r of this.#readers) void r.cancel().catch(() => {});
  }
}
