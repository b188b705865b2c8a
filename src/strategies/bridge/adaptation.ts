// Reads libwebrtc's own account of the bridged video's encoding (Room.getRtcStats) into what the bridge
// reports: the size actually sent, whether CPU or bandwidth limits lowered it, how long its packets
// waited to be sent, and the bandwidth estimate they are paced to. Pure.
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
  /**
   * Mean time the top layer's packets waited in libwebrtc's send queue (its pacer) since the previous
   * report, ms; 0 in the first report. The voice does not wait there, so a viewer of the full picture gets
   * it this much later than the voice: lips trail. It rises when the encoder produces more than the
   * bandwidth estimate lets out, e.g. when Runway's picture turns from a low layer to its top layer while
   * the estimate is still low (BENCHMARKS.md §4, "What broke lip sync").
   */
  sendDelayMs: number;
  /** The layer the send counters are of (libwebrtc's `rid` of the top layer; '' without simulcast). */
  sendLayer: string;
  /** Its packets sent since publishing (libwebrtc's counter; {@link sendDelayMs} uses it). */
  packetsSent: number;
  /** Their total wait in the send queue since publishing, ms (libwebrtc's counter). */
  totalSendDelayMs: number;
  /**
   * libwebrtc's bandwidth estimate for the agent-room connection the bridged tracks are sent on, kbit/s
   * (the selected candidate pair's `availableOutgoingBitrate`); `undefined` before it has one. The top
   * layer asks for up to 2.5 Mbit/s: an estimate well below that holds the full picture back (it waits in
   * the send queue, or the user is sent a smaller layer).
   */
  bandwidthEstimateKbps: number | undefined;
}

/** The part of an rtc-node `RtcStats` entry this reads (an `outboundRtp` of kind video). */
export interface OutboundStatsEntry {
  stats: {
    case?: string | undefined;
    value?: unknown;
  };
}

interface CandidatePair {
  candidatePair?: { nominated?: boolean; availableOutgoingBitrate?: number };
}

interface OutboundVideo {
  stream?: { kind?: string };
  sent?: { packetsSent?: number | bigint | string };
  outbound?: {
    rid?: string;
    totalPacketSendDelay?: number;
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
 * video yet (before the first frame is encoded). `previous`: the last report, for
 * {@link VideoAdaptation.sendDelayMs}.
 */
export function readVideoAdaptation(
  publisherStats: readonly OutboundStatsEntry[],
  published: Size,
  previous?: VideoAdaptation,
): VideoAdaptation | undefined {
  let top: OutboundVideo['outbound'] | undefined;
  let topSent: OutboundVideo['sent'] | undefined;
  let changes = 0;
  let limitation: VideoLimitation = 'none';
  let estimateBps: number | undefined;
  for (const entry of publisherStats) {
    if (entry.stats.case === 'candidatePair') {
      // The pair in use is the nominated one; only it carries an estimate.
      const pair = (entry.stats.value as CandidatePair | undefined)?.candidatePair;
      if (pair?.nominated && pair.availableOutgoingBitrate)
        estimateBps = pair.availableOutgoingBitrate;
      continue;
    }
    if (entry.stats.case !== 'outboundRtp') continue;
    const value = entry.stats.value as OutboundVideo | undefined;
    if (value?.stream?.kind !== 'video' || !value.outbound) continue;
    const o = value.outbound;
    changes = Math.max(changes, o.qualityLimitationResolutionChanges ?? 0);
    if ((o.frameWidth ?? 0) > (top?.frameWidth ?? -1)) {
      top = o;
      topSent = value.sent;
    }
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
    ...sendQueue(previous, {
      sendLayer: top.rid ?? '',
      packetsSent: Number(topSent?.packetsSent ?? 0),
      totalSendDelayMs: (top.totalPacketSendDelay ?? 0) * 1000, // libwebrtc counts seconds
    }),
    bandwidthEstimateKbps: estimateBps === undefined ? undefined : Math.round(estimateBps / 1000),
  };
}

type SendCounters = Pick<VideoAdaptation, 'sendLayer' | 'packetsSent' | 'totalSendDelayMs'>;

/**
 * The counters, with the mean wait of the packets sent since `previous`: 0 without a previous report of
 * the same layer, without new packets, or after a republish (its counters restart).
 */
function sendQueue(
  previous: VideoAdaptation | undefined,
  now: SendCounters,
): SendCounters & { sendDelayMs: number } {
  const packets = now.packetsSent - (previous?.packetsSent ?? now.packetsSent);
  const comparable = previous?.sendLayer === now.sendLayer && packets > 0;
  const waited = comparable ? (now.totalSendDelayMs - previous.totalSendDelayMs) / packets : 0;
  return { ...now, sendDelayMs: Math.max(0, waited) };
}
