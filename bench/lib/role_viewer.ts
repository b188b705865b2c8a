// Bench child role `viewer`: a user that subscribes to the first video (and audio) track in a room and logs
// every frame's counter (the emulator's frame code) and arrival; optionally publishes a silent microphone.

import { setTimeout as sleep } from 'node:timers/promises';
import {
  AudioFrame,
  AudioSource,
  AudioStream,
  LocalAudioTrack,
  type RemoteTrack,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  VideoStream,
} from '@livekit/rtc-node';
import { decodeFrame } from '../../src/emulator/worker/frame_code.js';
import type { AvLog } from './av_offset.js';
import type { FrameLog } from './frame_match.js';
import type { RoleHandlers } from './ipc.js';
import { monoMs } from './rooms.js';

/** Parameters of `init`: where to connect (the token is minted by the parent). */
export interface ViewerInit {
  url: string;
  token: string;
  /** Publish a silent 48 kHz microphone (the user's voice the bridge carries to Runway's room). */
  publishMic: boolean;
}

/** What `frames` answers. */
export interface ViewerFrames extends FrameLog {
  /** Arrivals of frames whose code could not be read. */
  undecodable: number[];
  /** Each change of the received resolution: when, and the new size. */
  sizes: { atMs: number; width: number; height: number }[];
  /** Every received frame (decodable or not): arrival and `width×height`. */
  frameAt: number[];
  frameSize: string[];
  /** Frame-code levels and audio energy, for the picture–sound offset (av_offset.ts). */
  av: AvLog;
}

/** What `sample` answers. */
export interface ViewerSample {
  monoMs: number;
  cpu: NodeJS.CpuUsage;
  videoFrames: number;
  audioFrames: number;
}

const MIC_RATE = 48_000;

/** RMS (0..1) of 16-bit samples. */
function rmsOf(data: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += (data[i]! / 32768) ** 2;
  return data.length ? Math.sqrt(sum / data.length) : 0;
}
const MIC_SAMPLES = MIC_RATE / 100;

/** The role's methods. */
export function handlers(): RoleHandlers {
  const room = new Room();
  const log: ViewerFrames = {
    counters: [],
    arrivals: [],
    undecodable: [],
    sizes: [],
    frameAt: [],
    frameSize: [],
    av: { video: [], audioAtMs: [], audioRms: [], audioFrameMs: 10 },
  };
  let sizeLabel = '';
  let videoFrames = 0;
  let audioFrames = 0;
  let stopped = false;
  const readers: ReadableStreamDefaultReader<unknown>[] = [];

  let videoReader: ReadableStreamDefaultReader<unknown> | undefined;
  let audioReader: ReadableStreamDefaultReader<unknown> | undefined;
  const readVideo = async (track: RemoteTrack) => {
    // A new avatar track (the next session's bridge) replaces the previous one.
    void videoReader?.cancel().catch(() => {});
    const reader = new VideoStream(track).getReader();
    videoReader = reader as ReadableStreamDefaultReader<unknown>;
    readers.push(reader);
    let width = 0;
    let height = 0;
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done || !value || stopped) return;
      const at = monoMs();
      videoFrames++;
      const { frame } = value;
      if (frame.width !== width || frame.height !== height) {
        width = frame.width;
        height = frame.height;
        sizeLabel = `${width}x${height}`;
        log.sizes.push({ atMs: at, width, height });
      }
      log.frameAt.push(at);
      log.frameSize.push(sizeLabel);
      const code = decodeFrame(frame);
      if (code) {
        log.counters.push(code.counter);
        log.arrivals.push(at);
        log.av.video.push({ atMs: at, level: code.level });
      } else log.undecodable.push(at);
    }
  };

  const readAudio = async (track: RemoteTrack) => {
    void audioReader?.cancel().catch(() => {});
    const reader = new AudioStream(track, { sampleRate: MIC_RATE, numChannels: 1 }).getReader();
    audioReader = reader as ReadableStreamDefaultReader<unknown>;
    readers.push(reader);
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done || !value || stopped) return;
      audioFrames++;
      log.av.audioAtMs.push(monoMs());
      log.av.audioRms.push(rmsOf(value.data));
      log.av.audioFrameMs = (value.samplesPerChannel * 1000) / value.sampleRate;
    }
  };

  const videoSubscribedAt: number[] = [];
  const videoPublishedAt: number[] = [];
  const voiceSubscribedAt: number[] = [];
  room.on(RoomEvent.TrackPublished, (pub) => {
    if (pub.kind === TrackKind.KIND_VIDEO) videoPublishedAt.push(monoMs());
  });
  room.on(RoomEvent.TrackSubscribed, (track, _pub, participant) => {
    if (track.kind === TrackKind.KIND_VIDEO) {
      videoSubscribedAt.push(monoMs());
      void readVideo(track);
    } else if (track.kind === TrackKind.KIND_AUDIO) {
      // Only the voice of a participant that also shows video (the avatar, or Runway's worker): in
      // Runway's room the bridge also publishes the user's microphone. A new bridge that rejoins under
      // the avatar's identity may announce its voice before the viewer has seen its video publication:
      // wait for it a little rather than skip that voice for the rest of the run.
      const hasVideo = () =>
        [...participant.trackPublications.values()].some((p) => p.kind === TrackKind.KIND_VIDEO);
      if (hasVideo()) voiceSubscribedAt.push(monoMs());
      void (async () => {
        for (let i = 0; i < 40 && !hasVideo() && !stopped; i++) await sleep(50);
        if (hasVideo()) await readAudio(track);
      })();
    }
  });

  const pumpMic = async (source: AudioSource) => {
    const silence = new AudioFrame(new Int16Array(MIC_SAMPLES), MIC_RATE, 1, MIC_SAMPLES);
    while (!stopped) await source.captureFrame(silence).catch(() => {});
  };

  return {
    async init(p: ViewerInit) {
      await room.connect(p.url, p.token, { autoSubscribe: true, dynacast: false });
      if (p.publishMic) {
        const source = new AudioSource(MIC_RATE, 1);
        const options = new TrackPublishOptions();
        options.source = TrackSource.SOURCE_MICROPHONE;
        await room.localParticipant!.publishTrack(
          LocalAudioTrack.createAudioTrack('microphone', source),
          options,
        );
        void pumpMic(source);
      }
      return null;
    },
    /**
     * Resolves with the arrival of the first frame whose code could be read (with `any`: the first frame
     * of any kind) that arrived at or after `afterMs` (default: the very first), waiting up to `timeoutMs`.
     */
    async firstFrame(p: { timeoutMs: number; afterMs?: number; any?: boolean }) {
      const deadline = Date.now() + p.timeoutMs;
      const after = p.afterMs ?? Number.NEGATIVE_INFINITY;
      const arrivals = p.any ? log.frameAt : log.arrivals;
      for (;;) {
        const at = arrivals.find((a) => a >= after);
        if (at !== undefined) return at;
        if (Date.now() > deadline) throw new Error(`no coded video frame within ${p.timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    /**
     * When the viewer first learnt of a video track, and subscribed to one, at or after `afterMs`; and
     * when it subscribed to the voice of a participant showing video.
     */
    timeline(p: { afterMs: number }) {
      return {
        published: videoPublishedAt.find((a) => a >= p.afterMs) ?? null,
        subscribed: videoSubscribedAt.find((a) => a >= p.afterMs) ?? null,
        voiceSubscribed: voiceSubscribedAt.find((a) => a >= p.afterMs) ?? null,
      };
    },
    /** ICE round-trip time of the room's connections, ms (LiveKit's round trip on this network). */
    async rttMs() {
      const stats = await room.getRtcStats();
      let best: number | null = null;
      for (const s of [...stats.subscriberStats, ...stats.publisherStats]) {
        if (s.stats.case !== 'candidatePair') continue;
        const rtt = s.stats.value.candidatePair?.currentRoundTripTime;
        if (rtt !== undefined && rtt >= 0) best = Math.max(best ?? 0, rtt * 1000);
      }
      return best;
    },
    /** Joins and leaves another room once, so the native SDK is loaded before anything is timed. */
    async prewarm(p: { url: string; token: string }) {
      const warm = new Room();
      await warm.connect(p.url, p.token, { autoSubscribe: false, dynacast: false });
      await warm.disconnect();
      return null;
    },
    sample(): ViewerSample {
      return { monoMs: monoMs(), cpu: process.cpuUsage(), videoFrames, audioFrames };
    },
    frames(): ViewerFrames {
      return log;
    },
    async shutdown() {
      stopped = true;
      for (const r of readers) void r.cancel().catch(() => {});
      await room.disconnect();
    },
  };
}
