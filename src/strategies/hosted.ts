// TEMPORARY placeholder until the hosted strategy lands (issue 5); replaced, never shipped as is.
import { RunwayAvatarError } from '../errors.js';
import type { ActiveAvatar, Strategy } from './strategy.js';

export class HostedStrategy implements Strategy {
  readonly name = 'hosted' as const;
  async start(): Promise<ActiveAvatar> {
    throw new RunwayAvatarError('NOT_IMPLEMENTED', 'hosted strategy not implemented yet');
  }
}
