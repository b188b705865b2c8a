// What the web viewer and the agent agree on: attribute names, the data topic, and the page's test handle.
// Imported by the page (browser) and by Node code alike, so it imports nothing.

/** Participant attribute LiveKit sets on an avatar worker: the identity of the agent it speaks for. */
export const ATTR_PUBLISH_ON_BEHALF = 'lk.publish_on_behalf';
/** Participant attribute @livekit/agents sets on the agent: `listening`, `thinking`, `speaking`, … */
export const ATTR_AGENT_STATE = 'lk.agent.state';

/** Agent participant attributes written by `relayAvatarToRoom` (examples/web/agent_relay.ts). */
export const ATTR_RUNWAY = {
  /** The strategy the plugin used: `integration`, `livekit` or `hosted`. */
  strategy: 'runway.strategy',
  /** The current Runway session id (it changes on renewal and respawn). */
  sessionId: 'runway.session_id',
  /** {@link RunwayViewState}. */
  state: 'runway.state',
} as const;

/**
 * The avatar's state as the agent knows it: `connecting` (the Runway session exists, its avatar has
 * not published video yet), `live`, `lost` (went away; the plugin reacts per `onAvatarLost`),
 * `audio-only` (the agent speaks on a plain audio track), `ended`.
 */
export type RunwayViewState = 'connecting' | 'live' | 'lost' | 'audio-only' | 'ended';

/** Topic of the reliable data messages the relay sends: one {@link RelayedEvent} as JSON each. */
export const RUNWAY_EVENTS_TOPIC = 'runway.events';

/** A Runway event relayed into the agent's room (hosted: transcriptions and client events). */
export interface RelayedEvent {
  kind: 'transcription' | 'client_event' | 'session_renewed' | 'avatar_lost';
  /** The event's payload as AvatarSession emitted it. */
  payload: Record<string, unknown>;
}

/** Where the page gets its connection: `GET /token` of the viewer server answers this JSON. */
export interface ViewerTokenResponse {
  url: string;
  token: string;
  room: string;
  identity: string;
  /**
   * When set, the page sends a greyscale snapshot of the avatar's video (`POST /snapshot`, a
   * {@link BrowserSnapshot}) this often, from its first frame on: the demo's contact sheet then shows
   * what the browser showed.
   */
  snapshotEveryMs?: number;
}

/** Width of the page's snapshots, px (the demo's contact-sheet tile width). */
export const SNAPSHOT_WIDTH = 272;

/** One snapshot the page sends: the avatar's frame as the browser showed it, greyscale. */
export interface BrowserSnapshot {
  /** `Date.now()` in the page when it was taken. */
  atMs: number;
  width: number;
  height: number;
  /** `width × height` bytes of luma, base64. */
  luma: string;
}

/** One line of the page's transcript list. */
export interface ViewerLine {
  /** `Date.now()` when it arrived. */
  atMs: number;
  /** `agent` (lk.transcription from the agent), `character` or `user` (hosted), … */
  who: string;
  text: string;
}

/** A snapshot of what the page shows, for tests and benchmarks (`window.__viewer.state()`). */
export interface ViewerState {
  connected: boolean;
  agentIdentity: string | null;
  avatarIdentity: string | null;
  strategy: string | null;
  runwayState: string | null;
  sessionId: string | null;
  agentState: string | null;
  /** Frames presented by the video element (requestVideoFrameCallback), since the page loaded. */
  framesPresented: number;
  /** `performance.now()` (ms since navigation start) of the avatar's first presented frame. */
  firstFrameMs: number | null;
  /** `Date.now()` of the same frame (to compare with events outside the page). */
  firstFrameAt: number | null;
  /**
   * Whether the avatar's camera is muted (a hosted bridge publishes it muted while Runway's session
   * starts); null while the avatar has no camera.
   */
  avatarCameraMuted: boolean | null;
  /** `Date.now()` when the page first saw the avatar's camera muted, if ever. */
  mutedCameraSeenAt: number | null;
  /** `performance.now()` when the room connection was up. */
  connectedMs: number | null;
  videoWidth: number;
  videoHeight: number;
  /** Whether the avatar's audio is playing through an audio element. */
  audioPlaying: boolean;
  lines: ViewerLine[];
  /** Relayed Runway events (client events, renewals, losses), newest last. */
  events: RelayedEvent[];
  /** Last error shown on the page, if any. */
  error: string | null;
}

/** Audio level of the avatar's track: RMS of one analyser window (0..1), stamped with `Date.now()`. */
export interface LevelSample {
  atMs: number;
  rms: number;
}

/** The video's inbound-rtp counters (`RTCStatsReport`), summed over the avatar's video track. */
export interface VideoRtpStats {
  framesDecoded: number;
  framesDropped: number;
  framesReceived: number;
  decoderImplementation: string | null;
  codec: string | null;
}

/** A frame drawn off the page's video onto a canvas: RGBA pixels, base64. */
export interface GrabbedFrame {
  width: number;
  height: number;
  /** `width × height × 4` bytes, base64. */
  rgba: string;
}

/** The page's handle for automation: `window.__viewer`. Every method is cheap and side-effect free. */
export interface ViewerHandle {
  state(): ViewerState;
  /** Level samples taken since `sinceMs` (`Date.now()`), every 50 ms while the audio track exists. */
  levels(sinceMs: number): LevelSample[];
  videoStats(): Promise<VideoRtpStats | null>;
  /** The current video frame scaled to `width` pixels wide (aspect kept); null before the first frame. */
  grabFrame(width: number): GrabbedFrame | null;
}
