// Demo progress lines, each stamped with the time since the demo started: `[  0.41s] step`.

/** Prints timestamped progress lines to stdout. */
export class Progress {
  /** `performance.timeOrigin`-based start of the demo (shared with a re-executed child). */
  readonly startEpochMs: number;

  constructor(startEpochMs = Date.now()) {
    this.startEpochMs = startEpochMs;
  }

  /** Milliseconds since the demo started. */
  elapsedMs(atEpochMs = Date.now()): number {
    return atEpochMs - this.startEpochMs;
  }

  /** `[  1.23s]` for `atEpochMs` (default now). */
  stamp(atEpochMs = Date.now()): string {
    return `[${(this.elapsedMs(atEpochMs) / 1000).toFixed(2).padStart(6)}s]`;
  }

  /** One step, as it happens. */
  step(message: string, atEpochMs?: number): void {
    process.stdout.write(`${this.stamp(atEpochMs)} ${message}\n`);
  }

  /** A line continuing the previous step (indented, no time). */
  detail(message: string): void {
    process.stdout.write(`          ${message}\n`);
  }

  /** A warning, on stderr. */
  warn(message: string): void {
    process.stderr.write(`${this.stamp()} warning: ${message}\n`);
  }
}

/** `1234` → `1.23 s`. */
export const seconds = (ms: number, digits = 2): string => `${(ms / 1000).toFixed(digits)} s`;
