// What one process costs: memory after a forced GC, open handles by type, CPU over a window, event-loop delay.
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Summary, summarize } from './stats.js';

let gcFn: (() => void) | undefined;

/**
 * Runs a full garbage collection. Works without `--expose-gc` on the command line: the flag is set at
 * run time and `gc` taken from a fresh context.
 */
export function forceGc(): void {
  if (!gcFn) {
    const existing = (globalThis as { gc?: () => void }).gc;
    if (existing) gcFn = existing;
    else {
      setFlagsFromString('--expose-gc');
      gcFn = runInNewContext('gc') as () => void;
    }
  }
  gcFn();
}

/** Memory of this process, bytes. */
export interface MemorySnapshot {
  rss: number;
  heapUsed: number;
  /**
   * The JS heap without V8's compiled code (code spaces): the objects a program keeps. Compiled code and
   * its feedback grow for a while as V8 optimises hot functions, which is not a leak.
   */
  heapObjects: number;
  external: number;
  arrayBuffers: number;
}

/** V8 heap spaces that hold compiled code. */
const CODE_SPACES = new Set(['code_space', 'code_large_object_space']);

/**
 * Memory after two full GCs, with a pause between them for finalizers (native handles) to run. The
 * collections and the finalizers keep the event loop busy for a while after: let it settle before timing.
 */
export async function memoryAfterGc(): Promise<MemorySnapshot> {
  forceGc();
  await new Promise((r) => setTimeout(r, 100));
  forceGc();
  const m = process.memoryUsage();
  let code = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (CODE_SPACES.has(space.space_name)) code += space.space_used_size;
  }
  return {
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapObjects: m.heapUsed - code,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
  };
}

/** Open libuv handles and requests keeping the process alive, by type (`process.getActiveResourcesInfo`). */
export function handleCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/** Per type, `after − before` (types in either), leaving out the types that did not change. Pure. */
export function diffCounts(
  before: Readonly<Record<string, number>>,
  after: Readonly<Record<string, number>>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const type of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const d = (after[type] ?? 0) - (before[type] ?? 0);
    if (d !== 0) out[type] = d;
  }
  return out;
}

/** `{ a: 1, b: -2 }` → `a +1, b −2`; `none` when empty. Pure. */
export function formatCounts(counts: Readonly<Record<string, number>>, signed = false): string {
  const entries = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return 'none';
  return entries.map(([k, v]) => `${k} ${signed ? (v > 0 ? `+${v}` : `−${-v}`) : v}`).join(', ');
}

/** CPU time (user + system) this process used since `since` (a `process.cpuUsage()`), ms. */
export function cpuMsSince(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

/** Sampling period of the event-loop delay sampler, ms. */
export const ELD_RESOLUTION_MS = 10;

/**
 * Event-loop delay over one or more spans (`resume` … `pause`, accumulated): a 10 ms interval timer and,
 * per tick, how much later than 10 ms after the previous tick it ran, ms. The same measure as
 * `perf_hooks.monitorEventLoopDelay`, whose histogram cannot be used across spans: re-enabled, it records
 * the whole paused span as one delay, and its histograms cannot be merged.
 */
export class EventLoopDelay {
  readonly #samples: number[] = [];
  readonly #times: number[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #last = 0;

  /** Starts (or resumes) sampling. */
  resume(): void {
    if (this.#timer) return;
    this.#last = performance.now();
    this.#timer = setInterval(() => {
      const now = performance.now();
      this.#samples.push(Math.max(0, now - this.#last - ELD_RESOLUTION_MS));
      this.#times.push(now);
      this.#last = now;
    }, ELD_RESOLUTION_MS);
  }

  /** Stops sampling; the samples so far are kept. */
  pause(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Every delay so far, ms. */
  get samples(): readonly number[] {
    return this.#samples;
  }

  /** The delays so far, ms. */
  summary(): Summary {
    return summarize(this.#samples);
  }

  /** The delays of the ticks that ran within `[fromMs, toMs]` (`performance.now()`), ms. */
  between(fromMs: number, toMs: number): number[] {
    return this.#samples.filter((_, i) => this.#times[i]! >= fromMs && this.#times[i]! <= toMs);
  }
}
