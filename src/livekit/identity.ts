// The agent's identity and room name: from the job context, else the room (works before ctx.connect()).
import { getJobContext } from '@livekit/agents';
import type { Room } from '@livekit/rtc-node';
import { RunwayOptionError } from '../errors.js';

/** The identity and room the avatar publishes for. */
export interface AgentPlacement {
  agentIdentity: string;
  roomName: string;
}

/** Finds the agent's identity and room name, with or without a job context. */
export function resolveAgentPlacement(room: Room): AgentPlacement {
  const job = getJobContext(false);
  const agentIdentity =
    job?.agent?.identity || room.localParticipant?.identity || job?.info.acceptArguments.identity;
  const roomName = room.name || job?.job.room?.name;
  if (!agentIdentity) {
    throw new RunwayOptionError(
      'room',
      "Cannot tell the agent's identity: start() needs a connected room or a job context (call ctx.connect() first, or start inside a job).",
    );
  }
  if (!roomName) {
    throw new RunwayOptionError(
      'room',
      'Cannot tell the room name: start() needs a connected room or a job context (call ctx.connect() first).',
    );
  }
  return { agentIdentity, roomName };
}
