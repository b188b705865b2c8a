// Records what a viewer of the emulated worker gets: every video frame's size, frame-code level and arrival,
// and every audio frame's energy and arrival, for resolution and picture–sound offset checks.
import { AudioStream, type RemoteTrack, VideoStream } from '@livekit/rtc-node';
import type { AvLog } from '../../../bench/lib/av_offset.js';
import { decodeFrame } from '../../../src/emulator/worker/frame_code.js';
import { rms } from './audio.js';

/** One received video frame. */
export interface ReceivedFrame {
  atMs: number;
  width: number;
  height: number;
}

/** Reads a video and an audio track in the background until {@link AvRecorder.stop}. */
export class AvRecorder {
  readonly frames: ReceivedFrame[] = [];
  readonly log: AvLog = { video: [], audioAtMs: [], audioRms: [], audioFrameMs: 10 };
  readonly #video: ReadableStreamDefaultReader<import('@livekit/rtc-node').VideoFrameEvent>;
  readonly #audio: ReadableStreamDefaultReader<import('@livekit/rtc-node').AudioFrame>;
  readonly #loops: Promise<void>[];
  #stopped = false;

  constructor(video: RemoteTrack, audio: RemoteTrack) {
    this.#video = new VideoStream(video).getReader();
    this.#audio = new AudioStream(audio, { sampleRate: 48_000, numChannels: 1 }).getReader();
    this.#loops = [this.#readVideo(), this.#readAudio()];
  }

  async #readVideo(): Promise<void> {
    while (!this.#stopped) {
      const { value, done } = await this.#video
        .read()
        .catch(() => ({ done: true, value: undefined }));
      if (done || !value) return;
      const atMs = performance.now();
      const { frame } = value;
      this.frames.push({ atMs, width: frame.width, height: frame.height });
      const code = decodeFrame(frame);
      if (code) this.log.video.push({ atMs, level: code.level });
    }
  }

  async #readAudio(): Promise<void> {
    while (!this.#stopped) {
      const { value, done } = await this.#audio
        .read()
        .catch(() => ({ done: true, value: undefined }));
      if (done || !value) return;
      this.log.audioAtMs.push(performance.now());
      this.log.audioRms.push(rms(value.data, value.channels));
      this.log.audioFrameMs = (value.samplesPerChannel * 1000) / value.sampleRate;
    }
  }

  /** Stops reading. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([this.#video.cancel().catch(() => {}), this.#audio.cancel().catch(() => {})]);
    await Promise.all(this.#loops).catch(() => {});
  }
}
