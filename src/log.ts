// The plugin's child logger and the `lk.pii.*` keys under which identities and room names are logged.
import { log as agentsLog } from '@livekit/agents';
import type { Logger } from 'pino';

/** Child logger `{ plugin: 'runway' }` of the `@livekit/agents` logger. Messages are constant strings. */
export const log = (): Logger => agentsLog().child({ plugin: 'runway' });

/** Log-field keys for personally identifying values (agents-js REVIEW.md rule). */
export const PII = {
  agentIdentity: 'lk.pii.agent_identity',
  avatarIdentity: 'lk.pii.avatar_identity',
  roomName: 'lk.pii.room_name',
  participantIdentity: 'lk.pii.participant_identity',
} as const;
