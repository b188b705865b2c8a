// Offline stand-ins: the tone code, ToneTTS inside a real AgentSession, ScriptedLLM and EnergySTT.
import { voice } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EnergySTT,
  scriptedLLM,
  TONE_HASH_MAX_HZ,
  TONE_HASH_MIN_HZ,
  TONE_SAMPLE_RATE,
  ToneSynthesizeStream,
  ToneTTS,
  toneDurationMs,
  toneFrequencyFor,
  tonePlan,
} from '../../examples/offline/index.js';
import { dominantFrequency, rms } from '../e2e/support/audio.js';
import {
  type CapturedSegment,
  CapturingAudioOutput,
  concatFrames,
} from '../support/capturing_audio_output.js';

/** Duration (ms) and dominant frequency (Hz) of a captured segment. */
function analyse(segment: CapturedSegment | { frames: AudioFrame[] }) {
  const { samples, sampleRate } = concatFrames(segment.frames);
  return {
    durationMs: (samples.length / sampleRate) * 1000,
    frequencyHz: dominantFrequency(samples, sampleRate, 100, 3000).frequencyHz,
    samples,
    sampleRate,
  };
}

function expectUtterance(segment: CapturedSegment | undefined, text: string) {
  expect(segment, `no audio for ${JSON.stringify(text)}`).toBeDefined();
  const a = analyse(segment!);
  expect(a.frequencyHz).toBeGreaterThan(toneFrequencyFor(text) - 5);
  expect(a.frequencyHz).toBeLessThan(toneFrequencyFor(text) + 5);
  expect(a.durationMs).toBeGreaterThan(toneDurationMs(text) * 0.9);
  expect(a.durationMs).toBeLessThan(toneDurationMs(text) * 1.1);
  return a;
}

describe('tone code', () => {
  it('derives duration from the text, clamped, or from [ms:N]', () => {
    expect(toneDurationMs('abcdefghij')).toBe(600);
    expect(toneDurationMs('hi')).toBe(400);
    expect(toneDurationMs('x'.repeat(200))).toBe(3000);
    expect(toneDurationMs('hi [ms:1234]')).toBe(1230);
    expect(toneDurationMs('[tone:440] abcdefghij')).toBe(600);
  });

  it('hashes text to a stable frequency on the 25 Hz grid, markers excluded', () => {
    const f = toneFrequencyFor('Hello, how are you?');
    expect(f).toBe(toneFrequencyFor('  Hello,   how are you? [ms:900] '));
    expect(f).toBeGreaterThanOrEqual(TONE_HASH_MIN_HZ);
    expect(f).toBeLessThanOrEqual(TONE_HASH_MAX_HZ);
    expect((f - TONE_HASH_MIN_HZ) % 25).toBe(0);
    const many = new Set(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((t) => toneFrequencyFor(t)));
    expect(many.size).toBeGreaterThan(4);
    expect(toneFrequencyFor('x [tone:440] y [tone:880]')).toBe(440);
  });

  it('splits the duration between several tones', () => {
    expect(tonePlan('[tone:500][tone:1000][ms:800]')).toEqual({
      frequenciesHz: [500, 1000],
      partsMs: [400, 400],
      durationMs: 800,
    });
  });
});

describe('ToneTTS.synthesize', () => {
  it('renders the planned tones in order, in fresh 10 ms frames', async () => {
    const tts = new ToneTTS();
    const frames: AudioFrame[] = [];
    let finals = 0;
    for await (const audio of tts.synthesize('[tone:500][tone:1000][ms:800]')) {
      frames.push(audio.frame);
      if (audio.final) finals++;
    }
    expect(frames).toHaveLength(80);
    expect(finals).toBe(1);
    expect(new Set(frames.map((f) => f.data.buffer)).size).toBe(80);
    expect(frames.every((f) => f.sampleRate === TONE_SAMPLE_RATE && f.channels === 1)).toBe(true);
    expect(analyse({ frames: frames.slice(2, 38) }).frequencyHz).toBeCloseTo(500, -1);
    expect(analyse({ frames: frames.slice(42, 78) }).frequencyHz).toBeCloseTo(1000, -1);
  });

  it('stream() renders each flushed segment as one utterance, then END_OF_STREAM', async () => {
    const stream = new ToneTTS().stream();
    stream.pushText('first ');
    stream.pushText('[tone:500]');
    stream.flush();
    stream.pushText('second [tone:1000]');
    stream.endInput();
    const byRequest = new Map<string, AudioFrame[]>();
    let finals = 0;
    let ended = false;
    for await (const item of stream) {
      if (item === ToneSynthesizeStream.END_OF_STREAM) {
        ended = true;
        continue;
      }
      expect(ended).toBe(false);
      byRequest.set(item.requestId, [...(byRequest.get(item.requestId) ?? []), item.frame]);
      if (item.final) finals++;
    }
    expect(ended).toBe(true);
    expect(finals).toBe(2);
    const [a, b] = [...byRequest.values()];
    expect(analyse({ frames: a! }).frequencyHz).toBeCloseTo(500, -1);
    expect(analyse({ frames: a! }).durationMs).toBe(toneDurationMs('first [tone:500]'));
    expect(analyse({ frames: b! }).frequencyHz).toBeCloseTo(1000, -1);
  });

  it('formant voice is deterministic, audible and follows the text length', async () => {
    const tts = new ToneTTS({ voice: 'formant' });
    // Not ChunkedStream.collect(): its mergeFrames is quadratic in the number of frames.
    const render = async (text: string) => {
      const frames: AudioFrame[] = [];
      for await (const audio of tts.synthesize(text)) frames.push(audio.frame);
      return concatFrames(frames).samples;
    };
    const a = await render('Hello! Nice to meet you.');
    const b = await render('Hello! Nice to meet you.');
    const long = await render('Hello! Nice to meet you. I am a cat made of sound, purring along.');
    expect(Buffer.compare(Buffer.from(a.buffer), Buffer.from(b.buffer))).toBe(0);
    expect(rms(a)).toBeGreaterThan(0.03);
    expect(long.length).toBeGreaterThan(a.length * 1.5);
  });
});

describe('ToneTTS in a real AgentSession', () => {
  let session: voice.AgentSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  async function startSession(llm = scriptedLLM([])) {
    const output = new CapturingAudioOutput(TONE_SAMPLE_RATE);
    session = new voice.AgentSession({
      llm,
      tts: new ToneTTS(),
      vad: null,
      turnHandling: { turnDetection: null, interruption: { resumeFalseInterruption: false } },
    });
    session.output.audio = output;
    await session.start({ agent: new voice.Agent({ instructions: 'You are a test agent.' }) });
    return output;
  }

  it('say() and a generated reply sound as the tone code predicts, in order', async () => {
    const reply = 'My name is Tone, nice to meet you.';
    const output = await startSession(scriptedLLM([{ user: 'What is your name?', reply }]));

    const said = 'Hello there [tone:440]';
    await session!.say(said).waitForPlayout();
    const run = session!.run({ userInput: 'What is your name?' });
    await run.wait();
    run.expect.containsMessage({ role: 'assistant' });
    await output.waitForSegments(2);

    expect(output.segments).toHaveLength(2);
    expectUtterance(output.segments[0], said);
    expectUtterance(output.segments[1], reply);
    expect(toneFrequencyFor(reply)).not.toBe(440);
  });

  it('two utterances in a row are distinguishable', async () => {
    const output = await startSession();
    const first = session!.say('first [tone:600] [ms:500]');
    const second = session!.say('second [tone:900] [ms:700]');
    await first.waitForPlayout();
    await second.waitForPlayout();
    await output.waitForSegments(2);
    expect(expectUtterance(output.segments[0], 'first [tone:600] [ms:500]').durationMs).toBe(500);
    expect(expectUtterance(output.segments[1], 'second [tone:900] [ms:700]').durationMs).toBe(700);
  });

  it('answers generateReply({ instructions }) from the script', async () => {
    const greeting = 'Meow, hello! I am your offline cat.';
    const llm = scriptedLLM([
      { instructions: 'Greet the user.', reply: greeting },
      { reply: 'fallback' },
    ]);
    const output = await startSession(llm);
    await session!.generateReply({ instructions: 'Greet the user.' }).waitForPlayout();
    await output.waitForSegments(1);
    expectUtterance(output.segments[0], greeting);
    expect(llm.chosen).toEqual([0]);
  });
});

describe('ScriptedLLM', () => {
  it('falls back to unmatched replies in order, cycling', async () => {
    const llm = scriptedLLM([
      { user: /weather/i, reply: 'Sunny.' },
      { reply: 'One.' },
      { reply: 'Two.' },
    ]);
    const session = new voice.AgentSession({
      llm,
      vad: null,
      turnHandling: { turnDetection: null, interruption: { resumeFalseInterruption: false } },
    });
    await session.start({ agent: new voice.Agent({ instructions: 'test' }) });
    try {
      const replies: string[] = [];
      for (const input of ['How is the weather?', 'anything', 'something', 'more']) {
        const r = session.run({ userInput: input });
        await r.wait();
        const msg = r.expect.nextEvent().isMessage({ role: 'assistant' }).event().item;
        replies.push(msg.textContent ?? '');
      }
      expect(replies).toEqual(['Sunny.', 'One.', 'Two.', 'One.']);
      expect(llm.chosen).toEqual([0, 1, 2, 1]);
    } finally {
      await session.close();
    }
  });
});

describe('EnergySTT', () => {
  function frame(freqHz: number, amplitude: number, index: number): AudioFrame {
    const n = 480; // 10 ms at 48 kHz
    const data = new Int16Array(n);
    for (let i = 0; i < n; i++) {
      data[i] = Math.round(
        amplitude * 32767 * Math.sin((2 * Math.PI * freqHz * (index * n + i)) / 48_000),
      );
    }
    return new AudioFrame(data, 48_000, 1, n);
  }

  it('emits start, the next scripted line and end for each burst of energy', async () => {
    const stt = new EnergySTT({ transcripts: ['hello cat', 'tell me a joke'], endSilenceMs: 300 });
    const stream = stt.stream();
    const events: Array<{ type: number; text?: string }> = [];
    const reading = (async () => {
      for await (const ev of stream)
        events.push({ type: ev.type, text: ev.alternatives?.[0]?.text });
    })();
    let k = 0;
    const push = (ms: number, amplitude: number) => {
      for (let i = 0; i < ms / 10; i++) stream.pushFrame(frame(300, amplitude, k++));
    };
    push(200, 0); // silence
    push(100, 0.3); // too short to count
    push(400, 0);
    push(500, 0.3); // burst 1
    push(400, 0);
    push(600, 0.3); // burst 2
    push(400, 0);
    stream.endInput();
    await reading;
    const T = { start: 0, final: 2, end: 3 };
    expect(events).toEqual([
      { type: T.start, text: undefined },
      { type: T.final, text: 'hello cat' },
      { type: T.end, text: undefined },
      { type: T.start, text: undefined },
      { type: T.final, text: 'tell me a joke' },
      { type: T.end, text: undefined },
    ]);
  });

  it('drives a user turn in a session: audio burst in, scripted reply out', async () => {
    const input = new ReadableStream<AudioFrame>({
      start(controller) {
        let k = 0;
        for (let i = 0; i < 60; i++) controller.enqueue(frame(300, 0, k++));
        for (let i = 0; i < 60; i++) controller.enqueue(frame(300, 0.3, k++));
        for (let i = 0; i < 100; i++) controller.enqueue(frame(300, 0, k++));
      },
    });
    class StreamInput extends voice.AudioInput {
      constructor() {
        super();
        this.multiStream.addInputStream(input);
      }
    }
    const output = new CapturingAudioOutput(TONE_SAMPLE_RATE);
    const reply = 'Purr. You said hello.';
    const session = new voice.AgentSession({
      stt: new EnergySTT({ transcripts: ['hello cat'] }),
      llm: scriptedLLM([{ user: 'hello cat', reply }]),
      tts: new ToneTTS(),
      vad: null,
      turnHandling: {
        turnDetection: 'stt',
        endpointing: { minDelay: 50 },
        interruption: { resumeFalseInterruption: false },
      },
    });
    session.input.audio = new StreamInput();
    session.output.audio = output;
    const transcripts: string[] = [];
    session.on(voice.AgentSessionEventTypes.UserInputTranscribed, (ev) => {
      if (ev.isFinal) transcripts.push(ev.transcript);
    });
    await session.start({ agent: new voice.Agent({ instructions: 'test' }) });
    try {
      await output.waitForSegments(1);
      expect(transcripts).toEqual(['hello cat']);
      expectUtterance(output.segments[0], reply);
    } finally {
      await session.close();
    }
  });
});
