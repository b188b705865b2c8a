// Builds the create body shared by every strategy; the BYO shapes add LiveKit credentials.
import type { CreateSessionBody, LiveKitRoomCredentials } from '../api/types.js';
import type { ResolvedOptions } from '../options.js';

/** Body of a hosted session (Runway's own room), also the base of the bring-your-own-room shapes. */
export function baseBody(options: ResolvedOptions): CreateSessionBody {
  const body: CreateSessionBody = { model: 'gwm1_avatars', avatar: options.avatar };
  if (options.maxDuration !== undefined) body.maxDuration = options.maxDuration;
  if (options.personality !== undefined) body.personality = options.personality;
  if (options.startScript !== undefined) body.startScript = options.startScript;
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
