// The one home of what the plugin learns per API base URL (detection verdict, READY timings): an
// in-process cache, backed by the disk store of store.ts when a directory is configured. Reads are from
// memory (synchronous, no I/O); `refresh()` brings in what other job processes learnt, within a small time
// budget; writes go to disk in the background, off the caller's path.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DiskStore,
  type ProvisioningSample,
  resolveStateDir,
  type StoredEntry,
  type StoredVerdict,
} from './store.js';

export type { LearnedStrategy, ProvisioningSample, StoredVerdict } from './store.js';

/** Provisioning samples kept per API, newest last. */
export const HISTORY_SIZE = 8;
/**
 * Provisioning samples older than this are dropped. A day: they only seed the poller's window, which
 * adapts within a few sessions, and a quiet deployment still starts from its last day's times.
 */
export const HISTORY_TTL_MS = 24 * 60 * 60 * 1000;
/** An expired verdict is still remembered this long as a hint of what the API refused (see prewarm). */
export const STALE_VERDICT_KEEP_MS = 7 * 24 * 60 * 60 * 1000;
/** The longest `refresh()` holds its caller for the disk; the read still completes in the background. */
export const REFRESH_BUDGET_MS = 50;

/** Options of {@link mergeEntries}. */
export interface MergeOptions {
  now: number;
  /** Verdicts recorded at or before this instant were forgotten (`resetStrategyCache`). */
  forgottenAt: number;
}

/**
 * Merges two views of one API's entry (memory and disk, or two processes'). Pure. The newest verdict
 * wins; provisioning samples are united (the same sample from both sides is kept once), the newest
 * {@link HISTORY_SIZE} within {@link HISTORY_TTL_MS} kept.
 */
export function mergeEntries(
  a: StoredEntry | undefined,
  b: StoredEntry | undefined,
  { now, forgottenAt }: MergeOptions,
): StoredEntry {
  const verdicts = [a?.verdict, b?.verdict].filter(
    (v): v is StoredVerdict =>
      v !== undefined && v.recordedAt > forgottenAt && v.expiresAt + STALE_VERDICT_KEEP_MS > now,
  );
  const verdict = verdicts.sort((x, y) => y.recordedAt - x.recordedAt)[0];
  const seen = new Map<string, ProvisioningSample>();
  for (const s of [...(a?.provisioning ?? []), ...(b?.provisioning ?? [])]) {
    if (s.at + HISTORY_TTL_MS > now) seen.set(`${s.at}:${s.lo}:${s.hi}`, s);
  }
  const provisioning = [...seen.values()].sort((x, y) => x.at - y.at).slice(-HISTORY_SIZE);
  return { ...(verdict ? { verdict } : {}), provisioning };
}

/** Options of {@link Learning}. */
export interface LearningOptions {
  /** Directory of the disk store; undefined keeps everything in this process's memory only. */
  dir?: string | undefined;
}

/**
 * What is learnt about each Runway API base URL. Build a fresh one in tests; the plugin uses
 * {@link learningFor} so that every session of a process shares one per directory.
 */
export class Learning {
  readonly dir: string | undefined;
  readonly #disk: DiskStore | undefined;
  readonly #entries = new Map<string, StoredEntry>();
  readonly #reads = new Map<string, Promise<void>>();
  readonly #writes = new Map<string, Promise<void>>();
  readonly #dirty = new Set<string>();
  #forgottenAt = Number.NEGATIVE_INFINITY;

  constructor(options: LearningOptions = {}) {
    this.dir = options.dir;
    this.#disk = options.dir === undefined ? undefined : new DiskStore(options.dir);
  }

  #entry(baseUrl: string): StoredEntry | undefined {
    return this.#entries.get(baseUrl);
  }

  #merge(a: StoredEntry | undefined, b: StoredEntry | undefined, now = Date.now()): StoredEntry {
    return mergeEntries(a, b, { now, forgottenAt: this.#forgottenAt });
  }

  /** The verdict for `baseUrl` if still fresh. Memory only. */
  verdict(baseUrl: string, now = Date.now()): StoredVerdict | undefined {
    const v = this.#entry(baseUrl)?.verdict;
    return v && v.expiresAt > now ? v : undefined;
  }

  /** The last verdict for `baseUrl`, fresh or expired (kept {@link STALE_VERDICT_KEEP_MS}). */
  lastVerdict(baseUrl: string): StoredVerdict | undefined {
    return this.#entry(baseUrl)?.verdict;
  }

  /** Remembers a verdict (memory now, disk in the background). */
  setVerdict(baseUrl: string, verdict: StoredVerdict): void {
    const entry = this.#entry(baseUrl);
    this.#entries.set(baseUrl, { provisioning: entry?.provisioning ?? [], verdict });
    this.#persist(baseUrl);
  }

  /** Forgets every verdict of this store, in memory and on disk (provisioning times are kept). */
  forgetVerdicts(now = Date.now()): void {
    this.#forgottenAt = now;
    for (const [url, entry] of this.#entries) {
      this.#entries.set(url, { provisioning: entry.provisioning });
      this.#persist(url);
    }
    const disk = this.#disk;
    if (disk) {
      this.#track(
        '*',
        disk.baseUrls().then((urls) => {
          for (const url of urls) this.#persist(url);
        }),
      );
    }
  }

  /** Provisioning samples seen for `baseUrl`, oldest first. Memory only. */
  provisioning(baseUrl: string): readonly ProvisioningSample[] {
    return this.#entry(baseUrl)?.provisioning ?? [];
  }

  /** Remembers that a session became READY after `loMs` (undefined: before the first poll) and by `hiMs`. */
  recordProvisioning(
    baseUrl: string,
    loMs: number | undefined,
    hiMs: number,
    now = Date.now(),
  ): void {
    const entry = this.#entry(baseUrl);
    const sample = { lo: loMs, hi: hiMs, at: now };
    this.#entries.set(
      baseUrl,
      this.#merge(entry, { provisioning: [...(entry?.provisioning ?? []), sample] }, now),
    );
    this.#persist(baseUrl);
  }

  /**
   * Brings in what other processes stored for `baseUrl`. Waits at most `budgetMs` (a slow disk never
   * delays a session: the read then lands in the background). Never throws. No-op without a disk store.
   */
  async refresh(baseUrl: string, budgetMs = REFRESH_BUDGET_MS): Promise<void> {
    const disk = this.#disk;
    if (!disk) return;
    let read = this.#reads.get(baseUrl);
    if (!read) {
      read = (async () => {
        // Read this process's own pending writes back, not the file from before them.
        await this.#writes.get(baseUrl);
        const onDisk = await disk.read(baseUrl);
        if (onDisk) this.#entries.set(baseUrl, this.#merge(this.#entry(baseUrl), onDisk));
      })().finally(() => this.#reads.delete(baseUrl));
      this.#reads.set(baseUrl, read);
    }
    const budget = new AbortController();
    await Promise.race([
      read,
      sleep(budgetMs, undefined, { ref: false, signal: budget.signal }).catch(() => {}),
    ]);
    budget.abort();
  }

  /** Resolves once every write started so far has reached the disk (or failed, logged). */
  async flush(): Promise<void> {
    while (this.#writes.size > 0) await Promise.all(this.#writes.values());
  }

  /** Writes `baseUrl`'s entry in the background, merged with the disk's; coalesces bursts. */
  #persist(baseUrl: string): void {
    const disk = this.#disk;
    if (!disk) return;
    this.#dirty.add(baseUrl);
    if (this.#writes.has(baseUrl)) return;
    this.#track(
      baseUrl,
      (async () => {
        // Off the caller's turn: the session that learnt something goes on first.
        await new Promise<void>((r) => setImmediate(r));
        while (this.#dirty.delete(baseUrl)) {
          const written = await disk.update(baseUrl, (onDisk) =>
            this.#merge(this.#entry(baseUrl), onDisk),
          );
          if (written) this.#entries.set(baseUrl, this.#merge(this.#entry(baseUrl), written));
        }
      })(),
    );
  }

  #track(key: string, work: Promise<void>): void {
    const done = work
      .catch(() => {}) // DiskStore logs and swallows its own failures; nothing else can throw here.
      .finally(() => {
        if (this.#writes.get(key) === done) this.#writes.delete(key);
        // Something was learnt between the loop's last check and now: write it too.
        if (this.#dirty.has(key) && !this.#writes.has(key)) this.#persist(key);
      });
    this.#writes.set(key, done);
  }
}

const instances = new Map<string, Learning>();

/** The process-wide {@link Learning} of a store directory (undefined: memory only), created once. */
export function learningFor(dir: string | undefined): Learning {
  const key = dir ?? '';
  let instance = instances.get(key);
  if (!instance) {
    instance = new Learning({ dir });
    instances.set(key, instance);
  }
  return instance;
}

/** The process-wide {@link Learning} for the directory the environment selects (`RUNWAY_AGENTS_STATE_DIR`). */
export function defaultLearning(): Learning {
  return learningFor(resolveStateDir(undefined));
}

/** Forgets the verdicts of every store this process has used (`resetStrategyCache`). */
export function forgetAllVerdicts(): void {
  for (const instance of instances.values()) instance.forgetVerdicts();
}
