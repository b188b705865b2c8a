// The demo's verdict and summary: what the user saw and heard, how the Runway session ended; printed and as JSON.
import type { EmulatedSession, RecordedRequest } from '../../src/emulator/index.js';
import type { Utterance } from './audio_watch.js';
import { seconds } from './progress.js';
import type { VideoStats } from './video_watch.js';

/** The user must have decoded at least this many avatar frames to have "seen" the avatar. */
export const MIN_DECODED_FRAMES = 25;
/** The user must have heard at least this much avatar audio. */
export const MIN_HEARD_MS = 1000;

/** A line the avatar spoke, with where the text came from. */
export interface AvatarLine {
  /** `agent transcript` (lk.transcription) or `hosted character` (emulator event). */
  source: string;
  text: string;
  /** Milliseconds after the user joined that it started (estimated). */
  atMs: number;
}

/** An utterance as heard, relative to the user's join, with the line it matched. */
export interface HeardUtterance {
  startMs: number;
  durationMs: number;
  audibleMs: number;
  text?: string;
}

/** Everything in summary.json. */
export interface DemoSummary {
  ok: boolean;
  failures: string[];
  startedAt: string;
  totalMs: number;
  network: string;
  strategy: { requested: string; used: string | null; emulatorMode: string };
  room: string;
  userIdentity: string;
  avatarIdentity: string | null;
  /** Milliseconds since the demo started. */
  timeline: Record<string, number | null>;
  video: VideoStats & {
    firstFrameAfterJoinMs: number | null;
    contactSheet: string | null;
    /** Whose frames the sheet shows: the viewer page's (`--web`), else the simulated user's. */
    contactSheetFrom: 'browser' | 'user' | null;
  };
  audio: {
    heardSeconds: number;
    receivedSeconds: number;
    firstAudibleAfterJoinMs: number | null;
    utterances: HeardUtterance[];
    otherAudioPublishers: string[];
  };
  userLines: { text: string; atMs: number; durationMs: number }[];
  avatarLines: AvatarLine[];
  /** Hosted: the character's call of the agent's tool and what came back; null otherwise. */
  toolCall: {
    tool: string;
    args: Record<string, unknown>;
    outcome: 'result' | 'error' | 'timeout';
    result: unknown;
    elapsedMs: number;
  } | null;
  sessions: Array<{
    id: string;
    via: string;
    status: string;
    endedBy: string;
    durationS: number | null;
    billedSeconds: number;
    timeline: string[];
    failureCode?: string;
  }>;
  billing: { sessionsBilling: number; totalBilledSeconds: number };
  runwayRequests: string[];
  agent: { exitCode: number | null; stopMs: number | null; forced: boolean; log: string };
  /** `--web`: the viewer page's address and how many pages got a token; null without `--web`. */
  web: { url: string; pagesJoined: number } | null;
  /** Files written: contactSheet, heardAudio, agentLog, summary (paths relative to the cwd). */
  outputs: Record<string, string>;
}

/** Pairs each avatar line with the heard utterance starting nearest to it (within 3 s). */
export function matchLines(
  utterances: readonly Utterance[],
  lines: readonly AvatarLine[],
  joinedAtMs: number,
): HeardUtterance[] {
  const heard: HeardUtterance[] = utterances.map((u) => ({
    startMs: u.startAtMs - joinedAtMs,
    durationMs: Math.round(u.durationMs),
    audibleMs: Math.round(u.audibleMs),
  }));
  const taken = new Set<number>();
  for (const line of lines) {
    let best = -1;
    let bestDist = 3000;
    heard.forEach((h, i) => {
      const d = Math.abs(h.startMs - line.atMs);
      if (!taken.has(i) && d < bestDist) {
        best = i;
        bestDist = d;
      }
    });
    if (best >= 0) {
      taken.add(best);
      heard[best]!.text = line.text;
    }
  }
  return heard;
}

/** How a session ended, from its status, the worker's events and the request log. */
export function endedBy(
  s: EmulatedSession,
  workerEvents: ReadonlyArray<{ type: string; sessionId: string }>,
  requests: readonly RecordedRequest[],
): string {
  const mine = workerEvents.filter((e) => e.sessionId === s.id).map((e) => e.type);
  const deletes = requests.filter((r) => r.route === 'cancel' && r.sessionId === s.id);
  const deleted = deletes.length > 0;
  switch (s.status) {
    case 'COMPLETED':
      if (mine.includes('end_call')) {
        return deleted
          ? `END_CALL sent by the agent, then a needless DELETE (${deletes.map((d) => d.status).join(', ')})`
          : 'END_CALL sent by the agent';
      }
      if (mine.includes('agent_left')) return 'the agent left the room';
      return 'duration cap or end of call';
    case 'CANCELLED':
      if (!deleted) return 'cancelled';
      return mine.includes('end_call')
        ? 'DELETE /v1/realtime_sessions/{id}, END_CALL came too late'
        : 'DELETE /v1/realtime_sessions/{id}, no END_CALL reached the worker';
    case 'FAILED':
      return `failed: ${s.failureCode ?? 'unknown'}`;
    default:
      return `still ${s.status}`;
  }
}

/** Prints the summary block. */
export function printSummary(s: DemoSummary): void {
  const out: string[] = [];
  const line = (k: string, v: string) => out.push(`  ${k.padEnd(22)} ${v}`);
  out.push('', '─── Summary ───────────────────────────────────────────────────────────');
  line(
    'strategy',
    `${s.strategy.used ?? 'none'} (asked: ${s.strategy.requested}; emulator mode ${s.strategy.emulatorMode})`,
  );
  line('network', s.network);
  const v = s.video;
  line(
    'first avatar frame',
    v.firstFrameAfterJoinMs === null
      ? 'never'
      : `${seconds(v.firstFrameAfterJoinMs)} after the user joined`,
  );
  line(
    'video received',
    `${v.framesReceived} frames, ${v.fps.toFixed(1)} fps, ${v.resolutions.join(', ') || '-'}`,
  );
  line(
    'frame codes',
    `${v.framesDecoded} decoded, ${v.framesUndecodable} undecodable, ${v.framesDropped} dropped` +
      (v.framesOutOfOrder ? `, ${v.framesOutOfOrder} out of order` : ''),
  );
  line('lips moving', `${v.framesSpeaking} frames drawn while the avatar spoke`);
  line(
    'audio heard',
    `${s.audio.heardSeconds.toFixed(2)} s audible of ${s.audio.receivedSeconds.toFixed(1)} s received, ` +
      `${s.audio.utterances.length} utterance(s)`,
  );
  for (const u of s.audio.utterances) {
    out.push(
      `      at ${seconds(u.startMs, 1).padStart(7)} for ${seconds(u.durationMs, 1).padStart(6)}  ${u.text ? JSON.stringify(u.text) : '(no transcript matched)'}`,
    );
  }
  if (s.toolCall) {
    line(
      'tool call',
      `${s.toolCall.tool}(${JSON.stringify(s.toolCall.args)}) -> ${s.toolCall.outcome}: ${JSON.stringify(s.toolCall.result)} in ${seconds(s.toolCall.elapsedMs)}`,
    );
  }
  if (s.audio.otherAudioPublishers.length > 0) {
    out.push(
      `      also heard audio from ${s.audio.otherAudioPublishers.join(', ')} (two voices at once?)`,
    );
  }
  for (const u of s.userLines) {
    out.push(`      user at ${seconds(u.atMs, 1)}: ${JSON.stringify(u.text)}`);
  }
  for (const r of s.sessions) {
    line(
      'Runway session',
      `${r.id.slice(0, 8)} via ${r.via}: ${r.status} (${r.endedBy})` +
        (r.durationS !== null ? `, duration ${r.durationS} s` : '') +
        `, billed ${r.billedSeconds.toFixed(1)} s`,
    );
  }
  line(
    'still billing',
    s.billing.sessionsBilling === 0
      ? 'nothing (0 sessions RUNNING)'
      : `${s.billing.sessionsBilling} session(s) RUNNING`,
  );
  line(
    'agent worker',
    s.agent.exitCode === null
      ? 'not stopped'
      : `exited ${s.agent.exitCode}${s.agent.forced ? ' (killed)' : ''} ${s.agent.stopMs !== null ? `in ${seconds(s.agent.stopMs)}` : ''}`,
  );
  const labels: Record<string, string> = {
    contactSheet: 'contact sheet',
    heardAudio: 'what the user heard',
    agentLog: 'agent log',
    summary: 'summary',
  };
  for (const [k, p] of Object.entries(s.outputs)) line(labels[k] ?? k, p);
  line(
    'result',
    s.ok ? 'OK: the user saw and heard the avatar' : `FAILED: ${s.failures.join('; ')}`,
  );
  out.push('');
  process.stdout.write(`${out.join('\n')}\n`);
}
