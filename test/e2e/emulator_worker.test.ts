// The emulated Runway worker against real participants: agent (DataStreamAudioOutput), user, intruder.
import { randomUUID } from 'node:crypto';
import { voice } from '@livekit/agents';
import {
  AudioFrame,
  AudioStream,
  type RemoteTrack,
  type Room,
  TrackKind,
  VideoStream,
} from '@livekit/rtc-node';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
// The monotonic clock libwebrtc stamps render times on (process.hrtime), in ms.
import { monoMs } from '../../bench/lib/rooms.js';
import { decodeFrame, frameCounterDistance } from '../../src/emulator/worker/frame_code.js';
import {
  type AvatarWorker,
  type AvatarWorkerEvent,
  startAvatarWorker,
} from '../../src/emulator/worker/index.js';
import { collectAudio, goertzelAmplitude, rms } from './support/audio.js';
import { liveKitEnv } from './support/env.js';
import { connectParticipant } from './support/room.js';
import { mintToken } from './support/token.js';
import { waitFor } from './support/wait.js';

const AVATAR = 'runway-avatar-agent';
const AGENT = 'agent-under-test';
const RATE = 16_000;
/** The worker's frame rate, set explicitly: a frame's counter is its time slot at this rate. */
const FPS = 25;

function resetDataStreamStatics(): void {
  voice.DataStreamAudioOutput._playbackFinishedRpcRegistered = false;
  voice.DataStreamAudioOutput._playbackFinishedHandlers = {};
  voice.DataStreamAudioOutput._playbackStartedRpcRegistered = false;
  voice.DataStreamAudioOutput._playbackStartedHandlers = {};
}
beforeEach(resetDataStreamStatics);
afterEach(resetDataStreamStatics);

/** Writes `ms` of a 16 kHz sine (100 ms frames, as fast as the output accepts) and flushes. */
async function speak(
  out: voice.DataStreamAudioOutput,
  hz: number,
  ms: number,
  opts: { flush?: boolean } = {},
) {
  const per = RATE / 10;
  for (let f = 0; f < ms / 100; f++) {
    const frame = AudioFrame.create(RATE, 1, per);
    for (let i = 0; i < per; i++) {
      frame.data[i] = Math.round(Math.sin((2 * Math.PI * hz * (f * per + i)) / RATE) * 16000);
    }
    await out.captureFrame(frame);
  }
  if (opts.flush !== false) out.flush();
}

/**
 * One room with an agent, a user and the worker; the agent's audio output targets the worker. The
 * worker learns the agent from its token's `lk.publish_on_behalf`, or from `agentIdentity`.
 */
async function setup(workerOpts: { graceMs?: number; explicitAgent?: boolean } = {}) {
  const room = `worker-${randomUUID()}`;
  const agent = await connectParticipant({
    token: await mintToken({ identity: AGENT, room, kind: 'agent' }),
    roomOptions: { autoSubscribe: false },
  });
  const user = await connectParticipant({ token: await mintToken({ identity: 'user-1', room }) });
  const events: AvatarWorkerEvent[] = [];
  const worker = await startAvatarWorker({
    url: liveKitEnv().url,
    token: await mintToken({
      identity: AVATAR,
      room,
      kind: 'agent',
      attributes: workerOpts.explicitAgent ? {} : { 'lk.publish_on_behalf': AGENT },
    }),
    agentIdentity: workerOpts.explicitAgent ? AGENT : undefined,
    sessionId: randomUUID(),
    video: { fps: FPS },
    graceMs: workerOpts.graceMs ?? 500,
    joinTimeoutMs: 10_000,
    onEvent: (e) => events.push(e),
  });
  onTestFinished(() => worker.stop('test finished'));
  const output = new voice.DataStreamAudioOutput({
    room: agent,
    destinationIdentity: AVATAR,
    sampleRate: RATE,
    waitRemoteTrack: TrackKind.KIND_VIDEO,
  });
  const finished: Array<{ ev: voice.PlaybackFinishedEvent; atMs: number }> = [];
  output.on('playbackFinished', (ev: voice.PlaybackFinishedEvent) =>
    finished.push({ ev, atMs: performance.now() }),
  );
  return { room, agent, user, worker, events, output, finished };
}

/** The worker's track of `kind` as the user receives it. */
async function workerTrack(user: Room, kind: TrackKind): Promise<RemoteTrack> {
  return waitFor(
    () => {
      const p = user.remoteParticipants.get(AVATAR);
      for (const pub of p?.trackPublications.values() ?? []) {
        if (pub.kind === kind && pub.track) return pub.track;
      }
      return undefined;
    },
    { timeoutMs: 10_000, debugName: `worker track ${kind}` },
  );
}

/**
 * Reads the worker's video, decoding every frame, until stopped. Each code is timed by the frame's render
 * time (when libwebrtc plans to show it, monotonic ms), stamped natively: decoding a code in JS is slow
 * enough that, under the suite's load, the reader fell 0.8 s behind, and a time taken after decoding
 * measured that backlog.
 */
function readCodes(track: RemoteTrack) {
  const codes: Array<{ counter: number; level: number; atMs: number }> = [];
  let undecodable = 0;
  const reader = new VideoStream(track).getReader();
  const loop = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const code = decodeFrame(value.frame);
      if (code) codes.push({ ...code, atMs: Number(value.timestampUs) / 1000 });
      else undecodable++;
    }
  })();
  return {
    codes,
    undecodable: () => undecodable,
    stop: async () => {
      await reader.cancel().catch(() => {});
      await loop.catch(() => {});
    },
  };
}

const types = (events: AvatarWorkerEvent[]) => events.map((e) => e.type);

describe('emulated Runway avatar worker', () => {
  it('plays agent speech in real time, shows it on coded video, reports playback_finished', async () => {
    const { user, worker, events, output, finished } = await setup();
    const video = readCodes(await workerTrack(user, TrackKind.KIND_VIDEO));
    onTestFinished(video.stop);
    const audio = new AudioStream(await workerTrack(user, TrackKind.KIND_AUDIO), {
      sampleRate: 48_000,
      numChannels: 1,
    });
    // Time the first loud frame on its way to collectAudio (which only calls getReader()), on the video's
    // clock. Frames come every 10 ms, so the stream's start is the earliest (arrival − audio before it):
    // a stall of this process only delays arrivals, and no single late arrival moves the onset.
    let originMs = Number.POSITIVE_INFINITY;
    let samplesBefore = 0;
    let onsetSamples = -1;
    const heard = collectAudio(
      audio.pipeThrough(
        new TransformStream<AudioFrame, AudioFrame>({
          transform(frame, ctl) {
            originMs = Math.min(originMs, monoMs() - (samplesBefore * 1000) / frame.sampleRate);
            if (onsetSamples < 0 && rms(frame.data) > 0.1) onsetSamples = samplesBefore;
            samplesBefore += frame.samplesPerChannel;
            ctl.enqueue(frame);
          },
        }),
      ) as unknown as AudioStream,
      { durationMs: 600, timeoutMs: 10_000 },
    );

    const t0 = performance.now();
    await speak(output, 880, 1500);
    const { samples, sampleRate } = await heard;
    const at880 = goertzelAmplitude(samples, sampleRate, 880);
    expect(at880).toBeGreaterThan(0.2);
    expect(at880).toBeGreaterThan(10 * goertzelAmplitude(samples, sampleRate, 440));

    await waitFor(() => finished.length === 1, { timeoutMs: 5_000, debugName: 'playbackFinished' });
    // Played in real time: the report cannot come before 1.5 s of audio was heard.
    expect(finished[0]!.atMs - t0).toBeGreaterThanOrEqual(1_450);
    expect(finished[0]!.ev.interrupted).toBe(false);
    expect(finished[0]!.ev.playbackPosition).toBeCloseTo(1.5, 2);
    // The worker's own report comes once the agent has answered the RPC.
    const seg = await waitFor(() => events.find((e) => e.type === 'segment'), {
      timeoutMs: 2_000,
      debugName: 'segment event',
    });
    expect(seg?.type === 'segment' && seg.segment).toMatchObject({
      index: 1,
      sampleRate: RATE,
      channels: 1,
      bytes: 48_000,
      interrupted: false,
      acknowledged: true,
      rpcAttempts: 1,
    });

    // Video: ~25 fps counters, the tone visible as level, silence after it.
    await new Promise((r) => setTimeout(r, 400));
    await video.stop();
    const codes = video.codes;
    expect(codes.length).toBeGreaterThan(25);
    const first = codes[0]!;
    const last = codes[codes.length - 1]!;
    const fps =
      (frameCounterDistance(first.counter, last.counter) * 1000) / (last.atMs - first.atMs);
    expect(fps).toBeGreaterThan(20);
    expect(fps).toBeLessThan(30);
    const loud = codes.filter((c) => c.level > 0.2);
    expect(loud.length).toBeGreaterThan(15);
    // Lip sync: the level shows on video when the tone is heard (generous bound). The video is timed
    // as the audio is, by its earliest arrival: a frame's counter is its time slot on the worker's clock,
    // so the clock is the earliest (render time − slot time), and a stretch of frames held up on the way
    // (libwebrtc's send queue, BENCHMARKS.md §4 "What broke lip sync") does not move the loud frame's
    // slot. Timed by its render time alone, this check once read 822 ms in CI, in a run whose other
    // checks passed. What the worker chose to draw into each slot is what this checks; the render time
    // is in the message.
    expect(onsetSamples).toBeGreaterThanOrEqual(0);
    const audioOnsetMs = originMs + (onsetSamples * 1000) / 48_000;
    const slotMs = (c: { counter: number }) =>
      (frameCounterDistance(first.counter, c.counter) * 1000) / FPS;
    const videoOriginMs = Math.min(...codes.map((c) => c.atMs - slotMs(c)));
    const shownMs = videoOriginMs + slotMs(loud[0]!);
    const ms = (t: number) => `${Math.round(t - audioOnsetMs)} ms`;
    const seen = `after the tone was heard: the first loud frame's slot ${ms(shownMs)}, its render ${ms(loud[0]!.atMs)}`;
    expect(Math.abs(shownMs - audioOnsetMs), seen).toBeLessThan(300);
    expect(codes[codes.length - 1]!.level).toBeLessThan(0.02);
    expect(worker.stats).toMatchObject({ segmentsReceived: 1, segmentsCompleted: 1 });
    expect(types(events).slice(0, 2)).toEqual(['joined', 'agent_joined']);
  });

  it('ignores others, rejects bad attributes, ends an unclosed stream at the next, ends on END_CALL', async () => {
    const { room, agent, worker, events } = await setup({ explicitAgent: true });
    const intruder = await connectParticipant({
      token: await mintToken({ identity: 'intruder', room }),
    });
    await waitFor(() => intruder.remoteParticipants.has(AVATAR), {
      timeoutMs: 5_000,
      debugName: 'intruder sees avatar',
    });
    const pcm = new Uint8Array(3_200).fill(0x40);
    const send = async (from: Room, attributes?: Record<string, string>) => {
      const w = await from.localParticipant!.streamBytes({
        topic: 'lk.audio_stream',
        destinationIdentities: [AVATAR],
        attributes,
      });
      await w.write(pcm);
      await w.close();
    };
    await send(intruder, { sample_rate: '16000', num_channels: '1' });
    await send(agent, { sample_rate: '16000' });
    await waitFor(() => events.filter((e) => e.type === 'stream_rejected').length === 2, {
      timeoutMs: 5_000,
      debugName: 'two rejected streams',
    });
    expect(events.filter((e) => e.type === 'stream_rejected')).toMatchObject([
      { senderIdentity: 'intruder', reason: 'not_agent' },
      { senderIdentity: AGENT, reason: 'bad_attributes' },
    ]);
    await expect(
      intruder.localParticipant!.performRpc({
        destinationIdentity: AVATAR,
        method: 'lk.clear_buffer',
        payload: '',
      }),
    ).rejects.toThrow(/not the agent/);
    // A stream left open is ended when the next one arrives; both play in order. Without an
    // lk.playback_finished method on the agent, each report fails after 3 attempts.
    agent.localParticipant!.unregisterRpcMethod('lk.playback_finished');
    const attrs = { sample_rate: '16000', num_channels: '1' };
    const open = await agent.localParticipant!.streamBytes({
      topic: 'lk.audio_stream',
      destinationIdentities: [AVATAR],
      attributes: attrs,
    });
    await open.write(new Uint8Array(16_000).fill(0x20));
    await send(agent, attrs);
    const segments = () => events.flatMap((e) => (e.type === 'segment' ? [e.segment] : []));
    await waitFor(() => segments().length === 2, { timeoutMs: 5_000, debugName: 'two segments' });
    expect(segments()).toMatchObject([
      { index: 1, receivedSeconds: 0.5, playbackPositionSeconds: 0.5, interrupted: false },
      { index: 2, receivedSeconds: 0.1, playbackPositionSeconds: 0.1, interrupted: false },
    ]);
    expect(segments().map((x) => [x.acknowledged, x.rpcAttempts])).toEqual([
      [false, 3],
      [false, 3],
    ]);
    await open.close();

    const endCall = new TextEncoder().encode(JSON.stringify({ type: 'END_CALL' }));
    await intruder.localParticipant!.publishData(endCall, { reliable: true });
    await new Promise((r) => setTimeout(r, 300));
    expect(worker.state).toBe('joined');

    await agent.localParticipant!.publishData(endCall, {
      reliable: true,
      destination_identities: [AVATAR],
    });
    const left = await worker.ended;
    expect(left.reason).toBe('end_call');
    expect(types(events).slice(-2)).toEqual(['end_call', 'left']);
    expect(worker.stats).toMatchObject({
      segmentsReceived: 2,
      segmentsCompleted: 2,
      playbackFinishedFailed: 2,
      streamsRejected: 2,
      bytesReceived: 19_200,
    });
    await waitFor(() => !agent.remoteParticipants.has(AVATAR), {
      timeoutMs: 5_000,
      debugName: 'avatar gone from the room',
    });
  });

  it('answers clearBuffer with interrupted=true at the position heard', async () => {
    const { worker, events, output, finished } = await setup();
    const speaking = speak(output, 500, 4_000, { flush: false });
    await waitFor(() => worker.stats.audioFramesPublished > 0 && worker.stats.bytesReceived > 0, {
      timeoutMs: 5_000,
      debugName: 'speech reaching the worker',
    });
    await speaking;
    await new Promise((r) => setTimeout(r, 700));
    const t = performance.now();
    output.clearBuffer();
    output.flush();
    await waitFor(() => finished.length === 1, {
      timeoutMs: 2_000,
      debugName: 'interrupted report',
    });
    expect(finished[0]!.atMs - t).toBeLessThan(2_000);
    expect(finished[0]!.ev.interrupted).toBe(true);
    expect(finished[0]!.ev.playbackPosition).toBeGreaterThan(0.3);
    expect(finished[0]!.ev.playbackPosition).toBeLessThan(2);
    expect(types(events)).toContain('clear_buffer');
    await waitFor(() => worker.stats.segmentsInterrupted === 1, {
      timeoutMs: 2_000,
      debugName: 'interrupted segment counted',
    });
    expect(worker.stats).toMatchObject({ clearBufferCalls: 1, playbackFinishedAcknowledged: 1 });

    // A new segment after the interruption plays normally.
    await speak(output, 500, 300);
    await waitFor(() => finished.length === 2, { timeoutMs: 5_000, debugName: 'second segment' });
    expect(finished[1]!.ev).toMatchObject({ interrupted: false, playbackPosition: 0.3 });
  });

  it('leaves after graceMs when the agent leaves, and not if it comes back in time', async () => {
    const { room, agent, worker, events } = await setup({ graceMs: 1_500 });
    await agent.disconnect();
    await new Promise((r) => setTimeout(r, 300));
    const back = await connectParticipant({
      token: await mintToken({ identity: AGENT, room, kind: 'agent' }),
    });
    await new Promise((r) => setTimeout(r, 1_700));
    expect(worker.state).toBe('joined');
    const t = performance.now();
    await back.disconnect();
    const left = await worker.ended;
    expect(left.reason).toBe('agent_left');
    expect(performance.now() - t).toBeGreaterThanOrEqual(1_400);
    expect(types(events).slice(-2)).toEqual(['agent_left', 'left']);
  });

  it('reports a rejected token, an empty room, stop() and kill()', async () => {
    const room = `worker-${randomUUID()}`;
    const avatarToken = (apiSecret?: string) =>
      mintToken({
        identity: AVATAR,
        room,
        kind: 'agent',
        attributes: { 'lk.publish_on_behalf': AGENT },
        ...(apiSecret ? { apiKey: liveKitEnv().apiKey, apiSecret } : {}),
      });
    const start = async (token: string, joinTimeoutMs = 10_000) => {
      const events: AvatarWorkerEvent[] = [];
      const worker: AvatarWorker = await startAvatarWorker({
        url: liveKitEnv().url,
        token,
        sessionId: 's',
        joinTimeoutMs,
        onEvent: (e) => events.push(e),
      });
      onTestFinished(() => worker.stop());
      return { worker, events };
    };

    const rejected = await start(await avatarToken('not-the-secret-of-this-server-0123456789'));
    expect(types(rejected.events)).toEqual(['token_rejected', 'left']);
    expect(rejected.worker.state).toBe('left');
    expect(JSON.stringify(rejected.events)).not.toMatch(/eyJ/);

    const alone = await start(await avatarToken(), 400);
    expect((await alone.worker.ended).reason).toBe('nobody_there');
    expect(types(alone.events)).toEqual(['joined', 'nobody_there', 'left']);

    const stopped = await start(await avatarToken());
    await stopped.worker.stop('cancelled');
    expect(await stopped.worker.ended).toMatchObject({ reason: 'stopped', detail: 'cancelled' });

    const killed = await start(await avatarToken());
    await killed.worker.kill();
    expect((await killed.worker.ended).reason).toBe('killed');
    expect(types(killed.events)).toEqual(['joined', 'left']);
  });
});
