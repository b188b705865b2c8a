// Reads libwebrtc's own account of the bridged video's encoding (Room.getRtcStats) into what the bridge
// reports: the size actually sent, and whether CPU or bandwidth limits lowered it. Pure.
import type { Size } from './video_size.js';

/** Why libwebrtc sends less than the published resolution (WebRTC's `qualityLimitationReason`). */
export type VideoLimitation = 'none' | 'cpu' | 'bandwidth' | 'other';

/** The bridged video's encoding as libwebrtc reports it. @public */
export interface VideoAdaptation {
  /** The size the bridged track is published at. */
  publishedWidth: number;
  publishedHeight: number;
  /** Largest size the encoder sent in its last report (the top simulcast layer it is producing). */
  sentWidth: number;
  sentHeight: number;
  /** What limits the top layer, per libwebrtc. */
  limitation: VideoLimitation;
  /** The top layer's resolution is below the published size because the encoder is short of CPU. */
  cpuLimited: boolean;
  /** Resolution changes libwebrtc made for quality limitations since publishing. */
  resolutionChanges: number;
}

/** The part of an rtc-node `RtcStats` entry this reads (an `outboundRtp` of kind video). */
export interface OutboundStatsEntry {
  stats: {
    case?: string | undefined;
    value?: unknown;
  };
}

interface OutboundVideo {
  stream?: { kind?: string };
  outbound?: {
    frameWidth?: number;
    frameHeight?: number;
    qualityLimitationReason?: number;
    qualityLimitationResolutionChanges?: number;
  };
}

/** libwebrtc's QualityLimitationReason enum (rtc-ffi-bindings stats proto) to names. */
const LIMITATIONS: readonly VideoLimitation[] = ['none', 'cpu', 'bandwidth', 'other'];

/**
 * The bridged video's adaptation from the publisher's stats, or `undefined` when they hold no outbound
 * video yet (before the first frame is encoded).
 */
export function readVideoAdaptation(
  publisherStats: readonly OutboundStatsEntry[],
  published: Size,
): VideoAdaptation | undefined {
  let top: OutboundVideo['outbound'] | undefined;
  let changes = 0;
  let limitation: VideoLimitation = 'none';
  for (const entry of publisherStats) {
    if (entry.stats.case !== 'outboundRtp') continue;
    const value = entry.stats.value as OutboundVideo | undefined;
    if (value?.stream?.kind !== 'video' || !value.outbound) continue;
    const o = value.outbound;
    changes = Math.max(changes, o.qualityLimitationResolutionChanges ?? 0);
    if ((o.frameWidth ?? 0) > (top?.frameWidth ?? -1)) top = o;
  }
  if (!top) return undefined;
  limitation = LIMITATIONS[top.qualityLimitationReason ?? 0] ?? 'other';
  const sentWidth = top.frameWidth ?? 0;
  const sentHeight = top.frameHeight ?? 0;
  return {
    publishedWidth: published.width,
    publishedHeight: published.height,
    sentWidth,
    sentHeight,
    limitation,
    cpuLimited:
      limitation === 'cpu' &&
      sentWidth > 0 &&
      sentWidth * sentHeight < published.width * published.height,
    resolutionChanges: changes,
  };
}
