// The bridged audio's latency policy: how much audio may wait in the republishing AudioSource. Pure.

/**
 * Queue of the bridged `AudioSource`s, ms (rtc-node's default is 1000 ms). Frames come from Runway's room
 * already paced in real time by the receiving side's jitter buffer, 10 ms at a time, so the source only
 * has to absorb the JavaScript event loop's jitter between two frames: a few tens of ms. With 1000 ms,
 * every stall of the event loop (a publish round trip, a GC pause) left its backlog queued for the rest of
 * the call, and the voice drifted 0.1–0.6 s behind the picture (issue 17). Must be a multiple of 10.
 */
export const BRIDGE_AUDIO_QUEUE_MS = 30;

/**
 * Most audio the bridge lets wait in its source, ms. A frame that would queue more than this is dropped:
 * it arrived late (after a stall), and playing it would delay everything after it by as much. Equal to
 * {@link BRIDGE_AUDIO_QUEUE_MS}, so `captureFrame` never waits for the native queue.
 */
export const MAX_AUDIO_BACKLOG_MS = BRIDGE_AUDIO_QUEUE_MS;

/**
 * Whether to capture a frame of `frameMs` when `queuedMs` of audio are still waiting in the source
 * (rtc-node's `AudioSource.queuedDuration`), or drop it to keep the voice with the picture.
 */
export function keepAudioFrame(
  queuedMs: number,
  frameMs: number,
  maxBacklogMs = MAX_AUDIO_BACKLOG_MS,
): boolean {
  return queuedMs + frameMs <= maxBacklogMs + 0.5;
}
