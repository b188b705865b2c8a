// Bench 7, the avatar in a browser: page load → first frame and CPU while playing, in headless Chromium with
// livekit-client, against an rtc-node viewer receiving the same track in the same run (integration, hosted).
import { setTimeout as sleep } from 'node:timers/promises';
import { voice } from '@livekit/agents';
import type { Browser } from 'puppeteer-core';
import { startViewerServer } from '../examples/web/server.js';
import { findChromium } from '../scripts/lib/chromium.js';
import { startLiveKitServer } from '../scripts/lib/livekit_server.js';
import { launchChromium, openViewerPage, type ViewerPage } from '../scripts/lib/viewer_browser.js';
import { type RunningEmulator, startEmulator } from '../src/emulator/index.js';
import { createLiveKitWorkerDriver } from '../src/emulator/worker/livekit_driver.js';
import { AvatarSession, resetStrategyCache } from '../src/index.js';
import { type ChildHandle, forkRole } from './lib/ipc.js';
import { treeCpuDelta, treeCpuMs } from './lib/process_tree.js';
import type { ViewerSample } from './lib/role_viewer.js';
import { connectRoom, type LiveKitCreds, mintToken, monoMs } from './lib/rooms.js';
import { ratio, summarize } from './lib/stats.js';
import type { Bench, BenchOptions, BenchResult, MetricRow, TargetCheck } from './lib/types.js';

/** Runway's observed camera (as the other benches): what a user's browser decodes. */
const VIDEO = { width: 1088, height: 704, fps: 25 } as const;
const STRATEGIES = ['integration', 'hosted'] as const;
type StrategyName = (typeof STRATEGIES)[number];
const AGENT = 'bench-agent';
/** Both viewers receive for this long before the CPU window opens, ms. */
const SETTLE_MS = 2000;

interface Sample {
  strategy: StrategyName;
  /** Which viewer joined first in this sample (they alternate). */
  first: 'browser' | 'rtc-node';
  /** Browser: navigation start → first presented avatar frame (performance.now() in the page). */
  browserFirstFrameMs: number;
  /** Browser: navigation start → room connected. */
  browserConnectedMs: number;
  /** rtc-node: connect() call → first decoded (coded) avatar frame. */
  rtcFirstFrameMs: number;
  /** CPU while both play, % of one core: Chromium's whole process tree. */
  browserCpuPct: number;
  /** The rtc-node viewer's process. */
  rtcCpuPct: number;
  /** Frames per second in the CPU window: presented by the page, decoded by libwebrtc in the page, rtc-node's. */
  browserPresentedFps: number;
  browserDecodedFps: number;
  rtcFps: number;
  codec: string | null;
  decoder: string | null;
}

interface Env {
  lk: LiveKitCreds;
  emulator: RunningEmulator;
  browser: Browser;
  browserPid: number;
  windowMs: number;
}

/** Waits for the page's first presented frame; throws with the page's state after `timeoutMs`. */
async function pageFirstFrame(page: ViewerPage, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await page.state();
    if (s.firstFrameMs !== null) return s;
    if (s.error || Date.now() > deadline) {
      throw new Error(`browser: no avatar frame within ${timeoutMs} ms (${JSON.stringify(s)})`);
    }
    await sleep(20);
  }
}

async function measure(env: Env, strategy: StrategyName, index: number): Promise<Sample> {
  const { lk, emulator } = env;
  const roomName = `browser-${strategy}-${index}`;
  const agentRoom = await connectRoom(lk, {
    identity: AGENT,
    room: roomName,
    kind: 'agent',
    autoSubscribe: false,
  });
  const session = new voice.AgentSession({});
  const avatar = new AvatarSession({
    presetId: 'cat-character',
    apiKey: emulator.apiKey,
    apiUrl: emulator.url,
    strategy,
  });
  let viewer: ChildHandle | undefined;
  let page: ViewerPage | undefined;
  const server = await startViewerServer({
    livekitUrl: lk.url,
    apiKey: lk.apiKey,
    apiSecret: lk.apiSecret,
    room: roomName,
  });
  try {
    await avatar.start(session, agentRoom, {
      livekitUrl: lk.url,
      livekitApiKey: lk.apiKey,
      livekitApiSecret: lk.apiSecret,
    });
    await avatar.waitForJoin({ timeout: 30_000 });
    viewer = await forkRole('viewer');
    const token = await mintToken(lk, { identity: 'bench-rtc-viewer', room: roomName });
    await sleep(500);

    const rtc = async () => {
      const t0 = monoMs();
      await viewer!.call('init', { url: lk.url, token, publishMic: false });
      const at = await viewer!.call<number>('firstFrame', { timeoutMs: 20_000 });
      return at - t0;
    };
    const web = async () => {
      page = await openViewerPage(env.browser, server.url);
      return pageFirstFrame(page, 20_000);
    };
    // Alternate who joins first, so neither always meets the quieter machine.
    const first = index % 2 === 0 ? 'browser' : 'rtc-node';
    let rtcFirstFrameMs: number;
    let shown: Awaited<ReturnType<typeof web>>;
    if (first === 'browser') {
      shown = await web();
      rtcFirstFrameMs = await rtc();
    } else {
      rtcFirstFrameMs = await rtc();
      shown = await web();
    }
    await sleep(SETTLE_MS);

    // Both play the same tracks: CPU of each over one window.
    const p = page as ViewerPage | undefined;
    if (!p) throw new Error('browser: page not open');
    const [t0, b0, r0, s0, v0] = await Promise.all([
      monoMs(),
      treeCpuMs(env.browserPid),
      viewer.call<ViewerSample>('sample'),
      p.state(),
      p.videoStats(),
    ]);
    await sleep(env.windowMs);
    const [t1, b1, r1, s1, v1] = await Promise.all([
      monoMs(),
      treeCpuMs(env.browserPid),
      viewer.call<ViewerSample>('sample'),
      p.state(),
      p.videoStats(),
    ]);
    const seconds = (t1 - t0) / 1000;
    const rtcCpuMs = (r1.cpu.user - r0.cpu.user + r1.cpu.system - r0.cpu.system) / 1000;
    return {
      strategy,
      first,
      browserFirstFrameMs: shown.firstFrameMs!,
      browserConnectedMs: shown.connectedMs ?? Number.NaN,
      rtcFirstFrameMs,
      browserCpuPct: treeCpuDelta(b0, b1) / 10 / seconds,
      rtcCpuPct: rtcCpuMs / 10 / ((r1.monoMs - r0.monoMs) / 1000),
      browserPresentedFps: (s1.framesPresented - s0.framesPresented) / seconds,
      browserDecodedFps: ((v1?.framesDecoded ?? 0) - (v0?.framesDecoded ?? 0)) / seconds,
      rtcFps: (r1.videoFrames - r0.videoFrames) / ((r1.monoMs - r0.monoMs) / 1000),
      codec: v1?.codec ?? null,
      decoder: v1?.decoderImplementation ?? null,
    };
  } finally {
    await (page as ViewerPage | undefined)?.close();
    await viewer?.close();
    await server.close();
    await avatar.aclose().catch(() => {});
    await session.close().catch(() => {});
    await agentRoom.disconnect();
  }
}

const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(Math.abs(v) < 10 ? 2 : 1) : '—');

function rowsFor(strategy: StrategyName, samples: Sample[]): MetricRow[] {
  const of = (f: (s: Sample) => number) => summarize(samples.map(f));
  const rtcFirst = of((s) => s.rtcFirstFrameMs);
  const rtcCpu = of((s) => s.rtcCpuPct);
  const browserFirst = of((s) => s.browserFirstFrameMs);
  const browserCpu = of((s) => s.browserCpuPct);
  const row = (who: string, metric: string, unit: string, summary: MetricRow['summary']) => ({
    scenario: `${strategy} / ${who}`,
    metric,
    unit,
    summary,
  });
  return [
    {
      ...row('browser', 'page load → first frame', 'ms', browserFirst),
      vsBaseline: {
        ratio: ratio(browserFirst.median, rtcFirst.median),
        meaning: 'rtc-node connect → first frame',
      },
    },
    row(
      'browser',
      '… page load → connected',
      'ms',
      of((s) => s.browserConnectedMs),
    ),
    row('rtc-node', 'connect → first frame', 'ms', rtcFirst),
    {
      ...row('browser', 'CPU while playing', '% core', browserCpu),
      vsBaseline: {
        ratio: ratio(browserCpu.median, rtcCpu.median),
        meaning: 'rtc-node viewer process',
      },
    },
    row('rtc-node', 'CPU while playing', '% core', rtcCpu),
    row(
      'browser',
      'frames presented',
      'fps',
      of((s) => s.browserPresentedFps),
    ),
    row(
      'browser',
      'frames decoded',
      'fps',
      of((s) => s.browserDecodedFps),
    ),
    row(
      'rtc-node',
      'frames received',
      'fps',
      of((s) => s.rtcFps),
    ),
  ];
}

function targetsFor(strategy: StrategyName, samples: Sample[]): TargetCheck[] {
  // Per sample: frames the page presented against the frames rtc-node received of the same track.
  const shown = summarize(samples.map((s) => s.browserPresentedFps / s.rtcFps));
  const fps = summarize(samples.map((s) => s.browserPresentedFps));
  const first = summarize(samples.map((s) => s.browserFirstFrameMs));
  return [
    {
      target: `${strategy}: the browser presents the frames the track carries (≥ 90 % of what rtc-node receives in the same window)`,
      measured: `presented / rtc-node received: median ${fmt(shown.median)} (min ${fmt(shown.min)}); presented ${fmt(fps.median)} fps median, n ${fps.n}`,
      met: shown.min >= 0.9,
      ...(shown.min >= 0.9
        ? {}
        : {
            why: 'the page presented fewer frames than arrived: decoder, compositor or machine too busy',
          }),
    },
    {
      target: `${strategy}: page load → first avatar frame under 2 s at the median`,
      measured: `median ${fmt(first.median)} ms (p95 ${fmt(first.p95)}, n ${first.n})`,
      met: first.median < 2000,
      ...(first.median < 2000 ? {} : { why: 'connect or first decode took longer than 2 s' }),
    },
  ];
}

/** Bench 7: the avatar in a real browser. */
export const browser: Bench = {
  name: 'browser',
  title:
    'the avatar in headless Chromium (livekit-client): page load → first frame and CPU while playing, vs an rtc-node viewer',
  rooms: true,
  async run(opts: BenchOptions): Promise<BenchResult> {
    const n = opts.runs ?? (opts.quick ? 2 : 8);
    const windowMs = opts.quick ? 3000 : 6000;
    const chromium = await findChromium();
    const server = await startLiveKitServer({ logLevel: 'warn' });
    const lk = { url: server.url, apiKey: server.apiKey, apiSecret: server.apiSecret };
    const samples: Sample[] = [];
    let browserVersion = '';
    try {
      for (const strategy of STRATEGIES) {
        const emulator = await startEmulator({
          mode: strategy === 'hosted' ? 'hosted-only' : 'integration',
          provisioningMs: 300,
          queuedMs: 0,
          livekit: lk,
          driver: createLiveKitWorkerDriver({ video: VIDEO }),
        });
        const b = await launchChromium();
        browserVersion = await b.version();
        resetStrategyCache();
        try {
          const env: Env = {
            lk,
            emulator,
            browser: b,
            browserPid: b.process()?.pid ?? 0,
            windowMs,
          };
          opts.progress(`browser: ${strategy}, 1 warm-up then ${n} samples`);
          await measure(env, strategy, -1);
          for (let i = 0; i < n; i++) samples.push(await measure(env, strategy, i));
        } finally {
          await b.close().catch(() => {});
          await emulator.close();
        }
      }
      const of = (s: StrategyName) => samples.filter((x) => x.strategy === s);
      return {
        parameters: {
          samplesPerStrategy: n,
          cpuWindowMs: windowMs,
          video: `${VIDEO.width}×${VIDEO.height} at ${VIDEO.fps} fps (the emulated worker; VP8 as negotiated)`,
          browser: `${chromium?.path ?? '?'} (${browserVersion}), headless, software decode`,
          page: 'examples/web (livekit-client bundled by esbuild), one tab per sample in one browser per strategy',
          baseline:
            'an rtc-node 0.13 viewer process (bench/lib/role_viewer.ts) joining the same room and receiving the same tracks',
          run: 'one sample = a fresh agent room and AvatarSession; the two viewers join one after the other (order alternates), then both play for the CPU window',
        },
        rows: STRATEGIES.flatMap((s) => rowsFor(s, of(s))),
        targets: STRATEGIES.flatMap((s) => targetsFor(s, of(s))),
        notes: [
          'page load → first frame: performance.now() in the page at the first requestVideoFrameCallback, i.e. from navigation start, including loading the bundled script, fetching a token, connecting and the first decode',
          'rtc-node connect → first frame: from the viewer process’s connect() call to its first decoded coded frame (token minted beforehand)',
          'CPU: the browser’s whole process tree (browser, renderer, GPU, network and audio services) from /proc; the rtc-node viewer’s process.cpuUsage(); both while the two play the same video and audio at once; % of one core',
          'the rtc-node viewer reads raw I420 frames and decodes their frame code; the browser also renders, plays the audio and runs the page’s level meter (an AnalyserNode every 50 ms)',
        ],
        raw: samples,
      };
    } finally {
      await server.stop();
    }
  },
};
