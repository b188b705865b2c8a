// Bench 6, soak: 200 start → speak → stop cycles of the plugin in one process and one agent room: memory
// trend (against one session's own footprint), open handles and room listeners before and after, billing.
import { setTimeout as sleep } from 'node:timers/promises';
import { AudioFrame, type Room } from '@livekit/rtc-node';
import { resetStrategyCache } from '../src/index.js';
import {
  diffCounts,
  formatCounts,
  handleCounts,
  type MemorySnapshot,
  memoryAfterGc,
} from './lib/process_stats.js';
import { summarize } from './lib/stats.js';
import { linearFit, theilSenSlope } from './lib/trend.js';
import type { Bench, BenchOptions, BenchResult, MetricRow, TargetCheck } from './lib/types.js';
import {
  type AgentSlot,
  connectAgent,
  SMALL_VIDEO,
  startAvatar,
  startWorld,
  stopAvatar,
  type World,
} from './lib/world.js';

const PROVISIONING_MS = 100;
const WARM_UP_CYCLES = 2;
/** Pause after the forced GCs before a cycle is timed, ms. */
const GC_SETTLE_MS = 300;
/** The agent's speech per cycle: a 300 Hz tone the avatar plays back, ms. */
const SPEECH_MS = 200;
const SPEECH_RATE = 16_000;
const FRAME_MS = 20;
/** A growth of at most this fraction of one session's own footprint per cycle counts as no trend. */
const TREND_LIMIT = 0.05;
/** RSS after GC resolves no finer trend than this, KiB per cycle (4 MiB over 200 cycles). */
const RSS_LIMIT_KIB = 20;
const MIB = 2 ** 20;
const KIB = 1024;

/** One cycle's times, ms. */
interface CycleTimes {
  cycle: number;
  startMs: number;
  shownMs: number;
  playoutMs: number;
  stopMs: number;
  interrupted: boolean;
}

/** Memory read every few cycles: before the start, with the avatar up (before speaking), after the stop. */
interface MemoryPoint {
  cycle: number;
  pre: MemorySnapshot;
  up: MemorySnapshot;
  down: MemorySnapshot;
}

/** Listeners on the agent's room, by event. */
function roomListeners(room: Room): Record<string, number> {
  const out: Record<string, number> = {};
  const emitter = room as unknown as NodeJS.EventEmitter;
  for (const name of emitter.eventNames()) out[String(name)] = emitter.listenerCount(name);
  return out;
}

function tone(): AudioFrame {
  const n = (SPEECH_RATE * FRAME_MS) / 1000;
  const data = new Int16Array(n);
  for (let i = 0; i < n; i++)
    data[i] = Math.round(8000 * Math.sin((2 * Math.PI * 300 * i) / SPEECH_RATE));
  return new AudioFrame(data, SPEECH_RATE, 1, n);
}

async function cycle(
  world: World,
  slot: AgentSlot,
  index: number,
  onUp?: () => Promise<void>,
): Promise<CycleTimes> {
  const t0 = performance.now();
  const startMs = await startAvatar(slot, world);
  await slot.avatar!.waitForJoin({ timeout: 30_000 });
  const shownMs = performance.now() - t0;
  await onUp?.();
  const out = slot.session.output.audio;
  if (!out) throw new Error('soak: the agent has no audio output after start()');
  const t1 = performance.now();
  for (let ms = 0; ms < SPEECH_MS; ms += FRAME_MS) await out.captureFrame(tone());
  out.flush();
  const guard = new AbortController();
  const finished = await Promise.race([
    out.waitForPlayout(),
    sleep(10_000, undefined, { signal: guard.signal }).then(() => {
      throw new Error('soak: the avatar did not finish playing the speech within 10 s');
    }),
  ]).finally(() => guard.abort());
  const playoutMs = performance.now() - t1;
  const t2 = performance.now();
  await stopAvatar(slot);
  return {
    cycle: index,
    startMs,
    shownMs,
    playoutMs,
    stopMs: performance.now() - t2,
    interrupted: finished.interrupted,
  };
}

const fmt = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : '—');

/** Bench 6: soak. */
export const soak: Bench = {
  name: 'soak',
  title:
    'start/speak/stop cycles in one process: memory trend, open handles, room listeners, billing',
  rooms: true,
  async run(opts: BenchOptions): Promise<BenchResult> {
    const cycles = opts.runs ?? (opts.quick ? 20 : 200);
    const every = Math.max(1, Math.round(cycles / 20));
    const world = await startWorld(SMALL_VIDEO, PROVISIONING_MS);
    resetStrategyCache();
    let slot: AgentSlot | undefined;
    try {
      slot = await connectAgent(world.lk, 'soak-room', 'soak-agent');
      const s = slot;
      for (let i = 0; i < WARM_UP_CYCLES; i++) await cycle(world, s, -1 - i);
      await sleep(500);
      const before = {
        handles: handleCounts(),
        listeners: roomListeners(s.room),
        memory: await memoryAfterGc(),
      };
      opts.progress(`soak: ${cycles} cycles, memory read every ${every}`);
      const times: CycleTimes[] = [];
      const points: MemoryPoint[] = [];
      for (let c = 1; c <= cycles; c++) {
        let up: MemorySnapshot | undefined;
        const sampled = c % every === 0;
        const pre = sampled ? await memoryAfterGc() : undefined;
        if (sampled) await sleep(GC_SETTLE_MS); // the forced GCs' aftermath, before timing the cycle
        const onUp = async () => {
          up = await memoryAfterGc();
        };
        times.push(await cycle(world, s, c, sampled ? onUp : undefined));
        if (pre && up) points.push({ cycle: c, pre, up, down: await memoryAfterGc() });
        if (c % 50 === 0) opts.progress(`soak: ${c}/${cycles}`);
      }
      await sleep(1500);
      const after = {
        handles: handleCounts(),
        listeners: roomListeners(s.room),
        memory: await memoryAfterGc(),
      };
      const billing = await world.billing();
      return analyse({ cycles, every, times, points, before, after, billing });
    } finally {
      await slot?.room.disconnect();
      await world.close();
    }
  },
};

interface SoakData {
  cycles: number;
  every: number;
  times: CycleTimes[];
  points: MemoryPoint[];
  before: {
    handles: Record<string, number>;
    listeners: Record<string, number>;
    memory: MemorySnapshot;
  };
  after: SoakData['before'];
  billing: Awaited<ReturnType<World['billing']>>;
}

function analyse(d: SoakData): BenchResult {
  // The trend skips the first tenth of the run (allocator and JIT settling).
  const settled = d.points.filter((p) => p.cycle > d.cycles / 10);
  const xs = settled.map((p) => p.cycle);
  const series = (k: keyof MemorySnapshot) => settled.map((p) => p.down[k] / KIB);
  const heapSlope = theilSenSlope(xs, series('heapObjects'));
  const withCodeSlope = theilSenSlope(xs, series('heapUsed'));
  const rssSlope = theilSenSlope(xs, series('rss'));
  const heapR2 = linearFit(xs, series('heapObjects')).r2;
  const rssR2 = linearFit(xs, series('rss')).r2;
  const footprint = (k: keyof MemorySnapshot) =>
    summarize(d.points.map((p) => (p.up[k] - p.pre[k]) / KIB));
  const heapFoot = footprint('heapObjects');
  const rssFoot = footprint('rss');
  const handleDiff = diffCounts(d.before.handles, d.after.handles);
  const listenerDiff = diffCounts(d.before.listeners, d.after.listeners);
  const leakedHandles = Object.fromEntries(Object.entries(handleDiff).filter(([, v]) => v > 0));
  const of = (f: (t: CycleTimes) => number) => summarize(d.times.map(f));
  const vsSession = (slope: number) => ({
    ratio: slope / heapFoot.median,
    meaning: 'of one live session’s JS heap',
  });
  const first = settled[0]?.down;
  const last = settled.at(-1)?.down;
  const mib = (v: number | undefined) => fmt((v ?? Number.NaN) / MIB);
  const rows: MetricRow[] = [
    {
      scenario: 'memory trend (after stop)',
      metric: 'JS heap (objects) growth / cycle',
      unit: 'KiB',
      summary: summarize([heapSlope]),
      vsBaseline: vsSession(heapSlope),
    },
    {
      scenario: 'memory trend (after stop)',
      metric: 'JS heap with compiled code / cycle',
      unit: 'KiB',
      summary: summarize([withCodeSlope]),
      vsBaseline: vsSession(withCodeSlope),
    },
    {
      scenario: 'memory trend (after stop)',
      metric: 'RSS growth / cycle',
      unit: 'KiB',
      summary: summarize([rssSlope]),
      vsBaseline: vsSession(rssSlope),
    },
    {
      scenario: 'one live session (baseline)',
      metric: 'JS heap footprint',
      unit: 'KiB',
      summary: heapFoot,
    },
    {
      scenario: 'one live session (baseline)',
      metric: 'RSS footprint',
      unit: 'KiB',
      summary: rssFoot,
    },
    {
      scenario: 'memory after stop',
      metric: 'JS heap (objects)',
      unit: 'MiB',
      summary: summarize(d.points.map((p) => p.down.heapObjects / MIB)),
    },
    {
      scenario: 'memory after stop',
      metric: 'RSS',
      unit: 'MiB',
      summary: summarize(d.points.map((p) => p.down.rss / MIB)),
    },
    { scenario: 'cycle', metric: 'avatar.start()', unit: 'ms', summary: of((t) => t.startMs) },
    {
      scenario: 'cycle',
      metric: 'start() → avatar shown',
      unit: 'ms',
      summary: of((t) => t.shownMs),
    },
    {
      scenario: 'cycle',
      metric: `speech (${SPEECH_MS} ms) → playout finished`,
      unit: 'ms',
      summary: of((t) => t.playoutMs),
    },
    {
      scenario: 'cycle',
      metric: 'aclose() + session close',
      unit: 'ms',
      summary: of((t) => t.stopMs),
    },
  ];
  const heapLimit = TREND_LIMIT * heapFoot.median;
  const heapOk = heapSlope <= heapLimit;
  const rssOk = rssSlope <= RSS_LIMIT_KIB;
  const handlesOk = Object.keys(leakedHandles).length === 0;
  const billingOk = d.billing.sessionsBilling === 0 && d.billing.notEnded === 0;
  const interrupted = d.times.filter((t) => t.interrupted).length;
  const listenersGrew = Object.values(listenerDiff).some((v) => v > 0);
  const targets: TargetCheck[] = [
    {
      target: `no memory growth trend: JS heap objects (under ${TREND_LIMIT * 100} % of one live session's heap per cycle)`,
      measured: `heap growth ${fmt(heapSlope)} KiB/cycle (Theil–Sen; least-squares r² ${fmt(heapR2)}) over cycles ${xs[0]}–${xs.at(-1)} = ${fmt(heapSlope / heapFoot.median)}× a live session's heap (${fmt(heapFoot.median, 0)} KiB); limit ${fmt(heapLimit)} KiB; heap (objects) after stop ${mib(first?.heapObjects)} → ${mib(last?.heapObjects)} MiB`,
      met: heapOk,
      ...(heapOk
        ? {}
        : {
            why: `objects of ended sessions stay reachable: ${listenersGrew ? `the agent room's listeners grew by ${formatCounts(listenerDiff, true)} over the run (see the notes)` : 'see the raw JSON'}`,
          }),
    },
    {
      target: `no memory growth trend: RSS (under ${RSS_LIMIT_KIB} KiB per cycle)`,
      measured: `RSS growth ${fmt(rssSlope)} KiB/cycle (Theil–Sen; least-squares r² ${fmt(rssR2)}); RSS after stop ${mib(first?.rss)} → ${mib(last?.rss)} MiB`,
      met: rssOk,
      why: rssOk
        ? `RSS after GC moves in steps of pages and allocator arenas; a growth under ${RSS_LIMIT_KIB} KiB per cycle (${fmt((RSS_LIMIT_KIB * d.cycles) / 1024, 1)} MiB over the run) is below what it resolves`
        : heapOk
          ? 'RSS grows while the JS heap does not: native memory (rtc-node / libwebrtc, the allocator keeping pages)'
          : 'RSS carries the JS heap growth above',
    },
    {
      target: 'no leaked handles',
      measured: `open handles before ${formatCounts(d.before.handles)}; after ${formatCounts(d.after.handles)}; change ${formatCounts(handleDiff, true)}`,
      met: handlesOk,
      ...(handlesOk ? {} : { why: `handles left open: ${formatCounts(leakedHandles, true)}` }),
    },
    {
      target: 'zero sessions left billing',
      measured: `${d.billing.sessionsBilling} billing, ${d.billing.notEnded} not ended, of ${d.billing.sessions} created (${formatCounts(d.billing.byStatus)}); workers still running ${d.billing.workersRunning}`,
      met: billingOk,
      ...(billingOk ? {} : { why: 'a session was not ended by aclose()' }),
    },
  ];
  return {
    parameters: {
      cycles: d.cycles,
      warmUpCycles: WARM_UP_CYCLES,
      memoryReadEvery: d.every,
      speechMs: SPEECH_MS,
      provisioningMs: PROVISIONING_MS,
      workerVideo: SMALL_VIDEO,
      cycle:
        'new AgentSession + AvatarSession on the same agent room → start() → waitForJoin → the agent speaks 200 ms → waitForPlayout → aclose() → AgentSession.close()',
    },
    rows,
    targets,
    notes: [
      "growth / cycle: Theil–Sen slope (median of pairwise slopes) of memory after GC after a stop, over the reads past the first tenth of the run; judged against one live session's own JS heap (memory with the avatar up − right before its start, same cycle), measured in this run",
      'JS heap (objects) = heapUsed − V8 code spaces: compiled code and its feedback keep growing for a while as V8 optimises hot functions (seen in heap snapshots of this loop: the growth was FeedbackVector, baseline code and relocation info, not objects); the row with compiled code shows it',
      `room listeners on the agent's room (the room outlives every session here): before ${formatCounts(d.before.listeners)}; change over ${d.cycles} cycles ${formatCounts(listenerDiff, true)}`,
      `open handles: process.getActiveResourcesInfo() by type, after the warm-up cycles and 1.5 s after the last stop; playout reported interrupted in ${interrupted} of ${d.times.length} cycles`,
      `the emulated workers publish ${SMALL_VIDEO.width}×${SMALL_VIDEO.height} at ${SMALL_VIDEO.fps} fps and run in another process: this bench measures the plugin's cost, not the worker's`,
    ],
    raw: d,
  };
}
