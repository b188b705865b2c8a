// Bench child role `viewer`: a user that subscribes to the first video (and audio) track in a room and logs
// every frame's counter (the emulator's frame code) and arrival; optionally publishes a silent microphone.
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
}

/** What `sample` answers. */
export interface ViewerSample {
  monoMs: number;
  cpu: NodeJS.CpuUsage;
  videoFrames: number;
  audioFrames: number;
}

const MIC_RATE = 48_000;
const MIC_SAMPLES = MIC_RATE / 100;

/** The role's methods. */
export function handlers(): RoleHandlers {
  const room = new Room();
  const log: ViewerFrames = { counters: [], arrivals: [], undecodable: [], sizes: [] };
  let videoFrames = 0;
  let audioFrames = 0;
  let reading = false;
  let stopped = false;
  const readers: ReadableStreamDefaultReader<unknown>[] = [];

  const readVideo = async (track: RemoteTrack) => {
    const reader = new VideoStream(track).getReader();
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
        log.sizes.push({ atMs: at, width, height });
      }
      const code = decodeFrame(frame);
      if (code) {
        log.counters.push(code.counter);
        log.arrivals.push(at);
      } else log.undecodable.push(at);
    }
  };

  const readAudio = async (track: RemoteTrack) => {
    const reader = new AudioStream(track, { sampleRate: MIC_RATE, numChannels: 1 }).getReader();
    readers.push(reader);
    for (;;) {
      const { done } = await reader.read().catch(() => ({ done: true }));
      if (done || stopped) return;
      audioFrames++;
    }
  };

  let audioTaken = false;
  room.on(RoomEvent.TrackSubscribed, (track) => {
    if (track.kind === TrackKind.KIND_VIDEO && !reading) {
      reading = true;
      void readVideo(track);
    } else if (track.kind === TrackKind.KIND_AUDIO && !audioTaken) {
      audioTaken = true;
      void readAudio(track);
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
    /** Resolves with the first decoded frame's arrival, waiting up to `timeoutMs`. */
    async firstFrame(p: { timeoutMs: number }) {
      const deadline = Date.now() + p.timeoutMs;
      while (log.arrivals.length === 0) {
        if (Date.now() > deadline) throw new Error(`no coded video frame within ${p.timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return log.arrivals[0];
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
