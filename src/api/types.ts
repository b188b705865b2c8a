// Types of Runway's realtime-sessions API (X-Runway-Version 2024-11-06) as the client sends and receives them.
// The zod schemas in schemas.ts validate responses against these shapes.

/** The nine Runway preset avatars, in the order of Runway's API schema. @public */
export const PRESET_IDS = [
  'game-character',
  'music-superstar',
  'game-character-man',
  'cat-character',
  'influencer',
  'tennis-coach',
  'human-resource',
  'fashion-designer',
  'cooking-teacher',
] as const;

/** One of Runway's preset avatar ids. @public */
export type PresetId = (typeof PRESET_IDS)[number];

/**
 * The avatar to render: a Runway preset or a custom avatar (UUID v4). A preset id outside
 * {@link PRESET_IDS} is one Runway added after this release (passed through with a warning).
 */
export type AvatarSpec =
  | { type: 'runway-preset'; presetId: PresetId | (string & {}) }
  | { type: 'custom'; avatarId: string };

/** LiveKit credentials for Runway's worker to join an external room (bring-your-own-room). */
export interface LiveKitRoomCredentials {
  url: string;
  token: string;
  roomName: string;
  agentIdentity?: string;
}

/** Body of `POST /v1/realtime_sessions`. */
export interface CreateSessionBody {
  model: 'gwm1_avatars';
  avatar: AvatarSpec;
  /** Seconds, 10..1800. */
  maxDuration?: number;
  personality?: string;
  startScript?: string;
  /** Current documented bring-your-own-room shape. */
  integration?: { type: 'livekit' } & LiveKitRoomCredentials;
  /** Deprecated top-level bring-your-own-room shape (what the upstream plugins send). */
  livekit?: LiveKitRoomCredentials;
  /** Tools of a hosted session, as built by tools/definitions.ts (`toWireTools`). */
  tools?: ReadonlyArray<Record<string, unknown>>;
}

interface SessionBase {
  id: string;
  /** ISO-8601, UTC (`Z`). */
  createdAt: string;
}

/** `GET /v1/realtime_sessions/{id}`: a union discriminated by `status`. @public */
export type RealtimeSession =
  | (SessionBase & { status: 'NOT_READY'; queued?: boolean })
  | (SessionBase & { status: 'READY'; expiresAt: string; sessionKey: string })
  | (SessionBase & { status: 'RUNNING' })
  | (SessionBase & { status: 'COMPLETED'; duration: number })
  | (SessionBase & { status: 'FAILED'; failure: string; failureCode: string })
  | (SessionBase & { status: 'CANCELLED' });

/** A session status. @public */
export type SessionStatus = RealtimeSession['status'];

/** The statuses a session never leaves (the one list of them). @public */
export const TERMINAL_STATUSES = [
  'COMPLETED',
  'FAILED',
  'CANCELLED',
] as const satisfies readonly SessionStatus[];

/** A status a session never leaves. @public */
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

/** True for COMPLETED, FAILED and CANCELLED. */
export function isTerminalStatus(status: unknown): status is TerminalStatus {
  return (TERMINAL_STATUSES as readonly unknown[]).includes(status);
}

/** `POST /v1/realtime_sessions/{id}/consume`: credentials for Runway's own LiveKit room. */
export interface ConsumeResult {
  url: string;
  token: string;
  roomName: string;
}

/** Per-call options of every client method. */
export interface RequestOptions {
  /**
   * Cancels the request and its retries. A create already sent is the exception: it is awaited, and its
   * session returned, so that the caller can end it.
   */
  signal?: AbortSignal;
}
