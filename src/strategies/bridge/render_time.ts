// When to hand a received video frame over: at its render time, as a viewer in Runway's room would show it.
// Pure.
//
// libwebrtc delivers a decoded frame ahead of the moment it should be shown, stamped with that moment
// (its render time, on the same monotonic clock as process.hrtime), and it plans that moment to match the
// audio's playout: that is how a viewer keeps lips and voice together. The voice reaches the bridge at its
// playout time; a frame captured on arrival would be re-stamped as shown that early, and the user would
// see the picture lead the voice by the whole margin (≈ 40–60 ms measured). Waiting until the render time
// keeps the alignment a direct viewer sees.

/** A render time further ahead than this is not on our clock (or not a plan): no wait, ms. */
export const MAX_RENDER_WAIT_MS = 250;

/**
 * How long to hold a frame stamped `timestampUs` (µs) when it arrives at `nowUs` (µs, monotonic): its
 * render time minus now, or 0 when that is not positive or not plausible.
 */
export function renderWaitMs(timestampUs: bigint, nowUs: bigint): number {
  const ms = Number(timestampUs - nowUs) / 1000;
  if (!(ms > 0.5) || ms > MAX_RENDER_WAIT_MS) return 0;
  return ms;
}
