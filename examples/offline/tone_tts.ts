// ToneTTS: an offline tts.TTS that renders each utterance as tones (or a formant "voice") so tests can
// tell from the audio alone what was said.
import {
  type APIConnectOptions,
  type tts as agentsTts,
  DEFAULT_API_CONNECT_OPTIONS,
  tts,
} from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import { FormantRenderer } from './formant_voice.js';
import { TONE_FRAME_MS, TONE_SAMPLE_RATE, tonePlan } from './tone_code.js';
import { ToneRenderer, type UtteranceRenderer } from './tone_render.js';

/** Options of {@link ToneTTS}. */
export interface ToneTTSOptions {
  /**
   * `'tone'` (default): sine tones following the tone code of `tone_code.ts` (for tests).
   * `'formant'`: a speech-like buzz with vowel formants and a syllable rhythm (for humans).
   */
  voice?: 'tone' | 'formant';
  /** Output sample rate, Hz. Default 24 000. */
  sampleRate?: number;
}

let requestCounter = 0;

/**
 * An offline, deterministic text-to-speech stand-in. It needs no network and produces real 16-bit mono
 * frames of 10 ms at 24 kHz (by default), as fast as they are asked for.
 *
 * In the default `'tone'` voice, utterance text maps to audio like this (see `tone_code.ts`):
 * - every `[tone:F]` marker adds a sine of F Hz; the tones play in order and share the duration;
 * - without markers, one tone at {@link toneFrequencyFor}`(text)` (25 Hz grid, 300..1500 Hz);
 * - duration: `[ms:N]` if present, else 60 ms per character of the text without markers, clamped
 *   to 400..3000 ms; always whole 10 ms frames ({@link toneDurationMs}).
 *
 * An "utterance" is the whole text of a `synthesize()` call, or everything pushed to a `stream()`
 * between two flushes (the voice pipeline flushes once per reply or `say()`), so one reply is one
 * tone plan. It declares `streaming: true`, so `AgentSession` uses `stream()` directly rather than
 * wrapping it in a sentence-splitting `tts.StreamAdapter` (which it does for non-streaming TTS).
 *
 * Every frame owns a fresh `Int16Array`: the session and `DataStreamAudioOutput` keep frames after
 * they are handed over and send `frame.data.buffer` whole, so buffers are neither reused nor views
 * into a larger one. That is the only per-frame allocation besides the frame object itself.
 */
export class ToneTTS extends tts.TTS {
  /** Label used in metrics and logs. */
  label = 'offline.ToneTTS';
  readonly #voice: 'tone' | 'formant';

  constructor(opts: ToneTTSOptions = {}) {
    super(opts.sampleRate ?? TONE_SAMPLE_RATE, 1, { streaming: true });
    this.#voice = opts.voice ?? 'tone';
  }

  /** The voice in use. */
  get voice(): 'tone' | 'formant' {
    return this.#voice;
  }

  override get model(): string {
    return this.#voice;
  }

  override get provider(): string {
    return 'offline';
  }

  /** Samples per 10 ms frame at this TTS's sample rate. */
  get frameSamples(): number {
    return Math.round((this.sampleRate * TONE_FRAME_MS) / 1000);
  }

  /** A renderer for one utterance; `undefined` when the text has nothing to say. */
  renderer(text: string): UtteranceRenderer | undefined {
    if (text.trim() === '') return undefined;
    return this.#voice === 'formant'
      ? new FormantRenderer(text, this.sampleRate, this.frameSamples)
      : new ToneRenderer(tonePlan(text), this.sampleRate);
  }

  /** Renders `text` as one utterance. */
  synthesize(
    text: string,
    connOptions?: APIConnectOptions,
    abortSignal?: AbortSignal,
  ): ToneChunkedStream {
    return new ToneChunkedStream(text, this, connOptions, abortSignal);
  }

  /** A stream that renders everything pushed between flushes as one utterance. */
  stream(options?: { connOptions?: APIConnectOptions }): ToneSynthesizeStream {
    return new ToneSynthesizeStream(this, options?.connOptions);
  }
}

/** Frames rendered between two yields to the event loop (0.5 s of audio, a few ms of work). */
const FRAMES_PER_SLICE = 50;

/**
 * Renders `text` as one utterance, calling `emit` once per frame (the last with `final` set) and
 * yielding to the event loop every {@link FRAMES_PER_SLICE} frames. Stops early when `signal`
 * aborts. Resolves to the number of frames emitted.
 */
async function renderFrames(
  owner: ToneTTS,
  text: string,
  signal: AbortSignal,
  emit: (audio: agentsTts.SynthesizedAudio) => void,
): Promise<number> {
  const renderer = owner.renderer(text);
  if (!renderer) return 0;
  const frameSamples = owner.frameSamples;
  const frames = Math.ceil(renderer.totalSamples / frameSamples);
  const requestId = `tone_${++requestCounter}`;
  for (let i = 0; i < frames && !signal.aborted; i++) {
    if (i > 0 && i % FRAMES_PER_SLICE === 0) await new Promise<void>((r) => setImmediate(r));
    const data = new Int16Array(frameSamples);
    renderer.fill(data);
    emit({
      requestId,
      segmentId: requestId,
      frame: new AudioFrame(data, owner.sampleRate, 1, frameSamples),
      deltaText: i === 0 ? text : undefined,
      final: i === frames - 1,
    });
  }
  return frames;
}

/** The `synthesize()` result of {@link ToneTTS}. */
export class ToneChunkedStream extends tts.ChunkedStream {
  label = 'offline.ToneChunkedStream';
  readonly #owner: ToneTTS;

  constructor(
    text: string,
    owner: ToneTTS,
    connOptions: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
    abortSignal?: AbortSignal,
  ) {
    super(text, owner, connOptions, abortSignal);
    this.#owner = owner;
  }

  protected async run(): Promise<void> {
    await renderFrames(this.#owner, this.inputText, this.abortSignal, (audio) => {
      if (!this.queue.closed) this.queue.put(audio);
    });
  }
}

/** The `stream()` result of {@link ToneTTS}: one utterance per flushed segment. */
export class ToneSynthesizeStream extends tts.SynthesizeStream {
  label = 'offline.ToneSynthesizeStream';
  readonly #owner: ToneTTS;

  constructor(owner: ToneTTS, connOptions?: APIConnectOptions) {
    super(owner, connOptions);
    this.#owner = owner;
  }

  protected async run(): Promise<void> {
    let text = '';
    const flush = async () => {
      if (text.trim() !== '') {
        this.markStarted();
        await renderFrames(this.#owner, text, this.abortSignal, (audio) => {
          if (!this.queue.closed) this.queue.put(audio);
        });
      }
      text = '';
    };
    for await (const item of this.input) {
      if (this.abortSignal.aborted) break;
      if (item === ToneSynthesizeStream.FLUSH_SENTINEL) await flush();
      else text += item;
    }
    if (!this.abortSignal.aborted) {
      await flush();
      if (!this.queue.closed) this.queue.put(tts.SynthesizeStream.END_OF_STREAM);
    }
  }
}
