// Builds the create body shared by every strategy; the BYO shapes add LiveKit credentials.
import type { CreateSessionBody, LiveKitRoomCredentials } from '../api/types.js';
import type { ResolvedOptions } from '../options.js';
import { NO_TOOLS, type SessionTools } from '../tools/session_tools.js';

/** The fields every shape shares (also the base of the bring-your-own-room shapes). */
export function baseBody(options: ResolvedOptions): CreateSessionBody {
  const body: CreateSessionBody = { model: 'gwm1_avatars', avatar: options.avatar };
  if (options.maxDuration !== undefined) body.maxDuration = options.maxDuration;
  if (options.personality !== undefined) body.personality = options.personality;
  if (options.startScript !== undefined) body.startScript = options.startScript;
  return body;
}

/**
 * Body of a hosted session (Runway's own room): the base, plus the session's tools. Tools go with hosted
 * sessions only: with a bring-your-own-room shape the agent's own LLM speaks, and its tools run as usual.
 */
export function hostedBody(
  options: ResolvedOptions,
  tools: SessionTools = NO_TOOLS,
): CreateSessionBody {
  const body = baseBody(options);
  if (tools.wire.length > 0) body.tools = tools.wire;
  return body;
}

/** Body of a bring-your-own-room session in the given shape. */
export function byoBody(
  options: ResolvedOptions,
  shape: 'integration' | 'livekit',
  room: LiveKitRoomCredentials,
): CreateSessionBody {
  const body = baseBody(options);
  if (shape === 'integration') body.integration = { type: 'livekit', ...room };
  else body.livekit = room;
  return body;
}
