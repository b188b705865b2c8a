// The events an AvatarSession emits, typed once here so every layer that emits them is checked against
// the same map (strategies and the session owner get an `EmitEvent`, never an untyped emitter).
import type { voice } from '@livekit/agents';

/** A JSON data message from Runway's room (transcriptions, client events, …). @public */
export interface RunwayDataMessage {
  topic: string | undefined;
  /** Parsed JSON payload. */
  message: Record<string, unknown>;
}

/** A transcription message relayed from Runway's room (hosted strategy). @public */
export interface RunwayTranscription {
  type: 'transcription';
  role?: string;
  turn?: number;
  text?: string;
  [key: string]: unknown;
}

/**
 * A `client_event` tool the hosted character used: `{ type: 'client_event', tool, args }` as Runway sends
 * it on its data channel (any further fields Runway adds are kept). @public
 */
export interface RunwayClientEvent {
  type: 'client_event';
  /** The tool's name, as declared in `tools`. */
  tool: string;
  /** The arguments the character gave (an empty object when it gave none). */
  args: Record<string, unknown>;
  [key: string]: unknown;
}

/** True for a client event of a tool (Runway's acknowledgements, `args.status === 'event_sent'`, are not). */
export function isClientEvent(message: Record<string, unknown>): message is RunwayClientEvent {
  if (message.type !== 'client_event' || typeof message.tool !== 'string') return false;
  const args = message.args;
  if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args)))
    return false;
  return (args as Record<string, unknown> | undefined)?.status !== 'event_sent';
}

/** Events of `AvatarSession`: the base class's `metrics_collected` and the plugin's own. @public */
export interface AvatarSessionEvents extends voice.AvatarSessionCallbacks {
  /** Every JSON data message from Runway's room (hosted strategy). */
  runway_data: (message: RunwayDataMessage) => void;
  /** Runway's transcriptions of the character and the user (hosted strategy). */
  transcription: (message: RunwayTranscription) => void;
  /** A `client_event` tool the character used (hosted strategy); see the `tools` option. */
  client_event: (event: RunwayClientEvent) => void;
  /** A replacement Runway session took over (renewal before the cap, or respawn after a loss). */
  session_renewed: (event: {
    previousSessionId: string;
    sessionId: string;
    reason: 'renewal' | 'respawn';
  }) => void;
  /** The avatar went away unexpectedly; `onAvatarLost` decides what follows. */
  avatar_lost: (event: {
    sessionId: string;
    reason: string;
    status?: string;
    failureCode?: string;
  }) => void;
}

/** The plugin's own events (the ones its layers emit). */
export type PluginEventName = Exclude<
  keyof AvatarSessionEvents,
  keyof voice.AvatarSessionCallbacks
>;

/** Emits one of the plugin's events on the AvatarSession, checked against {@link AvatarSessionEvents}. */
export type EmitEvent = <E extends PluginEventName>(
  event: E,
  ...args: Parameters<AvatarSessionEvents[E]>
) => void;

/** True for a Runway transcription message. */
export function isTranscription(message: Record<string, unknown>): message is RunwayTranscription {
  return message.type === 'transcription';
}
