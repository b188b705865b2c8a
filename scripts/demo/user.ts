// The simulated user: an rtc-node participant that watches and listens to the avatar and speaks into a microphone.
import {
  AudioFrame,
  AudioSource,
  LocalAudioTrack,
  type RemoteParticipant,
  type RemoteTrack,
  type RemoteTrackPublication,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
} from '@livekit/rtc-node';
import { AccessToken } from 'livekit-server-sdk';
import { FormantRenderer, type UtteranceRenderer } from '../../examples/offline/index.js';
import { AudioWatcher } from './audio_watch.js';
import { VideoWatcher } from './video_watch.js';

const MIC_RATE = 48_000;
const MIC_FRAME_SAMPLES = 480;

/** A transcript the agent sent on `lk.transcription`. */
export interface HeardTranscript {
  /** `Date.now()` when the stream opened. */
  atMs: number;
  senderIdentity: string;
  text: string;
}

/** Options of {@link SimulatedUser.join}. */
export interface SimulatedUserOptions {
  url: string;
  apiKey: string;
  apiSecret: string;
  room: string;
  identity: string;
  /** For the video watcher's contact-sheet snapshots. */
  planMs: number;
  /** Longest audio kept for `heard.wav`. */
  maxRecordMs: number;
  onAvatarTracks?: (identity: string, kinds: string) => void;
}

/**
 * Joins the room, subscribes to whoever publishes video (the avatar) and listens to its audio,
 * publishes a microphone fed with silence until {@link SimulatedUser.say} speaks a line with the
 * offline formant voice.
 */
export class SimulatedUser {
  readonly room = new Room();
  readonly transcripts: HeardTranscript[] = [];
  /** Identities of other participants that published audio (not the avatar). */
  readonly otherAudio = new Set<string>();
  video: VideoWatcher | undefined;
  audio: AudioWatcher | undefined;
  avatarIdentity: string | undefined;
  /** `Date.now()` when the connection was up. */
  joinedAtMs = 0;
  readonly #o: SimulatedUserOptions;
  readonly #mic = new AudioSource(MIC_RATE, 1, 100);
  readonly #frame = AudioFrame.create(MIC_RATE, 1, MIC_FRAME_SAMPLES);
  #speech: { renderer: UtteranceRenderer; left: number; done: () => void } | undefined;
  #micLoop: Promise<void> | undefined;
  #stopped = false;
  #avatarFound: (() => void) | undefined;
  /** Resolves once the avatar's video and audio are both subscribed. */
  readonly avatarTracks: Promise<void>;

  private constructor(o: SimulatedUserOptions) {
    this.#o = o;
    this.avatarTracks = new Promise((resolve) => {
      this.#avatarFound = resolve;
    });
  }

  /** Connects, starts watching, and publishes the microphone. */
  static async join(o: SimulatedUserOptions): Promise<SimulatedUser> {
    const user = new SimulatedUser(o);
    await user.#connect();
    return user;
  }

  async #connect(): Promise<void> {
    const o = this.#o;
    const at = new AccessToken(o.apiKey, o.apiSecret, { identity: o.identity, ttl: '10m' });
    at.addGrant({ room: o.room, roomJoin: true, canPublish: true, canSubscribe: true });
    this.room.on(RoomEvent.TrackSubscribed, (track, pub, p) => this.#onTrack(track, pub, p));
    this.room.registerTextStreamHandler('lk.transcription', (reader, info) => {
      const atMs = Date.now();
      void reader
        .readAll()
        .then((text) => {
          if (info.identity === o.identity || !text.trim()) return;
          this.transcripts.push({ atMs, senderIdentity: info.identity, text: text.trim() });
        })
        .catch(() => {});
    });
    await this.room.connect(o.url, await at.toJwt(), { autoSubscribe: true, dynacast: false });
    this.joinedAtMs = Date.now();
    await this.room.localParticipant!.publishTrack(
      LocalAudioTrack.createAudioTrack('microphone', this.#mic),
      new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }),
    );
    this.#micLoop = this.#pumpMic();
  }

  #onTrack(track: RemoteTrack, _pub: RemoteTrackPublication, p: RemoteParticipant): void {
    if (track.kind === TrackKind.KIND_VIDEO && !this.video) {
      this.avatarIdentity = p.identity;
      this.video = new VideoWatcher(track, this.#o.planMs);
      // Audio may have arrived first: take it now.
      for (const pub of p.trackPublications.values()) {
        if (pub.track && pub.kind === TrackKind.KIND_AUDIO && !this.audio) {
          this.audio = new AudioWatcher(pub.track as RemoteTrack, this.#o.maxRecordMs);
        }
      }
    } else if (track.kind === TrackKind.KIND_AUDIO) {
      if (this.avatarIdentity === p.identity && !this.audio) {
        this.audio = new AudioWatcher(track, this.#o.maxRecordMs);
      } else if (this.avatarIdentity !== p.identity) {
        // Kept in case it turns out to be the avatar (audio subscribed before video).
        this.otherAudio.add(p.identity);
      }
    }
    if (this.video && this.audio) {
      this.otherAudio.delete(this.avatarIdentity ?? '');
      this.#o.onAvatarTracks?.(this.avatarIdentity ?? '', 'video+audio');
      this.#avatarFound?.();
      this.#avatarFound = undefined;
    }
  }

  /** Feeds the microphone in real time: the current line, else silence. */
  async #pumpMic(): Promise<void> {
    const data = this.#frame.data;
    while (!this.#stopped) {
      const speech = this.#speech;
      if (speech) {
        speech.renderer.fill(data);
        speech.left -= MIC_FRAME_SAMPLES;
        if (speech.left <= 0) {
          this.#speech = undefined;
          speech.done();
        }
      } else data.fill(0);
      try {
        await this.#mic.captureFrame(this.#frame);
      } catch {
        return;
      }
    }
  }

  /** Speaks `text` with the formant voice; resolves when the last sample went out. */
  say(text: string): Promise<number> {
    const renderer = new FormantRenderer(text, MIC_RATE, MIC_FRAME_SAMPLES);
    const ms = (renderer.totalSamples * 1000) / MIC_RATE;
    return new Promise((resolve) => {
      this.#speech = { renderer, left: renderer.totalSamples, done: () => resolve(ms) };
    });
  }

  /** Stops watching and leaves the room. */
  async leave(): Promise<void> {
    this.#stopped = true;
    this.#speech?.done();
    await this.#micLoop?.catch(() => {});
    await this.video?.stop();
    await this.audio?.stop();
    await this.room.disconnect().catch(() => {});
    await this.#mic.close().catch(() => {});
  }
}
