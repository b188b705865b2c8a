// EnergySTT: an offline stt.STT that "hears" a burst of audio energy and transcribes it as the next
// line of a script.
import { type APIConnectOptions, type AudioBuffer, asLanguageCode, stt } from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';

/** Options of {@link EnergySTT}. All times in milliseconds. */
export interface EnergySTTOptions {
  /** What the user "says", one entry per burst of speech, in order. */
  transcripts: readonly string[];
  /** Start again from the first transcript after the last one. Default true. */
  loop?: boolean;
  /** RMS level (0..1, channel 0) above which a frame counts as speech. Default 0.02. */
  thresholdRms?: number;
  /** Speech needed before START_OF_SPEECH is reported. Default 150. */
  minSpeechMs?: number;
  /** Silence that ends an utterance. Default 400. */
  endSilenceMs?: number;
}

/** RMS of channel 0 of a frame, in [0, 1]. Allocation-free. */
function frameRms(frame: AudioFrame): number {
  const { data, channels, samplesPerChannel } = frame;
  let sum = 0;
  for (let i = 0; i < samplesPerChannel; i++) {
    const v = data[i * channels]! / 32768;
    sum += v * v;
  }
  return samplesPerChannel > 0 ? Math.sqrt(sum / samplesPerChannel) : 0;
}

/**
 * An offline speech-to-text stand-in for a simulated user. It does not recognise words: its
 * streaming recogniser measures the RMS of every incoming frame and, for each burst of speech
 * (at least `minSpeechMs` above `thresholdRms`, ended by `endSilenceMs` below it), emits
 * `START_OF_SPEECH`, then `FINAL_TRANSCRIPT` with the next line of `transcripts`, then
 * `END_OF_SPEECH`. Use it with `turnHandling: { turnDetection: 'stt' }` and `vad: null`: the
 * session then commits the user's turn on `END_OF_SPEECH` and the LLM answers the scripted line.
 * A flush (or the end of input) during speech ends the burst. `recognize()` (batch) returns the
 * next line when the buffer holds any speech, else an empty transcript.
 */
export class EnergySTT extends stt.STT {
  /** Label used in metrics and logs. */
  label = 'offline.EnergySTT';
  readonly options: Readonly<Required<EnergySTTOptions>>;
  #next = 0;

  constructor(opts: EnergySTTOptions) {
    super({ streaming: true, interimResults: false });
    if (opts.transcripts.length === 0) throw new Error('EnergySTT: transcripts must not be empty');
    this.options = Object.freeze({
      loop: true,
      thresholdRms: 0.02,
      minSpeechMs: 150,
      endSilenceMs: 400,
      ...opts,
    });
  }

  override get provider(): string {
    return 'offline';
  }

  /** The next scripted line, or `undefined` when the script is used up and does not loop. */
  nextTranscript(): string | undefined {
    const { transcripts, loop } = this.options;
    if (!loop && this.#next >= transcripts.length) return undefined;
    return transcripts[this.#next++ % transcripts.length];
  }

  /** Builds a FINAL_TRANSCRIPT event. */
  finalEvent(text: string): stt.SpeechEvent {
    return {
      type: stt.SpeechEventType.FINAL_TRANSCRIPT,
      alternatives: [
        { text, language: asLanguageCode('en'), startTime: 0, endTime: 0, confidence: 1 },
      ],
    };
  }

  protected async _recognize(buffer: AudioBuffer): Promise<stt.SpeechEvent> {
    const frames = Array.isArray(buffer) ? buffer : [buffer];
    const speech = frames.some((f) => frameRms(f) >= this.options.thresholdRms);
    return this.finalEvent(speech ? (this.nextTranscript() ?? '') : '');
  }

  override stream(options?: { connOptions?: APIConnectOptions }): EnergySpeechStream {
    return new EnergySpeechStream(this, options?.connOptions);
  }
}

/** The streaming recogniser of {@link EnergySTT}. */
export class EnergySpeechStream extends stt.SpeechStream {
  label = 'offline.EnergySpeechStream';
  readonly #stt: EnergySTT;

  constructor(owner: EnergySTT, connOptions?: APIConnectOptions) {
    super(owner, undefined, connOptions);
    this.#stt = owner;
  }

  protected async run(): Promise<void> {
    const { thresholdRms, minSpeechMs, endSilenceMs } = this.#stt.options;
    let speechMs = 0;
    let silenceMs = 0;
    let speaking = false;
    const end = () => {
      const text = this.#stt.nextTranscript();
      if (text) this.queue.put(this.#stt.finalEvent(text));
      this.queue.put({ type: stt.SpeechEventType.END_OF_SPEECH });
      speaking = false;
      speechMs = 0;
      silenceMs = 0;
    };
    for await (const item of this.input) {
      if (this.abortSignal.aborted) break;
      if (item === EnergySpeechStream.FLUSH_SENTINEL) {
        if (speaking) end();
        continue;
      }
      const ms = (item.samplesPerChannel / item.sampleRate) * 1000;
      if (frameRms(item) >= thresholdRms) {
        silenceMs = 0;
        speechMs += ms;
        if (!speaking && speechMs >= minSpeechMs) {
          speaking = true;
          this.queue.put({ type: stt.SpeechEventType.START_OF_SPEECH });
        }
      } else {
        // Short dips (between syllables) neither end a burst nor reset the speech count.
        silenceMs += ms;
        if (silenceMs >= endSilenceMs) {
          if (speaking) end();
          else speechMs = 0;
        }
      }
    }
    if (speaking && !this.abortSignal.aborted) end();
  }
}
