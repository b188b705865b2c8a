// When to hand a received video frame over: at its render time, as a viewer in Runway's room would show it,
// plus the time the voice now waits in the bridge. Pure.
//
// libwebrtc delivers a decoded frame ahead of the moment it should be shown, stamped with that moment
// (its render time, on the same monotonic clock as process.hrtime), and it plans that moment to match the
// audio's playout: that is how a viewer keeps lips and voice together. The voice reaches the bridge at its
// playout time; a frame captured on arrival would be re-stamped as shown that early, and the user would
// see the picture lead the voice by the whole margin (≈ 40–60 ms measured). Waiting until the render time
// keeps the alignment a direct viewer sees, but the voice then waits again, in the bridge's own audio
// source (a standing 10–30 ms, audio_latency.ts), and its second trip to the user is longer than the
// picture's; the picture waits as long. Measured (BENCHMARKS.md §4), the bridged picture led the voice by
// 50–80 ms more than a direct viewer saw when held until its render time only, 35–70 ms with the queued
// voice added, and 5–40 ms with the longer trip added too. Only the picture waits; the voice is not
// delayed.

/** A render time further ahead than this is not on our clock (or not a plan): no wait, ms. */
export const MAX_RENDER_WAIT_MS = 250;

/**
 * How much longer the voice's second trip (bridge → user) takes than the picture's, ms, once both have
 * left the bridge. The voice is re-encoded in 20 ms Opus packets (a sample waits 10 ms on average for its
 * packet to fill) and the user's audio jitter buffer holds at least one packet; the picture's re-encode
 * and its near-empty jitter buffer on a good network cost less. Measured (BENCHMARKS.md §4): with the
 * hold for the queued voice alone, the bridged picture still led by 35–70 ms more than directly.
 */
export const VOICE_SECOND_TRIP_MS = 20;

/**
 * How long to hold a frame so it reaches the user with the voice that goes with it: until its render time,
 * plus `voiceQueuedMs`, the voice still waiting in the bridge's audio source (`AudioSource.queuedDuration`),
 * plus {@link VOICE_SECOND_TRIP_MS}. The voice reaches the bridge at its playout time and then waits that
 * long before it is sent; a picture sent at its render time would lead it by as much. `undefined` while no
 * voice is forwarded (before the first picture): the render time alone. A frame already later than that
 * is not held (so a slow reader never falls further behind), nor one whose render time is not on our
 * clock. At most {@link MAX_RENDER_WAIT_MS}.
 */
export function handOverWaitMs(
  timestampUs: bigint,
  nowUs: bigint,
  voiceQueuedMs: number | undefined,
): number {
  const untilRenderMs = Number(timestampUs - nowUs) / 1000;
  if (untilRenderMs > MAX_RENDER_WAIT_MS) return 0;
  const ms = untilRenderMs + voiceHoldMs(voiceQueuedMs);
  if (!(ms > 0.5)) return 0;
  return Math.min(ms, MAX_RENDER_WAIT_MS);
}

/**
 * A frame this far behind the moment it would be handed over is stale, ms: the bridge's process was
 * starved and Runway's frames queued meanwhile. The voice's limit after a stall is the same
 * (audio_latency.ts).
 */
export const STALE_FRAME_MS = 200;

/**
 * Whether to skip a frame instead of handing it over: it is more than {@link STALE_FRAME_MS} behind the
 * moment {@link handOverWaitMs} would hand it over (its render time, plus `voiceQueuedMs` and
 * {@link VOICE_SECOND_TRIP_MS} once the voice is forwarded: a picture held for a long voice queue is not
 * late), and a frame was handed over less than {@link STALE_FRAME_MS} ago (`sinceHandedMs`, `undefined`
 * before the first). After a stall the reader holds seconds of queued frames; handed over all at once,
 * they showed the user a fast-forward of the past and so loaded the encoder that libwebrtc lowered the
 * resolution for 14 s after the load had gone (measured, BENCHMARKS.md §4). Skipped, the reader drains
 * them at once and the next frame is current. At least one frame goes out per {@link STALE_FRAME_MS}, so
 * a picture whose render times were not on our clock would still move.
 */
export function isStaleFrame(
  timestampUs: bigint,
  nowUs: bigint,
  voiceQueuedMs: number | undefined,
  sinceHandedMs: number | undefined,
): boolean {
  const lateMs = Number(nowUs - timestampUs) / 1000 - voiceHoldMs(voiceQueuedMs);
  return lateMs > STALE_FRAME_MS && sinceHandedMs !== undefined && sinceHandedMs < STALE_FRAME_MS;
}

/** How much later than its render time a frame goes out for its voice, ms (0 while none is forwarded). */
function voiceHoldMs(voiceQueuedMs: number | undefined): number {
  return voiceQueuedMs === undefined ? 0 : Math.max(voiceQueuedMs, 0) + VOICE_SECOND_TRIP_MS;
}
