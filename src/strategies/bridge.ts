// Hosted-mode media bridge: Runway's worker (in Runway's room) → the avatar participant in the agent's room,
// and the user's microphone (agent's room) → Runway's room. Frames are passed through as rtc-node hands
// them over (a frame of a lower simulcast layer is scaled up to the published size). A feed can be swapped
// for another between frames (renewal).
//
// What the user should get is what a viewer in Runway's own room gets:
// - the picture at Runway's published size, with simulcast layers, published as soon as Runway's tracks are
//   known (not at the first decoded frame), the top layer as soon as Runway's SFU forwards it;
// - the voice no later against the picture than there, and none of it lost: bursts of frames are played,
//   only a backlog that lasts (left by a stall) is trimmed (bridge/audio_latency.ts);
// - each frame handed over at its render time, as a viewer there would show it, and later by as much as the
//   voice then waits in the bridge, so both leave it together (bridge/render_time.ts);
// - face with voice: the voice is forwarded from the first picture's hand-over, never before. Its track is
//   published muted and unmuted with the picture, or, when it could not be published ahead, published
//   with the picture;
// - sooner on screen: the video is published (muted) as soon as the avatar participant has joined the
//   agent's room, while Runway's session provisions, at Runway's usual size (replaced at once if Runway
//   announces another). The user has subscribed by the time Runway's first picture exists, so the second
//   publication is off the critical path (BENCHMARKS.md §4);
// - a sound bandwidth estimate: the voice is published VOICE_AFTER_VIDEO_MS after the video, not with it
//   (see #prepublish);
// - nothing else on the first picture's path: the user's microphone is published into Runway's room once
//   the first picture has been handed over, not as the bridge joins (see #setFeed).
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type AudioFrame,
  AudioStream,
  LocalAudioTrack,
  ParticipantKind,
  type RemoteParticipant,
  type RemoteTrack,
  type RemoteTrackPublication,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  VideoStream,
} from '@livekit/rtc-node';
import type { ConsumeResult } from '../api/types.js';
import { connectRoom } from '../livekit/connect.js';
import { ATTRIBUTE_PUBLISH_ON_BEHALF } from '../livekit/token.js';
import { setTrackMuted, unmuteWhenPublished } from '../livekit/track_mute.js';
import { log } from '../log.js';
import { readVideoAdaptation, type VideoAdaptation } from './bridge/adaptation.js';
import { BridgedVideo } from './bridge/bridged_video.js';
import { LowLatencyAudio } from './bridge/low_latency_audio.js';
import { handOverWaitMs, isStaleFrame } from './bridge/render_time.js';
import { announcedSize, type Size } from './bridge/video_size.js';

export type { VideoAdaptation, VideoLimitation } from './bridge/adaptation.js';

/** Audio format of the bridged tracks: what rtc-node's AudioStream delivers natively. */
const BRIDGE_SAMPLE_RATE = 48_000;
const BRIDGE_CHANNELS = 1;
/**
 * The size the bridged video is published at before Runway's room is joined: the size Runway's worker was
 * observed to publish (reference: runway-api.md). Another announced size replaces it before any frame.
 */
export const PROVISIONAL_VIDEO_SIZE: Readonly<Size> = { width: 1088, height: 704 };
/**
 * How long after the video's publication ahead the voice is published, ms. Published within about a second
 * of the video (either order), the voice left libwebrtc's bandwidth estimate for the new video at 1–2.6
 * Mbps instead of 3.3–7.7 in 16 of 156 e2e runs; the top layer then lacked bandwidth and lips trailed by
 * up to 0.8 s, or the user stayed on a small layer. 1.5 s later: 0 of 70 (BENCHMARKS.md §4, "The
 * bandwidth estimate and the voice").
 */
export const VOICE_AFTER_VIDEO_MS = 1500;
/** How often the bridged video's encoder stats are read (CPU adaptation, send delay), ms. */
const ADAPTATION_POLL_MS = 2000;
/**
 * Mean send-queue wait of the bridged video's top layer above which the bridge warns that lips trail the
 * voice, ms. Sound ahead of picture becomes unacceptable to viewers at about 90 ms (ITU-R BT.1359); steady
 * runs read 0–5 ms, runs whose lips fell apart 129–476 ms (BENCHMARKS.md §4, "What broke lip sync").
 */
const SEND_DELAY_WARN_MS = 100;

/** A JSON data message from Runway's room (transcriptions, client events, …). @public */
export interface RunwayDataMessage {
  topic: string | undefined;
  /** Parsed JSON payload. */
  message: Record<string, unknown>;
}

/** Counters and state of the bridge, for benchmarks, tests and monitoring. @public */
export interface BridgeStats {
  /** Video frames handed to the agent's room. */
  videoFrames: number;
  /** Of those, frames of another size scaled to the published size (a lower layer early in a call). */
  videoFramesScaled: number;
  /**
   * Of those, frames sent a little shorter right after the bridged video was unmuted, so that its viewers
   * get a key frame at once (4 per unmute; see bridge/bridged_video.ts, `PRIMER_FRAMES`).
   */
  videoFramesPrimed: number;
  /**
   * Frames skipped because they were more than 200 ms behind the moment they would be handed over: queued
   * while the bridge's process was starved (see bridge/render_time.ts). Not counted in `videoFrames`.
   */
  videoFramesStale: number;
  /** Size the bridged video is published at; 0 × 0 until it is published. */
  videoWidth: number;
  videoHeight: number;
  /** Times the bridged video was republished because Runway's picture changed size. */
  videoResizes: number;
  /**
   * How long the last frame was held before it was handed over, ms: until its render time, plus the voice
   * still queued in the bridge (see bridge/render_time.ts).
   */
  videoWaitMs: number;
  /**
   * libwebrtc's latest report on the bridged video's encoding (read every 2 s): the size it actually
   * sends, whether CPU (or bandwidth) limits lowered it, and how long its packets waited to be sent
   * (`sendDelayMs`: the picture trails the voice by that). `undefined` until the first report.
   */
  videoAdaptation: VideoAdaptation | undefined;
  /** Audio frames of the avatar's voice handed to the agent's room. */
  audioFrames: number;
  /** Voice frames not forwarded: before the first picture, or arriving after a stall (see audio_latency.ts). */
  audioFramesDropped: number;
  /** User microphone frames handed to Runway's room. */
  userAudioFrames: number;
  dataMessages: number;
  /**
   * When the first picture's milestones were reached, `performance.now()` ms: Runway's room being joined
   * and joined, its video subscribed to, its first voice frame and first picture read, the bridged tracks
   * published, the first picture handed over (shown), and the user's microphone published into Runway's
   * room. For start-up diagnostics; the same figures are logged once as `bridged avatar shown`.
   */
  firstPicture: BridgeMilestones;
}

/** Milestones of a bridge's first picture, `performance.now()` ms (unset until reached). @public */
export interface BridgeMilestones {
  /** Joining Runway's room started (the consume answered). */
  joining?: number;
  /** Runway's room joined. */
  attached?: number;
  /** Runway's video subscribed to. */
  subscribed?: number;
  /** Runway's first voice frame read. */
  voice?: number;
  /** Runway's first picture read. */
  picture?: number;
  /**
   * The bridged video published in the agent's room: while the session provisions (muted, before
   * `attached`) when tracks can be muted, else once Runway's size is known.
   */
  published?: number;
  /**
   * The bridged voice published in the agent's room: muted, VOICE_AFTER_VIDEO_MS after `published`, or
   * with the first picture (`shown`); right after the video when tracks cannot be muted here.
   */
  voicePublished?: number;
  /** The first picture handed over to the agent's room. */
  shown?: number;
  /** The user's microphone published into Runway's room (after `shown`: nothing delays the picture). */
  microphone?: number;
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

  /**
   * Joins Runway's room with the consumed credentials. Aborting `signal` stops the connect, leaves the
   * room and rejects with the signal's reason.
   */
  async connect(signal?: AbortSignal): Promise<void> {
    try {
      await connectRoom(
        this.room,
        this.credentials.url,
        this.credentials.token,
        { autoSubscribe: true, dynacast: false },
        "Runway's room",
        signal,
      );
    } catch (error) {
      await this.close();
      throw error;
    }
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

/** Options of {@link MediaBridge.open} and {@link MediaBridge.start}. */
export interface BridgeOptions {
  /** The agent's LiveKit server and a token for the avatar participant in the agent's room. */
  agentRoomUrl: string;
  avatarToken: string;
  agentIdentity: string;
  /** Runway data messages. */
  onData: (message: RunwayDataMessage) => void;
  /**
   * Aborting stops the agent-side connect: {@link MediaBridge.open} (and {@link MediaBridge.ready})
   * reject with the signal's reason and whatever was connected is disconnected.
   */
  signal?: AbortSignal;
}

/** Options of {@link MediaBridge.attach}. */
export interface AttachOptions {
  /** Aborting stops joining Runway's room, leaves it and rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** The avatar participant in the agent's room, fed by a {@link RunwayFeed}. */
export class MediaBridge {
  readonly agentSide = new Room();
  readonly stats: BridgeStats = {
    videoFrames: 0,
    videoFramesScaled: 0,
    videoFramesPrimed: 0,
    videoFramesStale: 0,
    videoWidth: 0,
    videoHeight: 0,
    videoResizes: 0,
    videoWaitMs: 0,
    videoAdaptation: undefined,
    audioFrames: 0,
    audioFramesDropped: 0,
    userAudioFrames: 0,
    dataMessages: 0,
    firstPicture: {},
  };
  /**
   * Settles when the avatar participant has joined the agent's room (rejects if that failed or was
   * aborted). Feeds may be attached before: their media is published once this resolves.
   */
  readonly ready: Promise<void>;
  #feed: RunwayFeed | undefined;
  #pending: RunwayFeed | undefined;
  readonly #video: BridgedVideo;
  readonly #audio = new LowLatencyAudio(BRIDGE_SAMPLE_RATE, BRIDGE_CHANNELS);
  /** Publication of the bridged video at Runway's size (then of the voice), once that size is known. */
  #mediaPublished: Promise<void> | undefined;
  /** The voice track, published once; muted until the first picture when published ahead. */
  #voice: { track: LocalAudioTrack; published: Promise<void>; muted: boolean } | undefined;
  /** Set once a picture has been handed over: the voice is forwarded from then on. */
  #faceShown = false;
  /** `performance.now()` of the last frame handed over (stale frames are skipped only after one). */
  #handedAtMs: number | undefined;
  /** Voice frames read before the first picture (not forwarded). */
  #droppedBeforeFace = 0;
  /** Milestones of the first picture, logged once when it is shown. */
  readonly #firstAt = this.stats.firstPicture;
  /** The user's microphone, published into the current feed's room. */
  #userAudio: LowLatencyAudio | undefined;
  #userReader: Reader<AudioFrame> | undefined;
  #adaptationTimer: ReturnType<typeof setInterval> | undefined;
  /** Publishes the voice VOICE_AFTER_VIDEO_MS after the video published ahead (#prepublish). */
  #voiceTimer: ReturnType<typeof setTimeout> | undefined;
  /** The video was published ahead: the voice waits for #voiceTimer or the first picture. */
  #voiceDeferred = false;
  #closed = false;
  #readySettled = false;
  readonly #decoder = new TextDecoder();
  #logger = log();

  private constructor(private readonly opts: BridgeOptions) {
    this.#video = new BridgedVideo({
      publish: async (track, options) => {
        await this.ready;
        const pub = await this.agentSide.localParticipant!.publishTrack(track, options);
        return pub.sid ?? '';
      },
      unpublish: async (sid) => {
        await this.agentSide.localParticipant?.unpublishTrack(sid);
      },
      onResize: (from, to) => {
        this.#logger.info(
          { from: `${from.width}x${from.height}`, to: `${to.width}x${to.height}` },
          "Runway's video changed size: bridged video republished",
        );
      },
      setMuted: setTrackMuted,
    });
    this.agentSide.on(RoomEvent.TrackPublished, this.#onAgentRoomTrackPublished);
    this.agentSide.on(RoomEvent.TrackSubscribed, this.#onAgentRoomTrackSubscribed);
    this.ready = connectRoom(
      this.agentSide,
      opts.agentRoomUrl,
      opts.avatarToken,
      { autoSubscribe: false, dynacast: false },
      "the agent's room",
      opts.signal,
    ).then(() => {
      this.#prepublish();
      for (const participant of this.agentSide.remoteParticipants.values()) {
        for (const publication of participant.trackPublications.values()) {
          this.#onAgentRoomTrackPublished(publication, participant);
        }
      }
    });
    // Whoever awaits `ready` sees a failure; nothing else should report it as unhandled.
    this.ready.then(
      () => {
        this.#readySettled = true;
      },
      () => {
        this.#readySettled = true;
      },
    );
  }

  /**
   * Starts connecting the avatar participant to the agent's room and returns at once, so the connect
   * runs while the Runway session provisions. Await {@link MediaBridge.ready} (and `close()` on failure).
   */
  static start(opts: BridgeOptions): MediaBridge {
    return new MediaBridge(opts);
  }

  /** Connects the avatar participant to the agent's room. Media flows once a feed is attached. */
  static async open(opts: BridgeOptions): Promise<MediaBridge> {
    const bridge = MediaBridge.start(opts);
    try {
      await bridge.ready;
    } catch (error) {
      await bridge.close();
      throw error;
    }
    return bridge;
  }

  /** The feed currently shown, if any. */
  get feed(): RunwayFeed | undefined {
    return this.#feed;
  }

  /**
   * Connects to a Runway room and makes it the bridge's source. The first feed is shown at once; a later
   * one replaces the current feed at its first video frame, so the user sees no gap. Does not wait for
   * the agent side ({@link MediaBridge.ready}): both connects may run at the same time.
   */
  async attach(feed: RunwayFeed, options: AttachOptions = {}): Promise<void> {
    feed.room.on(RoomEvent.TrackPublished, (pub, participant) =>
      this.#onRunwayPublication(feed, pub, participant),
    );
    feed.room.on(RoomEvent.TrackSubscribed, (track, pub, participant) =>
      this.#onRunwayTrack(feed, track, pub, participant),
    );
    feed.room.on(RoomEvent.DataReceived, (payload, participant, _kind, topic) => {
      if (participant && feed === (this.#feed ?? this.#pending)) this.#onRunwayData(payload, topic);
    });
    this.#firstAt.joining ??= performance.now();
    await feed.connect(options.signal);
    this.#firstAt.attached ??= performance.now();
    if (this.#closed) {
      await feed.close();
      return;
    }
    // Runway's tracks already published when we joined: known now, before any is subscribed.
    for (const participant of feed.room.remoteParticipants.values()) {
      for (const publication of participant.trackPublications.values()) {
        this.#onRunwayPublication(feed, publication, participant);
      }
    }
    if (this.#feed === undefined) this.#setFeed(feed);
    else this.#pending = feed;
  }

  /** Drops a pending feed that will not be shown (its session failed to come up). */
  forget(feed: RunwayFeed): void {
    if (this.#pending === feed) this.#pending = undefined;
  }

  /**
   * Shows `feed` from now on. The previous feed keeps its room until its owner ends its session. The
   * user's microphone is published into the feed's room at once if the avatar is already on screen (a
   * renewal), else with the first picture (#pumpVideo). Published as the bridge joined Runway's room,
   * its first publication there (a new peer connection on the threads rtc-node shares between rooms)
   * delayed the bridge's subscription to Runway's video by 44 ms at the median, and the first picture's
   * hand-over by 27 ms more (BENCHMARKS.md §4, "Nothing else on the first picture's path"). Runway's
   * character now hears the user from the moment the user can see and hear it, a few tens of ms later
   * than before.
   */
  #setFeed(feed: RunwayFeed): void {
    this.#feed = feed;
    if (this.#pending === feed) this.#pending = undefined;
    feed.markShown();
    if (this.#faceShown) void this.#publishUserAudio(feed);
  }

  /** A track of Runway's worker is known: publish ours at its size right away. */
  #onRunwayPublication(
    feed: RunwayFeed,
    pub: RemoteTrackPublication,
    participant: RemoteParticipant,
  ): void {
    if (pub.kind !== TrackKind.KIND_VIDEO || this.#closed) return;
    feed.workerIdentity ??= participant.identity;
    // Runway's first picture is near: end the black frames of our muted video now, not at its unmute.
    this.#video.quiet();
    const size = announcedSize(pub);
    if (size) void this.#publishMedia(size);
  }

  #onRunwayTrack(
    feed: RunwayFeed,
    track: RemoteTrack,
    pub: RemoteTrackPublication,
    participant: RemoteParticipant,
  ): void {
    feed.workerIdentity ??= participant.identity;
    if (track.kind === TrackKind.KIND_VIDEO) {
      this.#firstAt.subscribed ??= performance.now();
      // The subscription already asks for the top layer: rtc-node subscribes without adaptive stream, so
      // the SFU forwards the highest layer the sender produces and switches up as soon as it can. An
      // explicit SetRemoteTrackPublicationQuality(HIGH) needs rtc-node internals and, measured, brought
      // neither the top layer nor the first frame sooner (BENCHMARKS.md §4). Lower layers that come
      // first are scaled up (bridge/video_size.ts).
      this.#onRunwayPublication(feed, pub, participant);
      void this.#pumpVideo(feed, track);
    } else if (track.kind === TrackKind.KIND_AUDIO) void this.#pumpAudio(feed, track);
  }

  /**
   * Publishes the video muted while Runway's session provisions (the agent-side room just joined), so
   * that the user subscribes to it before Runway's first picture exists, then the voice, muted,
   * VOICE_AFTER_VIDEO_MS later. Not while the bridge is joining Runway's room: a publication then delays
   * the first picture (see #setFeed; measured, +90 ms to the user's first frame); the voice is then
   * published right after the first picture, unmuted, and the user subscribes to it ~0.2 s after seeing
   * the face, not hearing what is said meanwhile. Runway is usually READY later than that, and then no
   * voice is lost (BENCHMARKS.md §4, "The voice after the video: landed"). Nothing is published ahead when
   * tracks cannot be muted here: both are then published at Runway's first tracks, as before.
   */
  #prepublish(): void {
    const video = this.#closed ? undefined : this.#video.prepublish(PROVISIONAL_VIDEO_SIZE);
    if (!video) return;
    this.#voiceDeferred = true;
    video.then(
      () => {
        this.#firstAt.published ??= performance.now();
        this.stats.videoWidth = PROVISIONAL_VIDEO_SIZE.width;
        this.stats.videoHeight = PROVISIONAL_VIDEO_SIZE.height;
        this.#voiceTimer = setTimeout(() => {
          if (this.#closed || this.#voice || this.#firstAt.joining !== undefined) return;
          this.#publishVoice(true).catch((error: unknown) => this.#publishFailed(error));
        }, VOICE_AFTER_VIDEO_MS);
        this.#voiceTimer.unref?.();
      },
      (error: unknown) => this.#publishFailed(error),
    );
  }

  /** Logs a failed publication of the bridged tracks (not worth a word once the bridge is closing). */
  #publishFailed(error: unknown): void {
    if (!this.#closed)
      this.#logger.warn({ error: String(error) }, 'could not publish the bridged avatar');
  }

  /**
   * Publishes the bridged video at `size`, then the voice unless it waits (#prepublish); once, later sizes
   * go through resizes.
   */
  #publishMedia(size: Size): Promise<void> {
    this.#mediaPublished ??= (async () => {
      try {
        await this.#video.publish(size);
        this.#firstAt.published ??= performance.now();
        const video = this.#video.size!;
        this.stats.videoWidth = video.width;
        this.stats.videoHeight = video.height;
        this.#startAdaptationWatch();
        // One after the other: rtc-node publishes a participant's tracks one at a time anyway.
        if (!this.#voiceDeferred) await this.#publishVoice(false);
      } catch (error) {
        this.#publishFailed(error);
      }
    })();
    return this.#mediaPublished;
  }

  /** Publishes the voice track once (`muted`: muted until the first picture, when muting works here). */
  #publishVoice(muted: boolean): Promise<void> {
    if (!this.#voice) {
      const track = LocalAudioTrack.createAudioTrack('runway_audio', this.#audio.source);
      const isMuted = muted && !this.#faceShown && setTrackMuted(track, true);
      const options = new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE });
      const published = this.agentSide.localParticipant!.publishTrack(track, options).then(() => {
        this.#firstAt.voicePublished ??= performance.now();
      });
      this.#voice = { track, published, muted: isMuted };
    }
    return this.#voice.published;
  }

  /**
   * Face with voice: the voice track published ahead is unmuted with the first picture, or as soon as its
   * publication is done if that is still under way (published VOICE_AFTER_VIDEO_MS after the video, it
   * can be, under load): an unmute made meanwhile would be lost, and the user would hear nothing.
   */
  #unmuteVoice(): void {
    const voice = this.#voice;
    if (!voice?.muted) return;
    voice.muted = false;
    void unmuteWhenPublished(voice.track, voice.published, () => !this.#closed).then((unmuted) => {
      if (!unmuted && !this.#closed)
        this.#logger.warn({}, 'the bridged voice could not be unmuted');
    });
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
        const nowUs = process.hrtime.bigint() / 1000n;
        const voiceQueuedMs = this.#faceShown ? this.#audio.source.queuedDuration : undefined;
        // After a stall, skip what queued meanwhile rather than replay it (render_time.ts).
        const sinceHandedMs =
          this.#handedAtMs === undefined ? undefined : performance.now() - this.#handedAtMs;
        if (isStaleFrame(value.timestampUs, nowUs, voiceQueuedMs, sinceHandedMs)) {
          this.stats.videoFramesStale++;
          continue;
        }
        // Hand the frame over when a viewer in Runway's room would show it, and with the voice still
        // waiting in our audio source (render_time.ts).
        const waitMs = handOverWaitMs(value.timestampUs, nowUs, voiceQueuedMs);
        this.stats.videoWaitMs = waitMs;
        this.#firstAt.picture ??= performance.now();
        if (waitMs > 0) await sleep(waitMs);
        if (this.#closed) break;
        const { frame } = value;
        // Runway announced no size: the first frame's is all there is.
        if (!this.#video.size) {
          await this.#publishMedia({ width: frame.width, height: frame.height });
          if (this.#closed) break;
        }
        if (!this.#video.capture(frame, value.timestampUs, value.rotation)) continue;
        this.#handedAtMs = performance.now();
        if (!this.#faceShown) {
          if (!this.#voice) this.#publishVoice(false).catch((e: unknown) => this.#publishFailed(e));
          this.#unmuteVoice();
          this.#logFirstPicture();
          void this.#publishUserAudio(feed);
        }
        this.#faceShown = true;
        this.stats.videoFrames++;
        const size = this.#video.size;
        if (size) {
          this.stats.videoWidth = size.width;
          this.stats.videoHeight = size.height;
        }
        this.stats.videoFramesScaled = this.#video.counters.scaled;
        this.stats.videoFramesPrimed = this.#video.counters.primed;
        this.stats.videoResizes = this.#video.counters.resizes;
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
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || this.#closed) break;
        if (feed !== this.#feed) continue;
        this.#firstAt.voice ??= performance.now();
        // Face with voice: nothing is heard before the first picture has been handed over. Frames read
        // meanwhile are not kept: played later, they would put the voice behind the picture.
        if (!this.#faceShown) {
          this.stats.audioFramesDropped = ++this.#droppedBeforeFace + this.#audio.dropped;
          continue;
        }
        await this.#audio.push(value);
        this.stats.audioFrames = this.#audio.captured;
        this.stats.audioFramesDropped = this.#droppedBeforeFace + this.#audio.dropped;
      }
    } catch (error) {
      if (!this.#closed) this.#logger.warn({ error: String(error) }, 'bridged audio stopped');
    }
  }

  /** Where the time to the first picture went, ms after Runway's room was joined (once per bridge). */
  #logFirstPicture(): void {
    const at = this.#firstAt;
    at.shown = performance.now();
    const since = (t: number | undefined) =>
      t === undefined || at.attached === undefined ? undefined : Math.round(t - at.attached);
    this.#logger.info(
      {
        subscribedMs: since(at.subscribed),
        firstVoiceMs: since(at.voice),
        firstPictureReadMs: since(at.picture),
        publishedMs: since(at.published),
        shownMs: since(at.shown),
        voiceFramesBeforeFace: this.#droppedBeforeFace,
      },
      'bridged avatar shown',
    );
  }

  /** Reads libwebrtc's encoder stats every 2 s: a CPU-limited resolution shows in `stats`. */
  #startAdaptationWatch(): void {
    if (this.#adaptationTimer || this.#closed) return;
    let polling = false;
    this.#adaptationTimer = setInterval(() => {
      const size = this.#video.size;
      if (polling || !size || this.#closed) return;
      polling = true;
      this.agentSide
        .getRtcStats()
        .then((stats) =>
          this.#onAdaptation(
            readVideoAdaptation(stats.publisherStats, size, this.stats.videoAdaptation),
          ),
        )
        .catch(() => {})
        .finally(() => {
          polling = false;
        });
    }, ADAPTATION_POLL_MS);
    this.#adaptationTimer.unref?.();
  }

  #onAdaptation(next: VideoAdaptation | undefined): void {
    if (!next) return;
    const before = this.stats.videoAdaptation;
    this.stats.videoAdaptation = next;
    if (next.cpuLimited && !before?.cpuLimited) {
      this.#logger.warn(
        {
          sent: `${next.sentWidth}x${next.sentHeight}`,
          published: `${next.publishedWidth}x${next.publishedHeight}`,
        },
        'bridged video: CPU adaptation lowered the resolution',
      );
    } else if (!next.cpuLimited && before?.cpuLimited) {
      this.#logger.info(
        { sent: `${next.sentWidth}x${next.sentHeight}` },
        'bridged video: resolution recovered from CPU adaptation',
      );
    }
    const queued = next.sendDelayMs > SEND_DELAY_WARN_MS;
    const wasQueued = (before?.sendDelayMs ?? 0) > SEND_DELAY_WARN_MS;
    if (queued && !wasQueued) {
      this.#logger.warn(
        {
          sendDelayMs: Math.round(next.sendDelayMs),
          bandwidthEstimateKbps: next.bandwidthEstimateKbps,
        },
        'bridged video: packets wait to be sent, the picture trails the voice',
      );
    } else if (!queued && wasQueued) {
      this.#logger.info({}, 'bridged video: send queue drained');
    }
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

  async #pumpUserAudio(reader: Reader<AudioFrame>): Promise<void> {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || this.#closed) break;
        if (!this.#userAudio) continue;
        await this.#userAudio.push(value);
        this.stats.userAudioFrames = this.#userAudio.captured;
      }
    } catch (error) {
      if (!this.#closed) this.#logger.warn({ error: String(error) }, 'bridged user audio stopped');
    }
    this.#userReader = undefined;
  }

  /** Publishes the user's microphone into the feed's room (one source, re-published on each feed). */
  async #publishUserAudio(feed: RunwayFeed): Promise<void> {
    this.#userAudio ??= new LowLatencyAudio(BRIDGE_SAMPLE_RATE, BRIDGE_CHANNELS);
    const options = new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE });
    const track = LocalAudioTrack.createAudioTrack('user_microphone', this.#userAudio.source);
    try {
      await feed.room.localParticipant!.publishTrack(track, options);
      this.#firstAt.microphone ??= performance.now();
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
    clearInterval(this.#adaptationTimer);
    clearTimeout(this.#voiceTimer);
    this.#logger.debug({ ...this.stats }, 'bridge closed');
    void this.#userReader?.cancel().catch(() => {});
    await Promise.all([this.#feed?.close(), this.#pending?.close()]);
    // A connect still in flight is not waited for: it is undone as soon as it completes.
    if (this.#readySettled) await this.agentSide.disconnect().catch(() => {});
    else void this.ready.then(() => this.agentSide.disconnect()).catch(() => {});
    await Promise.all([this.#video.close(), this.#audio.close(), this.#userAudio?.close()]);
  }
}
