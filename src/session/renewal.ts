// Timing policy of the session owner, as pure functions: when a renewal may start and is forced, and how
// long a respawn waits after a failed attempt.

/** First respawn backoff, ms (doubles per attempt). */
export const RESPAWN_BACKOFF_MS = 500;

/** When renewal may start (in a pause) and when it is forced, ms after the session started. Pure. */
export function renewalPlan(
  capMs: number,
  leadMs: number,
): { openAtMs: number; forceAtMs: number } {
  return { openAtMs: capMs - leadMs, forceAtMs: capMs - leadMs / 4 };
}

/** Wait after the `attempt`-th (1-based) failed respawn before the next one, ms. Pure. */
export function respawnDelayMs(attempt: number): number {
  return RESPAWN_BACKOFF_MS * 2 ** (attempt - 1);
}
