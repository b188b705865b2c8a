// The bridged audio's latency policy: how much audio may wait in the republishing AudioSource, and when a
// frame is dropped to keep the voice with the picture. Pure.

/**
 * Capacity of the bridged `AudioSource`s' native queue, ms (rtc-node's default is 1000 ms). It only has
 * to hold what {@link AudioBacklog} lets through, so `captureFrame` never waits for room. Capacity is not
 * latency: the voice waits only as long as audio is actually queued, which the trim below keeps low.
 * Must be a multiple of 10.
 */
export const BRIDGE_AUDIO_QUEUE_MS = 200;

/**
 * Most audio the bridge lets wait in its source, ms: a frame that would queue more is dropped. A burst
 * after an event-loop stall of up to this much is played, not lost; a longer stall loses its excess,
 * which would otherwise delay the voice for the rest of the call.
 */
export const MAX_AUDIO_BACKLOG_MS = BRIDGE_AUDIO_QUEUE_MS;

/**
 * Backlog the voice may keep for good, ms. Frames come from Runway's room paced in real time by the
 * receiving jitter buffer, 10 ms each, but reach JavaScript in bursts of a few frames when the event loop
 * is busy; a backlog that comes and goes with those bursts costs nothing. One that stays above this for
 * {@link STANDING_BACKLOG_MS} of audio (left by a stall) is trimmed back, a frame at a time.
 */
export const TARGET_AUDIO_BACKLOG_MS = 20;

/** Audio, ms, during which the backlog stayed above the target before it counts as standing. */
export const STANDING_BACKLOG_MS = 300;

/**
 * Decides, frame by frame, whether a received voice frame is captured or dropped. Issue 17's first
 * policy dropped every frame that would queue more than 30 ms; bursts of frames after ordinary
 * event-loop jitter then lost up to half the voice on a busy machine. This one plays bursts and trims
 * only a backlog that lasts.
 */
export class AudioBacklog {
  /** Audio, ms, received since the backlog was last seen at or below the target. */
  #aboveTargetMs = 0;

  constructor(
    private readonly maxMs = MAX_AUDIO_BACKLOG_MS,
    private readonly targetMs = TARGET_AUDIO_BACKLOG_MS,
    private readonly standingMs = STANDING_BACKLOG_MS,
  ) {}

  /**
   * Whether to capture a frame of `frameMs` while `queuedMs` of audio are still waiting in the source
   * (rtc-node's `AudioSource.queuedDuration`).
   */
  keep(queuedMs: number, frameMs: number): boolean {
    if (queuedMs <= this.targetMs + 0.5) {
      this.#aboveTargetMs = 0;
      return true;
    }
    this.#aboveTargetMs += frameMs;
    if (queuedMs + frameMs > this.maxMs + 0.5) return false;
    return this.#aboveTargetMs < this.standingMs;
  }
}
