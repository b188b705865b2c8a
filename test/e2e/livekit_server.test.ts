// Proves the e2e harness: two rtc-node participants exchange audio, video, a byte stream and an RPC via the real server.
import { randomUUID } from 'node:crypto';
import {
  AudioSource,
  AudioStream,
  LocalAudioTrack,
  LocalVideoTrack,
  type RemoteTrack,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  VideoSource,
  VideoStream,
} from '@livekit/rtc-node';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  collectAudio,
  dominantFrequency,
  goertzelAmplitude,
  pumpTone,
  rms,
  ToneGenerator,
  zeroCrossingFrequency,
} from './support/audio.js';
import { connectParticipant } from './support/room.js';
import { mintToken } from './support/token.js';
import { pumpVideo, SyntheticVideo, VideoFrameReader } from './support/video.js';
import { waitFor, waitForRoomEvent } from './support/wait.js';

const TONE_HZ = 440;
const VIDEO_FPS = 25;
const WIDTH = 320;
const HEIGHT = 240;

/**
 * Connects a subscriber, then a publisher, to a fresh room. In this order the publisher sees the
 * subscriber at once (in its join response); the other way round, livekit-server batches updates
 * about non-publishing participants every 3 s.
 */
async function connectPair() {
  const room = `harness-${randomUUID()}`;
  const subscriber = await connectParticipant({
    token: await mintToken({ identity: 'subscriber', room }),
  });
  const publisher = await connectParticipant({
    token: await mintToken({ identity: 'publisher', room }),
  });
  return { publisher, subscriber };
}

describe('livekit-server e2e harness', () => {
  it('carries a 440 Hz tone and synthetic video from one participant to another', async () => {
    const { publisher, subscriber } = await connectPair();
    const subscribed = (kind: TrackKind) =>
      waitForRoomEvent(
        subscriber,
        'trackSubscribed',
        (track, _pub, participant) => participant.identity === 'publisher' && track.kind === kind,
        10_000,
      ).then(([track]): RemoteTrack => track);
    const remoteAudio = subscribed(TrackKind.KIND_AUDIO);
    const remoteVideo = subscribed(TrackKind.KIND_VIDEO);

    const audioSource = new AudioSource(48_000, 1, 100);
    const videoSource = new VideoSource(WIDTH, HEIGHT);
    const stopAudio = new AbortController();
    let stopVideo = () => {};
    let tone: Promise<void> = Promise.resolve();
    onTestFinished(async () => {
      stopAudio.abort();
      stopVideo();
      await tone.catch(() => {});
      await audioSource.close();
      await videoSource.close();
    });

    const local = publisher.localParticipant!;
    await local.publishTrack(
      LocalAudioTrack.createAudioTrack('tone', audioSource),
      new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }),
    );
    await local.publishTrack(
      LocalVideoTrack.createVideoTrack('pattern', videoSource),
      new TrackPublishOptions({ source: TrackSource.SOURCE_CAMERA, simulcast: false }),
    );
    tone = pumpTone(audioSource, new ToneGenerator({ frequencyHz: TONE_HZ }), stopAudio.signal);
    stopVideo = pumpVideo(videoSource, new SyntheticVideo(WIDTH, HEIGHT), VIDEO_FPS);

    const videoReader = new VideoFrameReader(new VideoStream(await remoteVideo));
    onTestFinished(() => videoReader.stop());

    // Audio: what arrives is the 440 Hz tone, not merely something non-silent.
    const { samples, sampleRate } = await collectAudio(
      new AudioStream(await remoteAudio, { sampleRate: 48_000, numChannels: 1 }),
      { durationMs: 1_000 },
    );
    expect(sampleRate).toBe(48_000);
    expect(rms(samples)).toBeGreaterThan(0.1);
    const peak = dominantFrequency(samples, sampleRate);
    expect(peak.frequencyHz).toBeGreaterThanOrEqual(TONE_HZ - 10);
    expect(peak.frequencyHz).toBeLessThanOrEqual(TONE_HZ + 10);
    expect(Math.abs(zeroCrossingFrequency(samples, sampleRate) - TONE_HZ)).toBeLessThan(10);
    expect(goertzelAmplitude(samples, sampleRate, TONE_HZ)).toBeGreaterThan(
      10 * goertzelAmplitude(samples, sampleRate, 2 * TONE_HZ),
    );

    // Video: frames keep coming at roughly the published rate, with the published content.
    // Rate over 1.5 s, skipping the first 0.5 s of ramp-up (measured while audio was collected).
    const frames = videoReader.frames;
    await waitFor(
      () => frames.length > 0 && frames.at(-1)!.arrivedMs - frames[0]!.arrivedMs >= 2_000,
      {
        timeoutMs: 10_000,
        debugName: '2 s of video frames',
      },
    );
    const from = frames[0]!.arrivedMs + 500;
    const inWindow = frames.filter((f) => f.arrivedMs >= from && f.arrivedMs < from + 1_500);
    const fps = inWindow.length / 1.5;
    expect(fps).toBeGreaterThan(VIDEO_FPS * 0.4);
    expect(fps).toBeLessThan(VIDEO_FPS * 1.6);
    const last = videoReader.frames.at(-1)!;
    expect(last.width * HEIGHT).toBe(last.height * WIDTH); // 4:3, whatever layer arrives
    expect(Math.max(...videoReader.frames.map((f) => f.width))).toBeLessThanOrEqual(WIDTH);
    const lumas = videoReader.frames.map((f) => f.centreLuma);
    const nearLevel = (y: number) => SyntheticVideo.lumaLevels.some((l) => Math.abs(l - y) <= 12);
    expect(lumas.filter(nearLevel).length).toBeGreaterThan(lumas.length * 0.8);
    expect(new Set(lumas.map((y) => Math.round(y / 40))).size).toBeGreaterThanOrEqual(3);
  });

  it('delivers a byte stream with its attributes and round-trips an RPC', async () => {
    const { publisher, subscriber } = await connectPair();
    expect(publisher.remoteParticipants.has('subscriber')).toBe(true);

    const received = new Promise<{ attributes?: Record<string, string>; bytes: Uint8Array }>(
      (resolve, reject) => {
        subscriber.registerByteStreamHandler('harness.bytes', (reader, from) => {
          if (from.identity !== 'publisher') return;
          reader
            .readAll()
            .then((chunks) =>
              resolve({ attributes: reader.info.attributes, bytes: concat(chunks) }),
            )
            .catch(reject);
        });
      },
    );
    const payload = new Uint8Array(40_000);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) & 0xff;
    const writer = await publisher.localParticipant!.streamBytes({
      topic: 'harness.bytes',
      name: 'pattern.bin',
      attributes: { kind: 'pattern', seq: '1' },
      totalSize: payload.length,
    });
    await writer.write(payload);
    await writer.close();
    const got = await received;
    expect(got.attributes).toEqual({ kind: 'pattern', seq: '1' });
    expect(got.bytes).toEqual(payload);

    subscriber.localParticipant!.registerRpcMethod('harness.echo', async (data) =>
      JSON.stringify({ from: data.callerIdentity, upper: data.payload.toUpperCase() }),
    );
    const reply = await publisher.localParticipant!.performRpc({
      destinationIdentity: 'subscriber',
      method: 'harness.echo',
      payload: 'hello rpc',
    });
    expect(JSON.parse(reply)).toEqual({ from: 'publisher', upper: 'HELLO RPC' });
  });
});

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
