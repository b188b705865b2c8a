// Asks the SFU for the top simulcast layer of Runway's video. rtc-node 0.13 has no public method for it,
// but its native layer does (SetRemoteTrackPublicationQuality), so this sends that one request through
// rtc-node's own FFI client. Guarded: if rtc-node's internals change shape, it does nothing and says so.
import type { RemoteTrackPublication } from '@livekit/rtc-node';

/** livekit.proto.VideoQuality.VIDEO_QUALITY_HIGH. */
const VIDEO_QUALITY_HIGH = 2;

interface FfiClientLike {
  request(req: { message: { case: string; value: Record<string, unknown> } }): unknown;
}

/**
 * Requests the top layer of `publication` (a subscribed remote video). Returns whether the request could
 * be sent. The SFU then forwards the top layer as soon as the sender produces it; until then it forwards
 * what there is, which the bridge scales up (see video_size.ts).
 */
export function requestTopQuality(publication: RemoteTrackPublication): boolean {
  const client = (globalThis as { _ffiClientInstance?: FfiClientLike })._ffiClientInstance;
  const handle = (publication as { ffiHandle?: { handle?: unknown } }).ffiHandle?.handle;
  if (!client || typeof client.request !== 'function' || typeof handle !== 'bigint') return false;
  try {
    client.request({
      message: {
        case: 'setRemoteTrackPublicationQuality',
        value: { trackPublicationHandle: handle, quality: VIDEO_QUALITY_HIGH },
      },
    });
    return true;
  } catch {
    return false;
  }
}
