// The shape every bench module shares: `{ name, title, run(opts) → BenchResult }`, and what a result holds.
import type { Summary } from './stats.js';

/** What the harness passes to a bench. */
export interface BenchOptions {
  /**
   * Samples per scenario requested on the command line (`--runs`); undefined = the bench's default.
   * Each bench says in its parameters what one "run" is.
   */
  runs: number | undefined;
  /** Small counts for a smoke run (`--quick`); figures are then not meaningful. */
  quick: boolean;
  /** Progress line for the operator (stderr); never part of the results. */
  progress: (message: string) => void;
}

/** One row of the results table: a metric's summary in one scenario. */
export interface MetricRow {
  /** What was measured under which conditions, e.g. `legacy-livekit / first session`. */
  scenario: string;
  /** e.g. `extra time`, `READY → noticed`. */
  metric: string;
  /** `ms`, `req`, `req/s`, `×`… */
  unit: string;
  summary: Summary;
  /** The figure against the same run's baseline (ratio of medians), when the row has one. */
  vsBaseline?: { ratio: number; meaning: string };
}

/** One target of the issue, checked against this run's figures. */
export interface TargetCheck {
  /** The target as the issue states it (or the part of it this check covers). */
  target: string;
  /** The figures it was judged on. */
  measured: string;
  met: boolean;
  /** Why it was missed (required when `met` is false), or a caveat. */
  why?: string;
}

/** What a bench returns. */
export interface BenchResult {
  /** The counts and settings actually used. */
  parameters: Record<string, unknown>;
  rows: MetricRow[];
  targets: TargetCheck[];
  /** How to read the figures (printed under the table). */
  notes: string[];
  /** Every sample, for the JSON file. */
  raw: unknown;
}

/** A benchmark module. */
export interface Bench {
  /** CLI name (`--only <name>`). */
  readonly name: string;
  /** One line saying what it measures. */
  readonly title: string;
  /**
   * True when the bench runs a livekit-server and real rooms: `npm run bench` then re-runs itself in a
   * private network namespace, as `npm test` and the demo do.
   */
  readonly rooms?: boolean;
  run(opts: BenchOptions): Promise<BenchResult>;
}
