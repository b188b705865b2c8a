// Dev tooling: how reliably the frame code survives real VP8 at the smallest sizes a viewer gets. Publishes the
// worker's picture (face + code band, level following a speech-like envelope) at one size and a low bitrate
// through a loopback livekit-server, reads it back in another participant, and counts decoded frames.
//   flock /tmp/heavy.lock npx tsx scripts/frame_code_vp8.ts [--seconds 10] [--kbps 120] [278x180 272x176 ...]
import {
  LocalVideoTrack,
  type RemoteTrack,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  VideoBufferType,
  VideoCodec,
  VideoFrame,
  VideoSource,
  VideoStream,
} from '@livekit/rtc-node';
import { AccessToken } from 'livekit-server-sdk';
import { eyesClosedAt, FacePainter } from '../src/emulator/worker/face.js';
import { allocateI420, decodeFrame, encodeFrame } from '../src/emulator/worker/frame_code.js';
import { startLiveKitServer } from './lib/livekit_server.js';

interface Result {
  size: string;
  kbps: number;
  received: number;
  decoded: number;
  wrongLevel: number;
}

async function token(key: string, secret: string, identity: string): Promise<string> {
  const at = new AccessToken(key, secret, { identity });
  at.addGrant({ room: 'vp8', roomJoin: true, canPublish: true, canSubscribe: true });
  return at.toJwt();
}

/** A speech-like level: syllables of ~200 ms under a slow phrase envelope, with pauses. */
function levelAt(slot: number): number {
  const t = slot / 25;
  const phrase = Math.max(0, Math.sin(t * 0.9));
  return 0.15 * phrase * Math.abs(Math.sin(t * Math.PI * 2.5));
}

async function measure(
  url: string,
  key: string,
  secret: string,
  w: number,
  h: number,
  kbps: number,
  seconds: number,
): Promise<Result> {
  const pub = new Room();
  const sub = new Room();
  await pub.connect(url, await token(key, secret, 'publisher'));
  await sub.connect(url, await token(key, secret, 'viewer'));
  const source = new VideoSource(w, h);
  const data = allocateI420(w, h);
  const frame = new VideoFrame(data, w, h, VideoBufferType.I420);
  const painter = new FacePainter(w, h);
  const sent = new Map<number, number>();
  const track = LocalVideoTrack.createVideoTrack('face', source);
  const gotTrack = new Promise<RemoteTrack>((resolve) => {
    sub.on(RoomEvent.TrackSubscribed, (t) => {
      if (t.kind === TrackKind.KIND_VIDEO) resolve(t);
    });
  });
  await pub.localParticipant!.publishTrack(
    track,
    new TrackPublishOptions({
      source: TrackSource.SOURCE_CAMERA,
      simulcast: false,
      videoCodec: VideoCodec.VP8,
      videoEncoding: { maxBitrate: BigInt(kbps * 1000), maxFramerate: 25 },
    }),
  );
  let slot = 0;
  const timer = setInterval(() => {
    const level = levelAt(slot);
    painter.draw(frame, level, eyesClosedAt(slot * 40));
    encodeFrame(slot, level, frame);
    sent.set(slot, Math.round(Math.min(1, level) * 255));
    source.captureFrame(frame);
    slot++;
  }, 40);
  const remote = await gotTrack;
  const reader = new VideoStream(remote).getReader();
  const r: Result = { size: `${w}x${h}`, kbps, received: 0, decoded: 0, wrongLevel: 0 };
  const until = performance.now() + seconds * 1000;
  // Skip the first second: the encoder's start-up frames are not what a call looks like.
  const countFrom = performance.now() + 1000;
  while (performance.now() < until) {
    const { value, done } = await reader.read();
    if (done) break;
    if (performance.now() < countFrom) continue;
    r.received++;
    const code = decodeFrame(value.frame);
    if (!code) continue;
    r.decoded++;
    const want = sent.get(code.counter);
    if (want !== undefined && Math.round(code.level * 255) !== want) r.wrongLevel++;
  }
  clearInterval(timer);
  await reader.cancel().catch(() => {});
  await pub.disconnect();
  await sub.disconnect();
  await source.close();
  return r;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string, dflt: number) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : dflt;
  };
  const seconds = opt('--seconds', 10);
  const kbps = opt('--kbps', 120);
  const sizes = args.filter((a) => /^\d+x\d+$/.test(a));
  const server = await startLiveKitServer();
  try {
    for (const s of sizes.length > 0 ? sizes : ['278x180', '272x176']) {
      const [w, h] = s.split('x').map(Number) as [number, number];
      const r = await measure(server.url, server.apiKey, server.apiSecret, w, h, kbps, seconds);
      const pct = r.received > 0 ? ((100 * r.decoded) / r.received).toFixed(1) : '-';
      console.log(
        `${r.size} VP8 ≤${r.kbps} kbps: ${r.decoded}/${r.received} frames decoded (${pct} %), ${r.wrongLevel} with a wrong level`,
      );
    }
  } finally {
    await server.stop();
  }
}

await main();
process.exit(0);
