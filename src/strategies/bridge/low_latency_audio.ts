// An AudioSource that forwards received audio with as little waiting as smooth playback allows: a small
// native queue, and frames that arrive after a stall dropped rather than queued (audio_latency.ts).
import { type AudioFrame, AudioSource } from '@livekit/rtc-node';
import { BRIDGE_AUDIO_QUEUE_MS, keepAudioFrame } from './audio_latency.js';

/** One bridged audio direction (Runway's voice → agent's room, or the user's microphone → Runway's room). */
export class LowLatencyAudio {
  readonly source: AudioSource;
  /** Frames captured into the source. */
  captured = 0;
  /** Frames dropped because they would have queued more than the latency cap. */
  dropped = 0;

  constructor(sampleRate: number, channels: number) {
    this.source = new AudioSource(sampleRate, channels, BRIDGE_AUDIO_QUEUE_MS);
  }

  /** Captures `frame`, or drops it if it would wait longer than the cap. */
  async push(frame: AudioFrame): Promise<void> {
    const frameMs = (frame.samplesPerChannel * 1000) / frame.sampleRate;
    if (!keepAudioFrame(this.source.queuedDuration, frameMs)) {
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
