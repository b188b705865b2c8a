// Which size the bridged video is published at, and when a received frame means Runway changed it. Pure
// policy: the bridge asks, these functions answer (test/unit/strategies/bridge/video_size.test.ts).

/** A picture size in pixels. */
export interface Size {
  width: number;
  height: number;
}

/**
 * Two sizes whose aspect ratios differ by less than this fraction are the same picture at another scale.
 * LiveKit's simulcast layers round each side to whole pixels (Runway's 1088×704 becomes 556×360 and
 * 278×180), which moves the ratio by up to ~1 %.
 */
export const ASPECT_TOLERANCE = 0.03;

/**
 * Consecutive frames of one new size (larger than the published size, or of another shape) after which
 * the bridge republishes at that size: 3 frames = 120 ms at 25 fps, enough to ignore a single odd frame.
 */
export const RESIZE_AFTER_FRAMES = 3;

/**
 * Rows the primer frames lack (see {@link primerSize}): a multiple of 16, so every simulcast layer's
 * size changes too and VP8's 16-row macroblocks stay whole; about 2 % of Runway's 704 rows.
 */
export const PRIMER_ROWS = 16;

/**
 * The size of the few frames sent right after the bridged track is unmuted, before the published size:
 * the same width, {@link PRIMER_ROWS} fewer rows (2 fewer when the picture is too small for that; the
 * bridge drops the picture's top rows). Each change of size, to it and back, makes libwebrtc's encoder
 * send a key frame on every layer, on which a viewer just unmuted can start (BENCHMARKS.md §4, "The
 * primer").
 */
export function primerSize(published: Size): Size {
  const rows = published.height > 2 * PRIMER_ROWS ? PRIMER_ROWS : 2;
  return { width: published.width, height: Math.max(2, published.height - rows) };
}

/** Whether `a` and `b` are the same picture at different scales (see {@link ASPECT_TOLERANCE}). */
export function sameAspect(a: Size, b: Size): boolean {
  if (a.width <= 0 || a.height <= 0 || b.width <= 0 || b.height <= 0) return false;
  const ra = a.width / a.height;
  const rb = b.width / b.height;
  return Math.abs(ra - rb) / rb < ASPECT_TOLERANCE;
}

/** Whether `frame` is `published` exactly. */
export function sameSize(frame: Size, published: Size): boolean {
  return frame.width === published.width && frame.height === published.height;
}

/**
 * Whether `frame` is a lower quality of the `published` picture: a simulcast layer the SFU forwarded
 * while the top one was not available, or the sender's own CPU or bandwidth adaptation. Such a frame is
 * scaled up to the published size; it never changes the size of the call.
 */
export function isLowerLayer(frame: Size, published: Size): boolean {
  return (
    frame.width <= published.width &&
    frame.height <= published.height &&
    !sameSize(frame, published) &&
    sameAspect(frame, published)
  );
}

/**
 * The size to publish the bridged track at before any frame arrives: the dimensions Runway's worker
 * published its track with (the remote publication's info). `undefined` when Runway did not announce
 * them (0 × 0), in which case the bridge waits for the first frame.
 */
export function announcedSize(publication: {
  width?: number | undefined;
  height?: number | undefined;
}): Size | undefined {
  const { width, height } = publication;
  if (!width || !height || width < 2 || height < 2) return undefined;
  return { width, height };
}

/**
 * Watches received frames for a change of Runway's resolution. A frame that is larger than the published
 * size, or of another shape, is a candidate; {@link RESIZE_AFTER_FRAMES} consecutive frames of the same
 * candidate size make it the new size. Smaller frames of the same shape are lower layers, never a resize:
 * the call keeps the largest picture Runway has shown.
 */
export class ResizeWatch {
  #candidate: Size | undefined;
  #count = 0;

  /** Feeds one frame; returns the size to republish at, once, when a change is confirmed. */
  observe(frame: Size, published: Size): Size | undefined {
    if (sameSize(frame, published) || isLowerLayer(frame, published)) {
      this.#candidate = undefined;
      this.#count = 0;
      return undefined;
    }
    if (this.#candidate && sameSize(frame, this.#candidate)) this.#count++;
    else {
      this.#candidate = { width: frame.width, height: frame.height };
      this.#count = 1;
    }
    if (this.#count < RESIZE_AFTER_FRAMES) return undefined;
    const next = this.#candidate;
    this.#candidate = undefined;
    this.#count = 0;
    return next;
  }
}
