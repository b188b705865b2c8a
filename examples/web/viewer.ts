// The web viewer's page script: joins the agent's room with livekit-client, finds the avatar as LiveKit
// frontends do, shows its video, plays the room's audio, and lists the avatar's state, transcripts and events.
import {
  type Participant,
  ParticipantKind,
  type RemoteParticipant,
  type RemoteTrack,
  Room,
  RoomEvent,
  Track,
} from 'livekit-client';
import {
  ATTR_AGENT_STATE,
  ATTR_PUBLISH_ON_BEHALF,
  ATTR_RUNWAY,
  type BrowserSnapshot,
  type GrabbedFrame,
  type LevelSample,
  type RelayedEvent,
  RUNWAY_EVENTS_TOPIC,
  SNAPSHOT_WIDTH,
  type VideoRtpStats,
  type ViewerHandle,
  type ViewerState,
  type ViewerTokenResponse,
} from './protocol.js';

/** Level samples kept (50 ms apart: 10 minutes). */
const MAX_LEVELS = 12_000;
const LEVEL_PERIOD_MS = 50;
const MAX_LINES = 200;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const video = $<HTMLVideoElement>('avatar-video');
const audioBox = $<HTMLDivElement>('audio-elements');

const state: ViewerState = {
  connected: false,
  agentIdentity: null,
  avatarIdentity: null,
  strategy: null,
  runwayState: null,
  sessionId: null,
  agentState: null,
  framesPresented: 0,
  firstFrameMs: null,
  firstFrameAt: null,
  avatarCameraMuted: null,
  mutedCameraSeenAt: null,
  connectedMs: null,
  videoWidth: 0,
  videoHeight: 0,
  audioPlaying: false,
  lines: [],
  events: [],
  error: null,
};
const levels: LevelSample[] = [];
const room = new Room({ adaptiveStream: false, dynacast: false });
let shownVideo: RemoteTrack | null = null;
let meteredAudio: RemoteTrack | null = null;
let audioContext: AudioContext | null = null;
let meterTimer: ReturnType<typeof setInterval> | undefined;
let meterSource: MediaStreamAudioSourceNode | null = null;
const grabCanvas = document.createElement('canvas');

/**
 * The agent and its avatar, as LiveKit's frontends pick them: the agent is the agent-kind participant
 * that publishes on nobody's behalf; the avatar is the participant whose `lk.publish_on_behalf` names
 * the agent, and the agent itself when there is none.
 */
function findAvatar(): { agent: RemoteParticipant | null; avatar: RemoteParticipant | null } {
  const all = [...room.remoteParticipants.values()];
  const agent =
    all.find((p) => p.kind === ParticipantKind.AGENT && !p.attributes[ATTR_PUBLISH_ON_BEHALF]) ??
    null;
  if (!agent) return { agent: null, avatar: null };
  const worker = all.find((p) => p.attributes[ATTR_PUBLISH_ON_BEHALF] === agent.identity);
  return { agent, avatar: worker ?? agent };
}

function update(): void {
  const { agent, avatar } = findAvatar();
  state.agentIdentity = agent?.identity ?? null;
  state.avatarIdentity = avatar?.identity ?? null;
  const attrs = agent?.attributes ?? {};
  state.strategy = attrs[ATTR_RUNWAY.strategy] ?? null;
  state.runwayState = attrs[ATTR_RUNWAY.state] ?? null;
  state.sessionId = attrs[ATTR_RUNWAY.sessionId] ?? null;
  state.agentState = attrs[ATTR_AGENT_STATE] ?? null;

  // A muted camera (the avatar still starting) shows a placeholder, as LiveKit's components do.
  const camera = avatar?.getTrackPublication(Track.Source.Camera);
  state.avatarCameraMuted = camera ? camera.isMuted : null;
  if (camera?.isMuted) state.mutedCameraSeenAt ??= Date.now();
  // Show the avatar's camera; switch when the avatar (or its track) changes.
  const track =
    (camera?.track as RemoteTrack | undefined) ??
    ([...(avatar?.videoTrackPublications.values() ?? [])].find((p) => p.track)?.track as
      | RemoteTrack
      | undefined) ??
    null;
  if (track !== shownVideo) {
    shownVideo?.detach(video);
    shownVideo = track;
    track?.attach(video);
  }
  // Meter the avatar's voice (every remote audio track is played; see onTrackSubscribed).
  const voice =
    ([...(avatar?.audioTrackPublications.values() ?? [])].find((p) => p.track)?.track as
      | RemoteTrack
      | undefined) ?? null;
  if (voice !== meteredAudio) meter(voice);
  render();
}

/** Points the level meter at `track` (the avatar's voice), or stops it. */
function meter(track: RemoteTrack | null): void {
  meteredAudio = track;
  clearInterval(meterTimer);
  meterTimer = undefined;
  meterSource?.disconnect();
  meterSource = null;
  if (!track) return;
  audioContext ??= new AudioContext();
  void audioContext.resume().catch(() => {});
  const source = audioContext.createMediaStreamSource(new MediaStream([track.mediaStreamTrack]));
  meterSource = source;
  const analyser = audioContext.createAnalyser();
  analyser.fftSize = 2048;
  source.connect(analyser);
  const window = new Float32Array(analyser.fftSize);
  const bar = $<HTMLDivElement>('level-bar');
  meterTimer = setInterval(() => {
    analyser.getFloatTimeDomainData(window);
    let sum = 0;
    for (let i = 0; i < window.length; i++) sum += window[i]! * window[i]!;
    const rms = Math.sqrt(sum / window.length);
    if (levels.length >= MAX_LEVELS) levels.splice(0, MAX_LEVELS / 10);
    levels.push({ atMs: Date.now(), rms });
    bar.style.width = `${Math.min(100, Math.sqrt(rms) * 150).toFixed(1)}%`;
  }, LEVEL_PERIOD_MS);
}

function onTrackSubscribed(track: RemoteTrack): void {
  // Like LiveKit's RoomAudioRenderer: every remote voice plays (the avatar and the other people).
  if (track.kind === Track.Kind.Audio) {
    const el = track.attach();
    el.addEventListener('playing', () => {
      if (track === meteredAudio) state.audioPlaying = true;
    });
    audioBox.appendChild(el);
  }
  update();
}

function onTrackUnsubscribed(track: RemoteTrack): void {
  if (track.kind === Track.Kind.Audio) for (const el of track.detach()) el.remove();
  update();
}

/** List items by transcription segment: a later stream of the same segment replaces its text. */
const segmentItems = new Map<string, { li: HTMLLIElement; index: number }>();

function addLine(who: string, text: string, segmentId?: string): void {
  const clean = text.trim();
  if (!clean) return;
  const known = segmentId ? segmentItems.get(segmentId) : undefined;
  if (known && state.lines[known.index]?.who === who) {
    state.lines[known.index]!.text = clean;
    known.li.lastChild!.textContent = clean;
    return;
  }
  if (state.lines.length >= MAX_LINES) {
    state.lines.shift();
    segmentItems.clear();
  }
  state.lines.push({ atMs: Date.now(), who, text: clean });
  const li = document.createElement('li');
  const b = document.createElement('b');
  b.textContent = `${who}: `;
  li.append(b, document.createTextNode(clean));
  if (segmentId) segmentItems.set(segmentId, { li, index: state.lines.length - 1 });
  const list = $<HTMLOListElement>('lines');
  list.appendChild(li);
  if (list.children.length > MAX_LINES) list.firstElementChild?.remove();
  li.scrollIntoView({ block: 'nearest' });
}

function onRelayed(event: RelayedEvent): void {
  if (event.kind === 'transcription') {
    const role = typeof event.payload['role'] === 'string' ? event.payload['role'] : 'character';
    addLine(role === 'assistant' ? 'character' : role, String(event.payload['text'] ?? ''));
    return;
  }
  if (state.events.length >= MAX_LINES) state.events.shift();
  state.events.push(event);
  const li = document.createElement('li');
  li.textContent = `${new Date().toLocaleTimeString()} ${event.kind} ${JSON.stringify(event.payload)}`;
  $<HTMLOListElement>('events').appendChild(li);
}

function render(): void {
  const text = (id: string, v: string | null) => {
    $<HTMLElement>(id).textContent = v ?? '—';
  };
  text('connection', state.connected ? 'connected' : 'not connected');
  text('strategy', state.strategy);
  text('runway-state', state.runwayState);
  text('session-id', state.sessionId);
  text('agent-state', state.agentState);
  text('avatar-identity', state.avatarIdentity);
  text(
    'video-info',
    state.avatarCameraMuted
      ? 'the avatar’s camera is off (starting)…'
      : state.firstFrameMs === null
        ? 'waiting for the avatar’s video…'
        : `${state.videoWidth}×${state.videoHeight}, ${state.framesPresented} frames shown`,
  );
  $<HTMLElement>('error').textContent = state.error ?? '';
}

function countFrames(): void {
  const onFrame = (_now: number, meta: VideoFrameCallbackMetadata) => {
    state.framesPresented++;
    if (state.firstFrameMs === null) {
      state.firstFrameMs = performance.now();
      state.firstFrameAt = Date.now();
    }
    state.videoWidth = meta.width;
    state.videoHeight = meta.height;
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
  setInterval(render, 500);
}

async function videoStats(): Promise<VideoRtpStats | null> {
  const report = await shownVideo?.getRTCStatsReport();
  if (!report) return null;
  const out: VideoRtpStats = {
    framesDecoded: 0,
    framesDropped: 0,
    framesReceived: 0,
    decoderImplementation: null,
    codec: null,
  };
  const codecs = new Map<string, string>();
  report.forEach((s: Record<string, unknown>) => {
    if (s['type'] === 'codec') codecs.set(String(s['id']), String(s['mimeType']));
  });
  report.forEach((s: Record<string, unknown>) => {
    if (s['type'] !== 'inbound-rtp' || s['kind'] !== 'video') return;
    out.framesDecoded += Number(s['framesDecoded'] ?? 0);
    out.framesDropped += Number(s['framesDropped'] ?? 0);
    out.framesReceived += Number(s['framesReceived'] ?? 0);
    out.decoderImplementation = (s['decoderImplementation'] as string | undefined) ?? null;
    out.codec = codecs.get(String(s['codecId'])) ?? null;
  });
  return out;
}

/** The current video frame scaled to `width` px wide: its RGBA pixels, or null before the first frame. */
function drawFrame(width: number): { w: number; h: number; pixels: Uint8ClampedArray } | null {
  if (state.firstFrameMs === null || !video.videoWidth) return null;
  const w = Math.max(16, Math.round(width));
  const h = Math.max(16, Math.round((video.videoHeight * w) / video.videoWidth));
  grabCanvas.width = w;
  grabCanvas.height = h;
  const ctx = grabCanvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(video, 0, 0, w, h);
  return { w, h, pixels: ctx.getImageData(0, 0, w, h).data };
}

function base64(bytes: Uint8Array | Uint8ClampedArray): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function grabFrame(width: number): GrabbedFrame | null {
  const f = drawFrame(width);
  return f ? { width: f.w, height: f.h, rgba: base64(f.pixels) } : null;
}

/** Sends a greyscale snapshot every `everyMs` once frames show (for the demo's contact sheet). */
function sendSnapshots(everyMs: number): void {
  setInterval(() => {
    const f = drawFrame(SNAPSHOT_WIDTH);
    if (!f) return;
    const luma = new Uint8Array(f.w * f.h);
    for (let i = 0, j = 0; i < luma.length; i++, j += 4) {
      luma[i] = (f.pixels[j]! + 2 * f.pixels[j + 1]! + f.pixels[j + 2]!) >> 2;
    }
    const body: BrowserSnapshot = { atMs: Date.now(), width: f.w, height: f.h, luma: base64(luma) };
    void fetch('/snapshot', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).catch(() => {});
  }, everyMs);
}

async function main(): Promise<void> {
  const handle: ViewerHandle = {
    state: () => structuredClone(state),
    levels: (sinceMs) => levels.filter((l) => l.atMs >= sinceMs),
    videoStats,
    grabFrame,
  };
  (window as unknown as { __viewer: ViewerHandle }).__viewer = handle;
  countFrames();
  render();

  room
    .on(RoomEvent.TrackSubscribed, onTrackSubscribed)
    .on(RoomEvent.TrackUnsubscribed, onTrackUnsubscribed)
    .on(RoomEvent.ParticipantConnected, update)
    .on(RoomEvent.ParticipantDisconnected, update)
    .on(RoomEvent.ParticipantAttributesChanged, update)
    .on(RoomEvent.TrackPublished, update)
    .on(RoomEvent.TrackMuted, update)
    .on(RoomEvent.TrackUnmuted, update)
    .on(RoomEvent.TrackUnpublished, update)
    .on(RoomEvent.Disconnected, () => {
      state.connected = false;
      render();
    })
    .on(RoomEvent.DataReceived, (payload: Uint8Array, _p?: Participant, _k?: unknown, topic?) => {
      if (topic !== RUNWAY_EVENTS_TOPIC) return;
      try {
        onRelayed(JSON.parse(new TextDecoder().decode(payload)) as RelayedEvent);
      } catch {
        // Not ours.
      }
    });
  // The agent's own words (bring-your-own-room strategies): LiveKit's transcription text streams.
  // The agent sends both sides: a user's words carry the id of the track they were heard on.
  room.registerTextStreamHandler('lk.transcription', (reader, info) => {
    // Interim and final versions of one segment come as separate streams with the same segment id.
    const attrs = info.attributes ?? {};
    const trackId = attrs['lk.transcribed_track_id'];
    const speaker =
      (trackId
        ? [...room.remoteParticipants.values()].find((p) => p.trackPublications.has(trackId))
        : undefined
      )?.identity ?? info.identity;
    const who = speaker === state.agentIdentity ? 'agent' : speaker;
    void reader.readAll().then(
      (text) => addLine(who, text, attrs['lk.segment_id']),
      () => {},
    );
  });

  const res = await fetch('/token', { cache: 'no-store' });
  if (!res.ok) throw new Error(`token endpoint answered ${res.status}`);
  const { url, token, room: roomName, snapshotEveryMs } = (await res.json()) as ViewerTokenResponse;
  $<HTMLElement>('room-name').textContent = roomName;
  if (snapshotEveryMs && snapshotEveryMs > 0) sendSnapshots(snapshotEveryMs);
  await room.connect(url, token, { autoSubscribe: true, rtcConfig: { iceServers: [] } });
  state.connected = true;
  state.connectedMs = performance.now();
  update();
}

main().catch((error: unknown) => {
  state.error = error instanceof Error ? error.message : String(error);
  render();
});
