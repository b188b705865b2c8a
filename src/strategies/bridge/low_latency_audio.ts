// An AudioSource that forwards received audio with as little waiting as smooth playback allows: bursts
// are played, a backlog that lasts is trimmed (audio_latency.ts).
import { type AudioFrame, AudioSource } from '@livekit/rtc-node';
import { AudioBacklog, BRIDGE_AUDIO_QUEUE_MS } from './audio_latency.js';

/** One bridged audio direction (Runway's voice → agent's room, or the user's microphone → Runway's room). */
export class LowLatencyAudio {
  readonly source: AudioSource;
  /** Frames captured into the source. */
  captured = 0;
  /** Frames dropped to keep the backlog low (audio_latency.ts). */
  dropped = 0;
  readonly #backlog = new AudioBacklog();

  constructor(sampleRate: number, channels: number) {
    this.source = new AudioSource(sampleRate, channels, BRIDGE_AUDIO_QUEUE_MS);
  }

  /** Captures `frame`, or drops it if the backlog policy says so. */
  async push(frame: AudioFrame): Promise<void> {
    const frameMs = (frame.samplesPerChannel * 1000) / frame.sampleRate;
    if (!this.#backlog.keep(this.source.queuedDuration, frameMs)) {
      this.dropped++;
      return;
    }
    await this.source.captureFrame(frame);
    this.captured++;
  }

  /** Closes the source. */
  async close(): Promise<void> {
    await this.source.close();
  }
}
