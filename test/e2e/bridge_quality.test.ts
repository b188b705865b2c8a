// The hosted bridge shows Runway's full picture and keeps the voice with it (issue 17). The emulated
// worker pauses simulcast layers nobody watches (dynacast), so a new subscriber — the bridge — gets a low
// layer first, as in the runs where the user saw 272×176 for the whole call.
import { type RemoteTrack, type Room, RoomEvent, TrackKind } from '@livekit/rtc-node';
import { RoomServiceClient, type TrackInfo, TrackType } from 'livekit-server-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { estimateAvOffset } from '../../bench/lib/av_offset.js';
import { resetStrategyCache } from '../../src/index.js';
import {
  startAgentWithAvatar,
  startEmulatorWithWorker,
  subscribeToAvatar,
} from './support/agent_harness.js';
import { AvRecorder } from './support/av_recorder.js';
import { liveKitEnv } from './support/env.js';
import { connectParticipant } from './support/room.js';
import { mintToken } from './support/token.js';
import { waitFor } from './support/wait.js';

const AVATAR = 'runway-avatar-agent';
const WIDTH = 1088;
const HEIGHT = 704;
/** Long enough to keep the character talking through the whole test. */
const SCRIPT = Array.from(
  { length: 12 },
  (_, i) =>
    `Sentence ${i + 1}: the hosted cat keeps talking so that lips and voice can be compared.`,
).join(' ');
/** How long both viewers record, ms. */
const RECORD_MS = 8000;
/** Picture–sound offset through the bridge may differ from a direct viewer's by at most this, ms. */
const OFFSET_BOUND_MS = 80;
/**
 * Share of the user's frames that must be full size after its first second. The bench's target is 99 %
 * (BENCHMARKS.md §4); on 2 cores shared with the rest of the suite, the SFU sometimes steps the user down
 * to 556×360 for a moment (91 % full size seen in one full run). The bridge this test was written against
 * gave 0 %: it published at the first frame's 272×176 for the whole call.
 */
const FULL_SIZE_SHARE = 0.85;
/**
 * Least correlation between the frame code's level and the audio energy for an offset to mean anything.
 * Under load it falls (0.45 seen once for the bridged viewer, beside 0.39 for the old bridge). About 1
 * run in 30 the bridged viewer falls below it for a real reason, not noise: the bridge's bandwidth
 * estimate came out low, and at Runway's switch to its top layer the picture waited ~0.5 s in the send
 * queue (the message then shows a send-queue wait above 100 ms; BENCHMARKS.md §4, "What broke lip sync").
 */
const MIN_CORRELATION = 0.4;

afterEach(() => resetStrategyCache());

/** The video track of `identity` (or of the first participant publishing video) as the server has it. */
async function serverVideoTrack(room: string, identity?: string): Promise<TrackInfo> {
  const env = liveKitEnv();
  const rooms = new RoomServiceClient(env.url.replace(/^ws/, 'http'), env.apiKey, env.apiSecret);
  const participants = await rooms.listParticipants(room);
  for (const p of participants) {
    if (identity && p.identity !== identity) continue;
    const video = p.tracks.find((t) => t.type === TrackType.VIDEO);
    if (video) return video;
  }
  throw new Error(`no video track${identity ? ` of ${identity}` : ''} in room ${room}`);
}

/** Width × height of each simulcast layer the server lists, top first. */
function layers(track: TrackInfo): string[] {
  return track.layers
    .map((l) => ({ w: l.width, h: l.height }))
    .sort((a, b) => b.w - a.w)
    .map((l) => `${l.w}x${l.h}`);
}

/** The worker's tracks in Runway's room, seen by a direct viewer there. */
async function workerTracks(room: Room): Promise<{ audio: RemoteTrack; video: RemoteTrack }> {
  let identity: string | undefined;
  const find = () => {
    for (const p of room.remoteParticipants.values())
      for (const pub of p.trackPublications.values())
        if (pub.kind === TrackKind.KIND_VIDEO) identity = p.identity;
    return identity !== undefined;
  };
  room.on(RoomEvent.TrackPublished, find);
  await waitFor(find, { timeoutMs: 10_000, debugName: "the worker's video in Runway's room" });
  room.off(RoomEvent.TrackPublished, find);
  return subscribeToAvatar(room, identity!);
}

describe('hosted bridge quality', () => {
  it("publishes Runway's size and layers; the user sees the full picture with the voice in time", async () => {
    const { emulator } = await startEmulatorWithWorker(
      { mode: 'hosted-only' },
      { video: { width: WIDTH, height: HEIGHT, fps: 25, dynacast: true, rampUpMs: 4000 } },
    );
    const a = await startAgentWithAvatar(emulator, { strategy: 'hosted', startScript: SCRIPT });
    const sessionId = a.avatar.sessionId!;
    await a.avatar.waitForJoin({ timeout: 20_000 });

    // Both viewers record at the same time: the user in the agent's room, and a direct viewer in
    // Runway's room (the session's room) as the baseline for the picture–sound offset.
    const bridgedTracks = await subscribeToAvatar(a.userRoom, AVATAR);
    const bridged = new AvRecorder(bridgedTracks.video, bridgedTracks.audio);
    const directRoom = await connectParticipant({
      token: await mintToken({ identity: 'direct-viewer', room: sessionId }),
    });
    const directTracks = await workerTracks(directRoom);
    const direct = new AvRecorder(directTracks.video, directTracks.audio);
    // The bridge's own account of how long its video waited to be sent (read every 2 s): when lips fall
    // apart, this says whether the send queue is why (BENCHMARKS.md §4, "What broke lip sync").
    // The sizes its encoder sent say, when the user's frames are small, which side chose them.
    // And libwebrtc's bandwidth estimate says whether the picture was short of it (§4, "The bandwidth
    // estimate and the voice").
    const sendDelays: number[] = [];
    const sent = new Set<string>();
    const estimates: number[] = [];
    const sampler = setInterval(() => {
      const adaptation = a.avatar.bridgeStats?.videoAdaptation;
      if (adaptation && sendDelays.at(-1) !== adaptation.sendDelayMs) {
        sendDelays.push(adaptation.sendDelayMs);
      }
      if (adaptation) {
        sent.add(`${adaptation.sentWidth}x${adaptation.sentHeight} (${adaptation.limitation})`);
      }
      const kbps = adaptation?.bandwidthEstimateKbps;
      if (kbps !== undefined && estimates.at(-1) !== kbps) estimates.push(kbps);
    }, 500);
    await new Promise((r) => setTimeout(r, RECORD_MS));
    clearInterval(sampler);
    await Promise.all([bridged.stop(), direct.stop()]);

    // 1. The server lists the bridged track with Runway's dimensions and simulcast layers.
    const runway = await serverVideoTrack(sessionId);
    const ours = await serverVideoTrack(a.roomName, AVATAR);
    expect({ width: runway.width, height: runway.height }).toEqual({
      width: WIDTH,
      height: HEIGHT,
    });
    expect({ width: ours.width, height: ours.height }).toEqual({
      width: runway.width,
      height: runway.height,
    });
    expect(layers(runway).length).toBeGreaterThan(1);
    expect(layers(ours)).toEqual(layers(runway));
    expect(ours.simulcast).toBe(true);

    const estimated = `bandwidth estimate ${estimates.join(' → ') || 'not reported'} kbit/s`;

    // 2. After its first second, the user's frames are full size.
    expect(bridged.frames.length).toBeGreaterThan(RECORD_MS / 40 / 2);
    const firstAt = bridged.frames[0]!.atMs;
    const later = bridged.frames.filter((f) => f.atMs >= firstAt + 1000);
    const full = later.filter((f) => f.width === WIDTH && f.height === HEIGHT);
    const sizes = [...new Set(later.map((f) => `${f.width}x${f.height}`))];
    expect(
      full.length / later.length,
      `bridged frame sizes after the first second: ${sizes.join(', ')}; the bridge's encoder sent ${[...sent].join(', ') || 'nothing reported'}; ${estimated}`,
    ).toBeGreaterThanOrEqual(FULL_SIZE_SHARE);

    // 3. During speech, the picture–sound offset through the bridge is the direct viewer's, within bounds.
    const from = Math.max(bridged.frames[0]!.atMs, direct.frames[0]?.atMs ?? 0) + 1000;
    const to = performance.now();
    const b = estimateAvOffset(bridged.log, from, to);
    const d = estimateAvOffset(direct.log, from, to);
    expect(d, 'direct viewer: no speech envelope found').toBeDefined();
    expect(b, 'bridged viewer: no speech envelope found').toBeDefined();
    // Reported while recording, as a wait (finite, not negative): its failures below are what it explains.
    expect(sendDelays.length, 'no videoAdaptation.sendDelayMs while recording').toBeGreaterThan(0);
    expect(sendDelays.every((ms) => Number.isFinite(ms) && ms >= 0)).toBe(true);
    const maxSendDelay = Math.round(Math.max(...sendDelays));
    const seen = `direct: offset ${d!.offsetMs} ms, r ${d!.correlation.toFixed(2)}; bridged: offset ${b!.offsetMs} ms, r ${b!.correlation.toFixed(2)}, its video's send-queue wait up to ${maxSendDelay} ms; ${estimated}`;
    console.log(
      `bridge quality: ${(full.length / later.length).toFixed(3)} of frames full size; ${seen}`,
    );
    expect(d!.correlation, seen).toBeGreaterThan(MIN_CORRELATION);
    expect(b!.correlation, seen).toBeGreaterThan(MIN_CORRELATION);
    expect(
      Math.abs(b!.offsetMs - d!.offsetMs),
      `offset bridged ${b!.offsetMs} ms vs direct ${d!.offsetMs} ms`,
    ).toBeLessThanOrEqual(OFFSET_BOUND_MS);
  });
});
