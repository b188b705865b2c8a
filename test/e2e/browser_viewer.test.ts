// The web viewer (examples/web) in headless Chromium, as a user sees the avatar: livekit-client in a real
// browser decodes its video, plays its voice, and shows its strategy, state and transcripts.
import { AudioSource, LocalAudioTrack, TrackPublishOptions, TrackSource } from '@livekit/rtc-node';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { relayAvatarToRoom } from '../../examples/web/agent_relay.js';
import type { LevelSample } from '../../examples/web/protocol.js';
import { startViewerServer } from '../../examples/web/server.js';
import { decodeFrame, frameCounterDistance } from '../../src/emulator/worker/frame_code.js';
import { resetStrategyCache } from '../../src/index.js';
import { startAgentWithAvatar, startEmulatorWithWorker } from './support/agent_harness.js';
import { ToneGenerator } from './support/audio.js';
import { openViewer, type ViewerPage } from './support/browser.js';
import { liveKitEnv } from './support/env.js';
import { waitFor } from './support/wait.js';

const AVATAR = 'runway-avatar-agent';
/** The emulated worker's camera in these tests (the reference's checked size and rate). */
const VIDEO = { width: 640, height: 360, fps: 25 };
/** RMS (0..1) above which the page hears the avatar, and below which it is silent. */
const AUDIBLE_RMS = 0.02;
/** Hosted: long enough for the page to see the avatar's tracks published, muted, before Runway's room. */
const PROVISIONING_MS = 3000;
const SILENT_RMS = 0.005;

afterEach(() => resetStrategyCache());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts emulator, agent with avatar (given strategy), the relay, the viewer server and the page.
 * `pageFirst`: the page joins before `avatar.start()` (it sees the avatar start), with Runway taking
 * `provisioningMs` to provision; `consumedAt` is when the bridge consumed the session (`Date.now()`).
 */
async function setUp(
  mode: 'integration' | 'hosted-only',
  strategy: 'integration' | 'hosted',
  opts: { pageFirst?: boolean; provisioningMs?: number } = {},
) {
  const { emulator, events } = await startEmulatorWithWorker(
    { mode, ...(opts.provisioningMs ? { provisioningMs: opts.provisioningMs } : {}) },
    { video: VIDEO },
  );
  let consumedAt: number | undefined;
  emulator.on('request', (e: { route: string | null }) => {
    if (e.route === 'consume') consumedAt ??= Date.now();
  });
  const env = liveKitEnv();
  let viewer: ViewerPage | undefined;
  const openPage = async (room: string) => {
    const server = await startViewerServer({
      livekitUrl: env.url,
      apiKey: env.apiKey,
      apiSecret: env.apiSecret,
      room,
    });
    onTestFinished(() => server.close());
    viewer = await openViewer(server.url);
  };
  const a = await startAgentWithAvatar(
    emulator,
    {
      strategy,
      ...(strategy === 'hosted' ? { startScript: 'Hi! I am the hosted cat.' } : {}),
    },
    opts.pageFirst
      ? async (room) => {
          await openPage(room);
          // The page is in the room and has found the agent: it will see the avatar arrive.
          await waitFor(async () => (await viewer!.state()).agentIdentity, {
            timeoutMs: 15_000,
            debugName: 'the page found the agent',
          });
        }
      : undefined,
  );
  onTestFinished(relayAvatarToRoom(a.avatar, a.agentRoom, a.session));
  if (!viewer) await openPage(a.roomName);
  const page = viewer!;
  const shown = await waitFor(
    async () => {
      const s = await page.state();
      if (s.error) throw new Error(`page error: ${s.error}`);
      return s.firstFrameMs !== null && s.audioPlaying ? s : null;
    },
    {
      timeoutMs: 30_000,
      debugName: "the page's first avatar frame and playing audio",
      intervalMs: 100,
    },
  );
  return { emulator, events, a, viewer: page, shown, consumedAt };
}

/** Frames the page presented and decoded over `ms`, as rates; every grabbed frame's code. */
async function watchVideo(viewer: ViewerPage, ms: number) {
  const s0 = await viewer.state();
  const r0 = await viewer.videoStats();
  const t0 = Date.now();
  const counters: (number | null)[] = [];
  while (Date.now() - t0 < ms) {
    const frame = await viewer.grabFrame(320);
    counters.push(frame ? (decodeFrame(frame)?.counter ?? null) : null);
    await sleep(150);
  }
  const s1 = await viewer.state();
  const r1 = await viewer.videoStats();
  const seconds = (Date.now() - t0) / 1000;
  return {
    presentedFps: (s1.framesPresented - s0.framesPresented) / seconds,
    decodedFps: ((r1?.framesDecoded ?? 0) - (r0?.framesDecoded ?? 0)) / seconds,
    codec: r1?.codec,
    counters,
  };
}

/** Max and mean RMS of the page's level samples in `[fromMs, toMs]` (Date.now()). */
function levelIn(samples: LevelSample[], fromMs: number, toMs: number) {
  const window = samples.filter((l) => l.atMs >= fromMs && l.atMs <= toMs);
  const max = Math.max(0, ...window.map((l) => l.rms));
  const mean = window.reduce((s, l) => s + l.rms, 0) / Math.max(1, window.length);
  return { n: window.length, max, mean };
}

function expectCodedVideo(video: Awaited<ReturnType<typeof watchVideo>>): void {
  const explain = JSON.stringify(video);
  // 25 fps published: a real rate, with generous room for a busy 2-core machine.
  expect(video.presentedFps, explain).toBeGreaterThan(12);
  expect(video.decodedFps, explain).toBeGreaterThan(12);
  const decoded = video.counters.filter((c): c is number => c !== null);
  expect(decoded.length, explain).toBeGreaterThanOrEqual(video.counters.length * 0.7);
  // The frame code moves forward between grabs: these are live frames, not one frozen picture.
  for (let i = 1; i < decoded.length; i++) {
    const d = frameCounterDistance(decoded[i - 1]!, decoded[i]!);
    expect(d, explain).toBeLessThan(100);
  }
  expect(new Set(decoded).size, explain).toBeGreaterThan(decoded.length * 0.7);
}

describe('web viewer in headless Chromium', () => {
  it('integration: the page finds the avatar, decodes its coded video and hears the agent only while it speaks', async () => {
    const { a, viewer, shown } = await setUp('integration', 'integration');
    expect(shown.agentIdentity).toBe(a.agentIdentity);
    expect(shown.avatarIdentity).toBe(AVATAR);
    const s = await waitFor(
      async () => {
        const st = await viewer.state();
        return st.runwayState === 'live' ? st : null;
      },
      { timeoutMs: 10_000, debugName: 'runway.state live on the page', intervalMs: 100 },
    );
    expect(s.strategy).toBe('integration');
    expect(s.sessionId).toBe(a.avatar.sessionId);

    const video = await watchVideo(viewer, 3000);
    expectCodedVideo(video);

    // Silence before the agent speaks, its voice while it speaks, silence again after.
    const quietFrom = Date.now();
    await sleep(1500);
    const quietTo = Date.now();
    const saidAt = Date.now();
    await a.session.say('Hello from the browser test [tone:440][ms:2000]').waitForPlayout();
    const playedAt = Date.now();
    await sleep(2500);
    const shot = await viewer.screenshot('browser-viewer-integration');
    const levels = await viewer.levels(quietFrom);
    const before = levelIn(levels, quietFrom, quietTo);
    const during = levelIn(levels, saidAt, playedAt);
    const after = levelIn(levels, playedAt + 1000, playedAt + 2500);
    const explain = JSON.stringify({ before, during, after, shot });
    expect(before.n, explain).toBeGreaterThan(10);
    expect(before.max, explain).toBeLessThan(SILENT_RMS);
    expect(during.max, explain).toBeGreaterThan(AUDIBLE_RMS);
    expect(during.mean, explain).toBeGreaterThan(AUDIBLE_RMS / 2);
    expect(after.max, explain).toBeLessThan(SILENT_RMS);

    // The agent's words arrive as LiveKit transcriptions and are listed.
    const final = await waitFor(
      async () => {
        const st = await viewer.state();
        return st.lines.some((l) => l.who === 'agent' && l.text.includes('browser test'))
          ? st
          : null;
      },
      { timeoutMs: 5000, debugName: "the agent's transcript on the page", intervalMs: 100 },
    );
    expect(final.error).toBeNull();

    await a.session.close();
    await waitFor(async () => (await viewer.state()).runwayState === 'ended', {
      timeoutMs: 10_000,
      debugName: 'runway.state ended on the page',
      intervalMs: 100,
    });
  });

  it("hosted: the page shows the bridged character's video and voice, its transcripts, and silence between turns", async () => {
    const { a, events, viewer, shown, consumedAt } = await setUp('hosted-only', 'hosted', {
      pageFirst: true,
      provisioningMs: PROVISIONING_MS,
    });
    expect(shown.avatarIdentity).toBe(AVATAR);
    expect(shown.agentIdentity).toBe(a.agentIdentity);
    // While Runway provisioned, the page saw the avatar's camera muted; its first frame
    // came after the consume: none of the black frames that keep the bridged encoder warm reached it.
    expect(consumedAt).toBeDefined();
    expect(shown.mutedCameraSeenAt).not.toBeNull();
    expect(shown.mutedCameraSeenAt!).toBeLessThan(consumedAt!);
    expect(shown.firstFrameAt!).toBeGreaterThan(consumedAt!);
    await waitFor(async () => (await viewer.state()).avatarCameraMuted === false, {
      timeoutMs: 5000,
      debugName: "the avatar's camera unmuted on the page",
    });

    const video = await watchVideo(viewer, 3000);
    expectCodedVideo(video);

    // The greeting is over: silence until the user speaks.
    const greeted = await waitFor(
      () => events.find((e) => e.type === 'character_speech' && e.turn === 0),
      { timeoutMs: 20_000, debugName: 'the character said its start script' },
    );
    const quietFrom = Math.max(Date.now(), Number(greeted['atMs']) + 1000);
    await sleep(quietFrom + 1500 - Date.now());
    const quietTo = Date.now();

    // The user speaks (rtc-node, as a microphone); the character hears it through the bridge and answers.
    const source = new AudioSource(48_000, 1);
    await a.userRoom.localParticipant!.publishTrack(
      LocalAudioTrack.createAudioTrack('mic', source),
      new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }),
    );
    const tone = new ToneGenerator({ frequencyHz: 300, amplitude: 0.4 });
    const silence = new ToneGenerator({ frequencyHz: 300, amplitude: 0 });
    for (let i = 0; i < 80; i++) await source.captureFrame(tone.next());
    for (let i = 0; i < 150; i++) await source.captureFrame(silence.next());
    const answer = await waitFor(
      () => events.find((e) => e.type === 'character_speech' && (e.turn as number) >= 1),
      { timeoutMs: 20_000, debugName: 'the character answered' },
    );
    const answerEnd = Number(answer['atMs']);
    const answerStart = answerEnd - Number(answer['playedMs']);
    await sleep(Math.max(0, answerEnd + 3500 - Date.now()));
    const shot = await viewer.screenshot('browser-viewer-hosted');
    const levels = await viewer.levels(quietFrom);
    const before = levelIn(levels, quietFrom, quietTo);
    // The page hears the answer a little after the character plays it (bridge + SFU + jitter buffer).
    const during = levelIn(levels, answerStart + 300, answerEnd + 300);
    // Silence from 2 s after the answer: once (in a full run on a busy machine) the voice was still
    // audible 1–2.5 s after the character's end, the bridge and the browser's jitter buffer lagging.
    const after = levelIn(levels, answerEnd + 2000, answerEnd + 3500);
    const explain = JSON.stringify({ before, during, after, shot });
    expect(before.n, explain).toBeGreaterThan(10);
    expect(before.max, explain).toBeLessThan(SILENT_RMS);
    expect(during.max, explain).toBeGreaterThan(AUDIBLE_RMS);
    expect(after.max, explain).toBeLessThan(SILENT_RMS);

    const s = await viewer.state();
    expect(s.strategy).toBe('hosted');
    expect(s.runwayState).toBe('live');
    expect(s.sessionId).toBe(a.avatar.sessionId);
    // Runway's transcriptions, relayed by the agent: the character's answer and the user's turn.
    expect(
      s.lines.some((l) => l.who === 'character'),
      JSON.stringify(s.lines),
    ).toBe(true);
    expect(
      s.lines.some((l) => l.who === 'user'),
      JSON.stringify(s.lines),
    ).toBe(true);
    expect(s.error).toBeNull();
  });
});
