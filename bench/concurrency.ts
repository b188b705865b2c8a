// Bench 5, concurrency: 1, 10 and 50 bring-your-own-room sessions in one process — start-up median and p99
// (all at once, and one after another while the earlier ones run), memory per session, event-loop delay;
// with rtc-node's native log events dropped (the plugin's own cost) and as rtc-node ships (see ffi_logs.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import { resetStrategyCache } from '../src/index.js';
import { baseBody } from '../src/strategies/body.js';
import { dropNativeLogEvents, NativeLogCounter } from './lib/ffi_logs.js';
import { EventLoopDelay, type MemorySnapshot, memoryAfterGc } from './lib/process_stats.js';
import { pluginClient, pluginOptions } from './lib/runway.js';
import { ratio, type Summary, summarize } from './lib/stats.js';
import type { Bench, BenchOptions, BenchResult, MetricRow, TargetCheck } from './lib/types.js';
import {
  type AgentSlot,
  connectAgent,
  SMALL_AUDIO,
  SMALL_VIDEO,
  startAvatar,
  startWorld,
  stopAvatar,
  type World,
} from './lib/world.js';

type Mode = 'single' | 'burst' | 'ramp';
/** `dropped`: rtc-node's native log events dropped in this process; `shipped`: as rtc-node 0.13 ships. */
type Variant = 'dropped' | 'shipped';

/** A level of concurrency and how many rounds of each mode measure it. */
interface Level {
  sessions: number;
  rounds: { mode: Mode; count: number }[];
}

const VARIANT_LABEL: Record<Variant, string> = {
  dropped: 'native logs dropped',
  shipped: 'rtc-node as shipped',
};

const FULL: Record<Variant, Level[]> = {
  dropped: [
    { sessions: 1, rounds: [{ mode: 'single', count: 15 }] },
    {
      sessions: 10,
      rounds: [
        { mode: 'burst', count: 2 },
        { mode: 'ramp', count: 2 },
      ],
    },
    {
      sessions: 50,
      rounds: [
        { mode: 'burst', count: 1 },
        { mode: 'ramp', count: 1 },
      ],
    },
  ],
  // Not 50: as shipped, 50 rooms in one process queue rtc-node's native log events faster than they
  // drain, and the JS heap reached its 4 GB limit (the bench process died; BENCHMARKS.md §5).
  shipped: [
    { sessions: 1, rounds: [{ mode: 'single', count: 8 }] },
    { sessions: 10, rounds: [{ mode: 'burst', count: 1 }] },
  ],
};
const QUICK: Record<Variant, Level[]> = {
  dropped: [
    { sessions: 1, rounds: [{ mode: 'single', count: 3 }] },
    {
      sessions: 5,
      rounds: [
        { mode: 'burst', count: 1 },
        { mode: 'ramp', count: 1 },
      ],
    },
  ],
  shipped: [
    { sessions: 1, rounds: [{ mode: 'single', count: 2 }] },
    { sessions: 5, rounds: [{ mode: 'burst', count: 1 }] },
  ],
};

const PROVISIONING_MS = 200;
/** Every session up and idle, before memory is read, ms. */
const HOLD_MS = 2000;
/** Pause after connecting the rooms, and after the forced GCs, ms. */
const SETTLE_MS = 500;
/** How long an avatar may take to show (joined with video) before it counts as not shown, ms. */
const JOIN_TIMEOUT_MS = 30_000;
const MIB = 2 ** 20;

interface RoundResult {
  sessions: number;
  mode: Mode;
  startMs: number[];
  /** Bare creates under the same load (all at once before a burst; one before each ramp start). */
  bareMs: number[];
  /** start() call → the avatar joined with video (AvatarSession.waitForJoin); NaN: not within the timeout. */
  shownMs: number[];
  /** Memory after GC: before the rooms, with rooms and AgentSessions, with every avatar up. */
  memory: { empty: MemorySnapshot; rooms: MemorySnapshot; up: MemorySnapshot };
  /** Event-loop delays while sessions start and join, and while they are held up and idle, ms. */
  eld: { startUp: number[]; hold: number[] };
  /** rtc-node native log events per second this process received, same two phases. */
  nativeLogsPerS: { startUp: number; hold: number };
}

/** One bare create (hosted body: no worker starts) timed, then DELETEd untimed. */
async function bareCreate(world: World): Promise<number> {
  const options = pluginOptions(world.api);
  const client = pluginClient(options);
  const t = performance.now();
  const { id } = await client.createSession(baseBody(options));
  const ms = performance.now() - t;
  await client.cancelSession(id).catch(() => {});
  return ms;
}

async function runRound(
  world: World,
  sessions: number,
  mode: Mode,
  tag: string,
  eld: EventLoopDelay,
): Promise<RoundResult> {
  const empty = await memoryAfterGc();
  const slots: AgentSlot[] = await Promise.all(
    Array.from({ length: sessions }, (_, i) =>
      connectAgent(world.lk, `conc-${tag}-${i}`, `agent-${tag}-${i}`),
    ),
  );
  try {
    await sleep(SETTLE_MS);
    const rooms = await memoryAfterGc();
    // The forced GCs and the finalizers they trigger keep the loop busy: settle, and warm the API
    // connection (idle since the last round) with an untimed create.
    await sleep(SETTLE_MS);
    await bareCreate(world);
    eld.resume();
    const logs = new NativeLogCounter();
    const t0 = performance.now();
    const startMs: number[] = [];
    const bareMs: number[] = [];
    const shown: Promise<number>[] = [];
    const watchJoin = (slot: AgentSlot, from: number) =>
      slot
        .avatar!.waitForJoin({ timeout: JOIN_TIMEOUT_MS })
        .then(() => performance.now() - from)
        .catch(() => Number.NaN);
    if (mode === 'ramp') {
      for (const slot of slots) {
        bareMs.push(await bareCreate(world));
        const from = performance.now();
        startMs.push(await startAvatar(slot, world));
        shown.push(watchJoin(slot, from));
      }
    } else {
      bareMs.push(...(await Promise.all(slots.map(() => bareCreate(world)))));
      startMs.push(
        ...(await Promise.all(
          slots.map(async (slot) => {
            const from = performance.now();
            const ms = await startAvatar(slot, world);
            shown.push(watchJoin(slot, from));
            return ms;
          }),
        )),
      );
    }
    const shownMs = await Promise.all(shown);
    const t1 = performance.now();
    const logsAtT1 = logs.events;
    await sleep(HOLD_MS);
    eld.pause();
    const t2 = performance.now();
    logs.close();
    const up = await memoryAfterGc();
    return {
      sessions,
      mode,
      startMs,
      bareMs,
      shownMs,
      memory: { empty, rooms, up },
      eld: { startUp: eld.between(t0, t1), hold: eld.between(t1, t2) },
      nativeLogsPerS: {
        startUp: logsAtT1 / ((t1 - t0) / 1000),
        hold: (logs.events - logsAtT1) / ((t2 - t1) / 1000),
      },
    };
  } finally {
    eld.pause();
    await Promise.all(slots.map((s) => stopAvatar(s).catch(() => {})));
    await Promise.all(slots.map((s) => s.room.disconnect()));
  }
}

const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(Math.abs(v) < 10 ? 2 : 1) : '—');
const finite = (values: number[]) => values.filter(Number.isFinite);
const perSession = (r: RoundResult, k: keyof MemorySnapshot) =>
  (r.memory.up[k] - r.memory.rooms[k]) / r.sessions / MIB;
const perRoom = (r: RoundResult) => (r.memory.rooms.rss - r.memory.empty.rss) / r.sessions / MIB;
const plural = (n: number) => `${n} session${n > 1 ? 's' : ''}`;

interface LevelOutcome {
  variant: Variant;
  sessions: number;
  rounds: RoundResult[];
  eld: Summary;
}

function rowsFor(levels: LevelOutcome[]): MetricRow[] {
  const single = levels[0]!;
  const singleStart = summarize(single.rounds.flatMap((r) => r.startMs));
  const singleBare = summarize(single.rounds.flatMap((r) => r.bareMs));
  const singleLogs = summarize(single.rounds.map((r) => r.nativeLogsPerS.hold)).median;
  const rows: MetricRow[] = [];
  const p99vs = (s: Summary, base: Summary, what: string) => ({
    ratio: ratio(s.p99, base.p99),
    meaning: `p99 vs ${what} p99`,
  });
  for (const level of levels) {
    const prefix = `${VARIANT_LABEL[level.variant]} / ${plural(level.sessions)}`;
    for (const mode of [...new Set(level.rounds.map((r) => r.mode))]) {
      const rounds = level.rounds.filter((r) => r.mode === mode);
      const label = `${prefix}, ${mode}`;
      const start = summarize(rounds.flatMap((r) => r.startMs));
      const bare = summarize(rounds.flatMap((r) => r.bareMs));
      const all = rounds.flatMap((r) => r.shownMs);
      const shown = finite(all);
      rows.push(
        {
          scenario: label,
          metric: 'avatar.start()',
          unit: 'ms',
          summary: start,
          vsBaseline: p99vs(start, singleStart, '1 session'),
        },
        {
          scenario: label,
          metric: 'bare create (same load)',
          unit: 'ms',
          summary: bare,
          vsBaseline: p99vs(bare, singleBare, '1 bare'),
        },
        {
          scenario: label,
          metric: `start() → avatar shown (${shown.length}/${all.length} within ${JOIN_TIMEOUT_MS / 1000} s)`,
          unit: 'ms',
          summary: summarize(shown),
        },
      );
    }
    const rss = summarize(level.rounds.map((r) => perSession(r, 'rss')));
    const room = summarize(level.rounds.map(perRoom));
    const logs = summarize(level.rounds.map((r) => r.nativeLogsPerS.hold));
    rows.push(
      {
        scenario: prefix,
        metric: 'RSS / session',
        unit: 'MiB',
        summary: rss,
        vsBaseline: { ratio: ratio(rss.median, room.median), meaning: 'an agent room connection' },
      },
      {
        scenario: prefix,
        metric: 'JS heap / session',
        unit: 'MiB',
        summary: summarize(level.rounds.map((r) => perSession(r, 'heapUsed'))),
      },
      {
        scenario: `${prefix} (baseline)`,
        metric: 'RSS / agent room connection',
        unit: 'MiB',
        summary: room,
      },
      {
        scenario: prefix,
        metric: 'event-loop delay',
        unit: 'ms',
        summary: level.eld,
        vsBaseline: p99vs(level.eld, single.eld, '1 session'),
      },
      {
        scenario: prefix,
        metric: '… while starting and joining',
        unit: 'ms',
        summary: summarize(level.rounds.flatMap((r) => r.eld.startUp)),
      },
      {
        scenario: prefix,
        metric: '… while up and idle',
        unit: 'ms',
        summary: summarize(level.rounds.flatMap((r) => r.eld.hold)),
      },
      {
        scenario: prefix,
        metric: 'native log events (idle)',
        unit: '/s',
        summary: logs,
        vsBaseline: { ratio: ratio(logs.median, singleLogs), meaning: '1 session' },
      },
    );
  }
  return rows;
}

function targetsFor(levels: LevelOutcome[]): TargetCheck[] {
  const single = levels[0]!;
  const top = levels[levels.length - 1]!;
  const variant = VARIANT_LABEL[single.variant];
  const singleStart = summarize(single.rounds.flatMap((r) => r.startMs));
  const singleBare = summarize(single.rounds.flatMap((r) => r.bareMs));
  const checks: TargetCheck[] = [];
  for (const mode of ['burst', 'ramp'] as const) {
    const rounds = top.rounds.filter((r) => r.mode === mode);
    if (rounds.length === 0) continue;
    const start = summarize(rounds.flatMap((r) => r.startMs));
    const bare = summarize(rounds.flatMap((r) => r.bareMs));
    const share = summarize(rounds.flatMap((r) => r.startMs.map((s, i) => s - r.bareMs[i]!)));
    const r = ratio(start.p99, singleStart.p99);
    const bareRatio = ratio(bare.p99, singleBare.p99);
    const met = r <= 2;
    checks.push({
      target: `${variant}: p99 start-up at ${top.sessions} (${mode === 'burst' ? 'all started at once' : 'started one after another'}) within 2× of a single session`,
      measured: `p99 ${fmt(start.p99)} ms vs ${fmt(singleStart.p99)} ms = ${fmt(r)}× (median ${fmt(start.median)} vs ${fmt(singleStart.median)} ms); bare creates under the same load: p99 ${fmt(bare.p99)} vs ${fmt(singleBare.p99)} ms = ${fmt(bareRatio)}×`,
      met,
      ...(met
        ? {}
        : {
            why:
              mode === 'burst'
                ? `the ${top.sessions} start() calls share one event loop and one API: each waits for the others' token mints and room wiring and for ${top.sessions} creates in flight at once against one emulator process (bare creates in the same kind of burst: ${fmt(bareRatio)}× their single p99)`
                : `start() − the bare create just before it: median ${fmt(share.median)} ms, p99 ${fmt(share.p99)} ms; the rest is the API's round trip slowing down while the emulator process runs the earlier sessions' workers`,
          }),
    });
  }
  for (const level of levels) {
    const met = level.eld.p99 < 20;
    const startUp = summarize(level.rounds.flatMap((r) => r.eld.startUp));
    const hold = summarize(level.rounds.flatMap((r) => r.eld.hold));
    const logsStart = summarize(level.rounds.map((r) => r.nativeLogsPerS.startUp)).median;
    const logsHold = summarize(level.rounds.map((r) => r.nativeLogsPerS.hold)).median;
    const shown = level.rounds.flatMap((r) => r.shownMs);
    const notShown = shown.length - finite(shown).length;
    checks.push({
      target: `${variant}: event-loop delay p99 under 20 ms at ${plural(level.sessions)}`,
      measured: `p99 ${fmt(level.eld.p99)} ms (starting and joining ${fmt(startUp.p99)}, up and idle ${fmt(hold.p99)}), max ${fmt(level.eld.max)} ms over ${level.eld.n} samples; native log events ${fmt(logsStart)}/s starting, ${fmt(logsHold)}/s idle; avatars not shown within ${JOIN_TIMEOUT_MS / 1000} s: ${notShown} of ${shown.length}`,
      met,
      ...(met
        ? {}
        : {
            why:
              level.variant === 'shipped'
                ? `rtc-node delivers every native log record (debug and trace) to JS and each connected Room takes an async lock to inspect every FFI event: ${fmt(logsStart)} log events/s while ${level.sessions} sessions start, times ${level.sessions} rooms; the queue behind the locks also holds back the rooms' participant and track events${notShown > 0 ? `, so ${notShown} avatars were not even seen within ${JOIN_TIMEOUT_MS / 1000} s` : ''}`
                : `the loop is blocked for more than 20 ms in over 1 % of the samples, ${startUp.p99 >= hold.p99 ? 'mostly while the sessions start and their avatars join (room events of every session, the plugin’s start-up work)' : 'while the sessions are up and idle'}; forced GCs are outside the window. A CPU profile of 50 idle sessions (BENCHMARKS.md §5) shows the loop busy in rtc-node decoding native FFI events (protobuf) for every room, dropped log events included (they are decoded before they can be dropped); no plugin function is among the top 30`,
          }),
    });
  }
  return checks;
}

/** Bench 5: concurrency. */
export const concurrency: Bench = {
  name: 'concurrency',
  title:
    'concurrent bring-your-own-room sessions in one process: start-up, memory, event-loop delay',
  rooms: true,
  async run(opts: BenchOptions): Promise<BenchResult> {
    const plan = opts.quick ? QUICK : FULL;
    const world = await startWorld(SMALL_VIDEO, PROVISIONING_MS);
    resetStrategyCache();
    try {
      const outcomes: Record<Variant, LevelOutcome[]> = { dropped: [], shipped: [] };
      for (const variant of ['dropped', 'shipped'] as const) {
        dropNativeLogEvents(variant === 'dropped');
        // Warm-up: the plugin's code paths, the API connection and the strategy cache.
        await runRound(world, 1, 'single', `${variant}-warm`, new EventLoopDelay());
        for (const level of plan[variant]) {
          const eld = new EventLoopDelay();
          const rounds: RoundResult[] = [];
          for (const { mode, count } of level.rounds) {
            for (let i = 0; i < count; i++) {
              opts.progress(
                `concurrency (${VARIANT_LABEL[variant]}): ${plural(level.sessions)}, ${mode} ${i + 1}/${count}`,
              );
              const tag = `${variant}${level.sessions}${mode}${i}`;
              rounds.push(await runRound(world, level.sessions, mode, tag, eld));
            }
          }
          outcomes[variant].push({ variant, sessions: level.sessions, rounds, eld: eld.summary() });
        }
      }
      dropNativeLogEvents(false);
      await sleep(1000);
      const b = await world.billing();
      const billingOk = b.sessionsBilling === 0 && b.notEnded === 0;
      return {
        parameters: {
          plan,
          holdMs: HOLD_MS,
          joinTimeoutMs: JOIN_TIMEOUT_MS,
          provisioningMs: PROVISIONING_MS,
          workerVideo: SMALL_VIDEO,
          workerAudio: SMALL_AUDIO,
          strategy: "'auto' (emulator mode integration: bring-your-own-room)",
          processes:
            'this process: the agents (rooms, AgentSessions) and the plugin; child: the emulator and its workers; livekit-server',
        },
        rows: [...rowsFor(outcomes.dropped), ...rowsFor(outcomes.shipped)],
        targets: [
          ...targetsFor(outcomes.dropped),
          ...targetsFor(outcomes.shipped),
          {
            target: 'zero sessions left billing',
            measured: `${b.sessionsBilling} billing, ${b.notEnded} not ended, of ${b.sessions} created`,
            met: billingOk,
            ...(billingOk ? {} : { why: 'a session was not ended by aclose()' }),
          },
        ],
        notes: [
          'burst: every session of the round calls avatar.start() at once; ramp: one after another, each while the earlier ones run (a bare create right before each start); single: one session per round',
          `${VARIANT_LABEL.dropped}: rtc-node's native log events (debug and trace records of its SDK, forwarded to JS and inspected by every Room of the process; bench/lib/ffi_logs.ts) are dropped in this process before any Room sees them — the plugin's own cost; ${VARIANT_LABEL.shipped}: they are delivered, as in production with rtc-node 0.13.35`,
          'bare create (same load): RunwayClient.createSession with a hosted body (no worker) under the same load, DELETEd after',
          'RSS / JS heap per session: (memory after GC with every avatar up and idle for 2 s − with the rooms and AgentSessions only) ÷ sessions; RSS / agent room connection: (with rooms − before them) ÷ sessions',
          `the emulated workers publish ${SMALL_VIDEO.width}×${SMALL_VIDEO.height} at ${SMALL_VIDEO.fps} fps with ${SMALL_AUDIO.chunkMs} ms audio frames (not Runway's 1088×704 at 25 fps) in another process, which drops the native log events: this bench measures the plugin's cost, not the worker's`,
          'event-loop delay: how late a 10 ms interval timer fires (as perf_hooks.monitorEventLoopDelay measures it), over every round of a level, from the first start() to the end of the hold; forced GCs, room connects and closes are outside',
          'agents do not subscribe to the avatar’s tracks (autoSubscribe off); AgentSessions are built but not started',
        ],
        raw: outcomes,
      };
    } finally {
      dropNativeLogEvents(false);
      await world.close();
    }
  },
};
