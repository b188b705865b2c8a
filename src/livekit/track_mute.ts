// Mutes and unmutes a local track through the rtc-node FFI's LocalTrackMuteRequest. rtc-node 0.13 handles
// the request natively but has no JS method for it. The bridge uses it to publish the avatar's tracks
// muted while Runway's session provisions: the user then learns of them and subscribes before Runway's
// first picture exists, and sees that picture one hop after the bridge, at its unmute (BENCHMARKS.md §4).
// Measured on rtc-node 0.13.35: a track muted before its publication is announced with `muted: true`,
// sends the viewer no frame at all (not even black ones), and its first frame reaches the viewer ~30 ms
// after the unmute. A frontend shows its placeholder meanwhile, as for a camera turned off.
//
// An unmute must wait for the track's publication to be done. Measured (rtc-node 0.13.35, livekit-server
// held stopped while a muted track was being published): the native side sent the publication as muted,
// the unmute made meanwhile never reached the server, and the viewer heard nothing for good. A deployment
// e2e hit it under load (two hosted jobs on 2 cores): a user never heard the avatar. See
// unmuteWhenPublished.
//
// The request goes through the copy of @livekit/rtc-ffi-bindings that rtc-node itself loaded (resolved
// from rtc-node's own location): another copy would start a second native FFI server, which knows none
// of the first one's handles. Anything unexpected makes these functions answer false, and the bridge then
// publishes as it did before (at Runway's first tracks, unmuted).
import { createRequire } from 'node:module';
import type * as FfiBindings from '@livekit/rtc-ffi-bindings';
import type { LocalAudioTrack, LocalVideoTrack } from '@livekit/rtc-node';
import { log } from '../log.js';

type Bindings = Pick<typeof FfiBindings, 'FfiRequest' | 'FfiResponse' | 'livekitFfiRequest'>;

/** undefined: not loaded yet; null: unavailable (logged once). */
let bindings: Bindings | null | undefined;

function loadBindings(): Bindings | null {
  if (bindings !== undefined) return bindings;
  try {
    const here = createRequire(import.meta.url);
    const fromRtcNode = createRequire(here.resolve('@livekit/rtc-node'));
    const loaded = fromRtcNode('@livekit/rtc-ffi-bindings') as Partial<Bindings>;
    bindings =
      typeof loaded.livekitFfiRequest === 'function' &&
      typeof loaded.FfiRequest === 'function' &&
      typeof loaded.FfiResponse === 'function'
        ? (loaded as Bindings)
        : null;
  } catch {
    bindings = null;
  }
  if (!bindings) log().debug({}, 'rtc-node FFI bindings not found: local tracks cannot be muted');
  return bindings;
}

/** The FFI handle of a local track (a field rtc-node marks internal), or undefined. */
function trackHandle(track: LocalVideoTrack | LocalAudioTrack): bigint | undefined {
  const handle = (track as unknown as { ffi_handle?: { handle?: unknown } }).ffi_handle?.handle;
  return typeof handle === 'bigint' ? handle : undefined;
}

/** Whether local tracks can be muted here (the FFI bindings rtc-node uses were found). */
export function canMuteTracks(): boolean {
  return loadBindings() !== null;
}

/**
 * Mutes (`true`) or unmutes a local track, published or not yet. Synchronous. Returns true when the
 * track is now in that state; false (logged at debug) when it could not be done.
 */
export function setTrackMuted(track: LocalVideoTrack | LocalAudioTrack, muted: boolean): boolean {
  const b = loadBindings();
  const handle = trackHandle(track);
  if (!b || handle === undefined) return false;
  try {
    const request = new b.FfiRequest({
      message: { case: 'localTrackMute', value: { trackHandle: handle, mute: muted } },
    });
    const response = b.FfiResponse.fromBinary(b.livekitFfiRequest(request.toBinary())).message;
    if (response.case === 'localTrackMute' && response.value.muted === muted) return true;
  } catch {
    // Reported below.
  }
  log().debug({ muted }, 'a local track could not be muted or unmuted');
  return false;
}

/**
 * Unmutes a track once its publication (`published`) has settled: an unmute made while the publication
 * is under way is lost (see the top of this file). Resolves true once unmuted; false if the publication
 * failed, `stillWanted()` says no by then, or the unmute could not be done.
 */
export async function unmuteWhenPublished(
  track: LocalVideoTrack | LocalAudioTrack,
  published: Promise<unknown>,
  stillWanted: () => boolean = () => true,
  setMuted: typeof setTrackMuted = setTrackMuted,
): Promise<boolean> {
  try {
    await published;
  } catch {
    return false;
  }
  return stillWanted() && setMuted(track, false);
}
