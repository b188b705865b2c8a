// The emulated Runway character (hosted mode) with a real user: greeting, a heard turn, a reply, END_CALL.
import { randomUUID } from 'node:crypto';
import {
  AudioSource,
  AudioStream,
  LocalAudioTrack,
  type RemoteTrack,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
} from '@livekit/rtc-node';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  type CharacterEvent,
  speechDurationMs,
  startCharacterWorker,
} from '../../src/emulator/worker/index.js';
import { rms, ToneGenerator } from './support/audio.js';
import { liveKitEnv } from './support/env.js';
import { connectParticipant } from './support/room.js';
import { mintToken } from './support/token.js';
import { waitFor } from './support/wait.js';

interface Transcript {
  type: string;
  role: string;
  turn: number;
  text: string;
}

describe('emulated Runway character (hosted)', () => {
  it('greets, hears a user turn, replies with transcripts, and ends on END_CALL', async () => {
    const room = `hosted-${randomUUID()}`;
    const sessionId = randomUUID();
    const events: CharacterEvent[] = [];
    const startScript = 'Hello there, friend.';
    const character = await startCharacterWorker({
      url: liveKitEnv().url,
      token: await mintToken({ identity: `worker:${sessionId}`, room }),
      sessionId,
      startScript,
      reply: (turn) => `Reply number ${turn}.`,
      onEvent: (e) => events.push(e),
    });
    onTestFinished(() => character.stop());
    expect(character.state).toBe('joined');

    const user = await connectParticipant({ token: await mintToken({ identity: 'user-1', room }) });
    const transcripts: Transcript[] = [];
    user.on('dataReceived', (payload) => {
      transcripts.push(JSON.parse(new TextDecoder().decode(payload)) as Transcript);
    });
    // Loudness of what the user hears, per 10 ms frame, with arrival time.
    const heard: Array<{ atMs: number; level: number }> = [];
    const track = await waitFor(
      () =>
        [...(user.remoteParticipants.get(`worker:${sessionId}`)?.trackPublications.values() ?? [])]
          .filter((p) => p.kind === TrackKind.KIND_AUDIO)
          .map((p) => p.track)[0] as RemoteTrack | undefined,
      { timeoutMs: 10_000, debugName: 'character audio track' },
    );
    const reader = new AudioStream(track, { sampleRate: 48_000, numChannels: 1 }).getReader();
    onTestFinished(() => reader.cancel().catch(() => {}));
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        heard.push({ atMs: performance.now(), level: rms(value.data) });
      }
    })().catch(() => {});

    // The greeting: spoken (audible for about its synthetic length) and transcribed.
    await waitFor(() => events.some((e) => e.type === 'character_speech'), {
      timeoutMs: 10_000,
      debugName: 'greeting spoken',
    });
    expect(transcripts[0]).toEqual({
      type: 'transcription',
      role: 'assistant',
      turn: 0,
      text: startScript,
    });
    const loudMs = heard.filter((h) => h.level > 0.02).length * 10;
    expect(loudMs).toBeGreaterThan(speechDurationMs(startScript) * 0.4);
    expect(events.find((e) => e.type === 'character_speech')).toMatchObject({
      interrupted: false,
      turn: 0,
    });

    // The user speaks for 800 ms, then is silent: one turn, a transcript pair, a spoken reply.
    const mic = new AudioSource(48_000, 1, 100);
    await user.localParticipant!.publishTrack(
      LocalAudioTrack.createAudioTrack('mic', mic),
      new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }),
    );
    const tone = new ToneGenerator({ frequencyHz: 300 });
    const quiet = new ToneGenerator({ frequencyHz: 300, amplitude: 0 });
    const stop = new AbortController();
    onTestFinished(() => stop.abort());
    const micLoop = (async () => {
      const t0 = performance.now();
      while (!stop.signal.aborted) {
        await mic.captureFrame(performance.now() - t0 < 800 ? tone.next() : quiet.next());
      }
    })();
    await waitFor(() => events.some((e) => e.type === 'character_speech' && e.turn === 1), {
      timeoutMs: 10_000,
      debugName: 'reply spoken',
    });
    const turn = events.find((e) => e.type === 'user_turn');
    expect(turn?.type === 'user_turn' && turn.speechMs).toBeGreaterThan(500);
    expect(turn?.type === 'user_turn' && turn.speechMs).toBeLessThan(1_200);
    expect(transcripts.slice(1).map((t) => [t.role, t.turn])).toEqual([
      ['user', 1],
      ['assistant', 1],
    ]);
    expect(transcripts[2]!.text).toBe('Reply number 1.');
    stop.abort();
    await micLoop;

    const endCall = new TextEncoder().encode(JSON.stringify({ type: 'END_CALL' }));
    await user.localParticipant!.publishData(endCall, { reliable: true });
    expect((await character.ended).reason).toBe('end_call');
    expect(events.map((e) => e.type)).toEqual([
      'joined',
      'participant_joined',
      'character_speech',
      'user_turn',
      'character_speech',
      'end_call',
      'left',
    ]);
    await mic.close();
  });
});
