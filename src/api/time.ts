// Time limits shared by every option and timer: Node's timers take at most a signed 32-bit delay.

/**
 * The largest delay `setTimeout` honours, in ms (2^31 - 1, about 24.8 days). A larger one fires after
 * 1 ms (with a TimeoutOverflowWarning), so every duration option is bounded by this or less.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** True when `ms` is a finite delay `setTimeout` honours as given (0..{@link MAX_TIMER_MS}). */
export function isTimerDelay(ms: unknown): ms is number {
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 && ms <= MAX_TIMER_MS;
}
