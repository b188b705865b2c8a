// Hosted-mode media bridge: Runway's worker (in Runway's room) → the avatar participant in the agent's room,
// and the user's microphone (agent's room) → Runway's room. Frames are passed through as rtc-node hands
// them over: no conversion, no copy of ours. A feed can be swapped for another between frames (renewal).
import {
  AudioSource,
  AudioStream,
  LocalAudioTrack,
  LocalVideoTrack,
  ParticipantKind,
  type RemoteParticipant,
  type RemoteTrack,
  type RemoteTrackPublication,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  VideoSource,
  VideoStream,
} from '@livekit/rtc-node';
import type { ConsumeResult } from '../api/types.js';
import type { RunwayDataMessage } from '../events.js';
import { connectRoom } from '../livekit/connect.js';
import { ATTRIBUTE_PUBLISH_ON_BEHALF } from '../livekit/token.js';
import { log } from '../log.js';

/** Audio format of the bridged tracks: what rtc-node's AudioStream delivers natively. */
const BRIDGE_SAMPLE_RATE = 48_000;
const BRIDGE_CHANNELS = 1;

export type { RunwayDataMessage } from '../events.js';

/** Counters for benchmarks and tests. */
export interface BridgeStats {
  videoFrames: number;
  audioFrames: number;
  userAudioFrames: number;
  dataMessages: number;
}

type Reader<T> = ReadableStreamDefaultReader<T>;

/** One connection to a Runway room whose worker's media can drive the bridge. */
export class RunwayFeed {
  readonly room = new Room();
  workerIdentity: string | undefined;
  readonly #readers = new Set<Reader<unknown>>();
  #closed = false;
  #markShown!: () => void;
  /** Resolves when the bridge starts showing this feed's video. */
  readonly shown = new Promise<void>((resolve) => {
    this.#markShown = resolve;
  });
  readonly #lostListeners = new Set<(reason: string) => void>();

  constructor(
    readonly sessionId: string,
    readonly credentials: ConsumeResult,
  ) {
    this.room.on(RoomEvent.ParticipantDisconnected, (p) => {
      if (p.identity === this.workerIdentity) this.#lost("Runway's worker left its room");
    });
    this.room.on(RoomEvent.Disconnected, () => this.#lost("Runway's room closed"));
  }

  #lost(reason: string): void {
    if (this.#closed) return;
    for (const listener of this.#lostListeners) listener(reason);
    this.#lostListeners.clear();
  }

  /** Calls `listener` once if the worker or the room goes away before `close()`. */
  onLost(listener: (reason: string) => void): () => void {
    this.#lostListeners.add(listener);
    return () => this.#lostListeners.delete(listener);
  }

  /** @internal */
  markShown(): void {
    this.#markShown();
  }

  /** @internal */
  track<T>(reader: Reader<T>): void {
    this.#readers.add(reader as Reader<unknown>);
  }

  /** Stops reading the worker's media and leaves Runway's room. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const reader of this.#readers) void reader.cancel().catch(() => {});
    this.#readers.clear();
    await this.room.disconnect().catch(() => {});
  }
}

/** Options of {@link MediaBridge.open}. */
export interface BridgeOptions {
  /** The agent's LiveKit server and a token for the avatar participant in the agent's room. */
  agentRoomUrl: string;
  avatarToken: string;
  agentIdentity: string;
  /** Runway data messages. */
  onData: (message: RunwayDataMessage) => void;
  /** Stops the connect (the avatar session closed): `open` rejects with its reason, nobody stays behind. */
  signal?: AbortSignal;
}

/** The avatar participant in the agent's room, fed by a {@link RunwayFeed}. */
export class MediaBridge {
  readonly agentSide = new Room();
  readonly stats: BridgeStats = {
    videoFrames: 0,
    audioFrames: 0,
    userAudioFrames: 0,
    dataMessages: 0,
  };
  #feed: RunwayFeed | undefined;
  #pending: RunwayFeed | undefined;
  #video: VideoSource | undefined;
  #videoPublishing: Promise<void> | undefined;
  readonly #audio = new AudioSource(BRIDGE_SAMPLE_RATE, BRIDGE_CHANNELS);
  #audioPublished: Promise<unknown> | undefined;
  /** The user's microphone, published into the current feed's room. */
  #userAudio: AudioSource | undefined;
  #userReader: Reader<unknown> | undefined;
  #closed = false;
  readonly #decoder = new TextDecoder();
  #logger = log();

  private constructor(private readonly opts: BridgeOptions) {}

  /** Connects the avatar participant to the agent's room. Media flows once a feed is attached. */
  static async open(opts: BridgeOptions): Promise<MediaBridge> {
    const bridge = new MediaBridge(opts);
    bridge.agentSide.on(RoomEvent.TrackPublished, bridge.#onAgentRoomTrackPublished);
    bridge.agentSide.on(RoomEvent.TrackSubscribed, bridge.#onAgentRoomTrackSubscribed);
    await connectRoom(
      bridge.agentSide,
      opts.agentRoomUrl,
      opts.avatarToken,
      { autoSubscribe: false, dynacast: false },
      "the agent's room",
      opts.signal,
    );
    for (const participant of bridge.agentSide.remoteParticipants.values()) {
      for (const publication of participant.trackPublications.values()) {
        bridge.#onAgentRoomTrackPublished(publication, participant);
      }
    }
    return bridge;
  }

  /** The feed currently shown, if any. */
  get feed(): RunwayFeed | undefined {
    return this.#feed;
  }

  /**
   * Connects to a Runway room and makes it the bridge's source. The first feed is shown at once; a later
   * one replaces the current feed at its first video frame, so the user sees no gap. `signal` stops the
   * connect (the feed's room is left as soon as it settles).
   */
  async attach(feed: RunwayFeed, signal?: AbortSignal): Promise<void> {
    feed.room.on(RoomEvent.TrackSubscribed, (track, _pub, participant) =>
      this.#onRunwayTrack(feed, track, participant),
    );
    feed.room.on(RoomEvent.DataReceived, (payload, participant, _kind, topic) => {
      if (participant && feed === (this.#feed ?? this.#pending)) this.#onRunwayData(payload, topic);
    });
    await connectRoom(
      feed.room,
      feed.credentials.url,
      feed.credentials.token,
      { autoSubscribe: true, dynacast: false },
      "Runway's room",
      signal,
    );
    if (this.#feed === undefined) this.#setFeed(feed);
    else this.#pending = feed;
  }

  /** Drops a pending feed that will not be shown (its session failed to come up). */
  forget(feed: RunwayFeed): void {
    if (this.#pending === feed) this.#pending = undefined;
  }

  /** Shows `feed` from now on. The previous feed keeps its room until its owner ends its session. */
  #setFeed(feed: RunwayFeed): void {
    this.#feed = feed;
    if (this.#pending === feed) this.#pending = undefined;
    feed.markShown();
    void this.#publishUserAudio(feed);
  }

  #onRunwayTrack(feed: RunwayFeed, track: RemoteTrack, participant: RemoteParticipant): void {
    feed.workerIdentity ??= participant.identity;
    if (track.kind === TrackKind.KIND_VIDEO) void this.#pumpVideo(feed, track);
    else if (track.kind === TrackKind.KIND_AUDIO) void this.#pumpAudio(feed, track);
  }

  async #pumpVideo(feed: RunwayFeed, track: RemoteTrack): Promise<void> {
    const reader = new VideoStream(track).getReader();
    feed.track(reader);
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || this.#closed) break;
        if (feed !== this.#feed) {
          if (feed !== this.#pending) continue;
          this.#setFeed(feed); // switch between frames: this is the new feed's first frame
        }
        if (!this.#video) await this.#publishVideo(value.frame.width, value.frame.height);
        this.#video!.captureFrame(value.frame, value.timestampUs, value.rotation);
        this.stats.videoFrames++;
      }
    } catch (error) {
      if (!this.#closed) this.#logger.warn({ error: String(error) }, 'bridged video stopped');
    }
  }

  async #pumpAudio(feed: RunwayFeed, track: RemoteTrack): Promise<void> {
    const reader = new AudioStream(track, {
      sampleRate: BRIDGE_SAMPLE_RATE,
      numChannels: BRIDGE_CHANNELS,
    }).getReader();
    feed.track(reader);
    this.#audioPublished ??= this.#publish(
      LocalAudioTrack.createAudioTrack('runway_audio', this.#audio),
      TrackSource.SOURCE_MICROPHONE,
    );
    await this.#audioPublished;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || this.#closed) break;
        if (feed !== this.#feed) continue;
        await this.#audio.captureFrame(value);
        this.stats.audioFrames++;
      }
    } catch (error) {
      if (!this.#closed) this.#logger.warn({ error: String(error) }, 'bridged audio stopped');
    }
  }

  #publishVideo(width: number, height: number): Promise<void> {
    this.#videoPublishing ??= (async () => {
      const source = new VideoSource(width, height);
      await this.#publish(
        LocalVideoTrack.createVideoTrack('runway_video', source),
        TrackSource.SOURCE_CAMERA,
      );
      this.#video = source;
    })();
    return this.#videoPublishing;
  }

  async #publish(track: LocalAudioTrack | LocalVideoTrack, source: TrackSource): Promise<void> {
    const options = new TrackPublishOptions();
    options.source = source;
    await this.agentSide.localParticipant!.publishTrack(track, options);
  }

  /** A user is any participant that is neither an agent nor publishing on an agent's behalf. */
  #isUser(participant: RemoteParticipant): boolean {
    return (
      participant.identity !== this.opts.agentIdentity &&
      participant.kind !== ParticipantKind.AGENT &&
      !participant.attributes[ATTRIBUTE_PUBLISH_ON_BEHALF]
    );
  }

  #onAgentRoomTrackPublished = (
    pub: RemoteTrackPublication,
    participant: RemoteParticipant,
  ): void => {
    if (this.#userReader || !this.#isUser(participant)) return;
    if (pub.kind === TrackKind.KIND_AUDIO && pub.source === TrackSource.SOURCE_MICROPHONE) {
      pub.setSubscribed(true);
    }
  };

  #onAgentRoomTrackSubscribed = (track: RemoteTrack): void => {
    if (track.kind !== TrackKind.KIND_AUDIO || this.#userReader) return;
    const reader = new AudioStream(track, {
      sampleRate: BRIDGE_SAMPLE_RATE,
      numChannels: BRIDGE_CHANNELS,
    }).getReader();
    this.#userReader = reader;
    void this.#pumpUserAudio(reader);
  };

  async #pumpUserAudio(reader: Reader<import('@livekit/rtc-node').AudioFrame>): Promise<void> {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || this.#closed) break;
        if (!this.#userAudio) continue;
        await this.#userAudio.captureFrame(value);
        this.stats.userAudioFrames++;
      }
    } catch (error) {
      if (!this.#closed) this.#logger.warn({ error: String(error) }, 'bridged user audio stopped');
    }
    this.#userReader = undefined;
  }

  /** Publishes the user's microphone into the feed's room (one source, re-published on each feed). */
  async #publishUserAudio(feed: RunwayFeed): Promise<void> {
    this.#userAudio ??= new AudioSource(BRIDGE_SAMPLE_RATE, BRIDGE_CHANNELS);
    const options = new TrackPublishOptions();
    options.source = TrackSource.SOURCE_MICROPHONE;
    const track = LocalAudioTrack.createAudioTrack('user_microphone', this.#userAudio);
    try {
      await feed.room.localParticipant!.publishTrack(track, options);
    } catch (error) {
      if (!this.#closed)
        this.#logger.warn({ error: String(error) }, 'could not publish user audio to Runway');
    }
  }

  #onRunwayData(payload: Uint8Array, topic: string | undefined): void {
    let message: unknown;
    try {
      message = JSON.parse(this.#decoder.decode(payload));
    } catch {
      return; // not JSON: not one of Runway's messages
    }
    if (typeof message !== 'object' || message === null) return;
    this.stats.dataMessages++;
    this.opts.onData({ topic, message: message as Record<string, unknown> });
  }

  /** Leaves both rooms and releases the sources. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    void this.#userReader?.cancel().catch(() => {});
    await Promise.all([this.#feed?.close(), this.#pending?.close()]);
    await this.agentSide.disconnect().catch(() => {});
    await Promise.all([this.#video?.close(), this.#audio.close(), this.#userAudio?.close()]);
  }
}
