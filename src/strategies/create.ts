// Builds one instance of every registered strategy. The Record over the registry's names makes a strategy
// added to the registry without a constructor here a compile error.
import { ByoRoomStrategy } from './byo_room.js';
import { HostedStrategy } from './hosted.js';
import type { StrategyName } from './registry.js';
import type { Strategy } from './strategy.js';

/** One strategy object per registered name. */
export function createStrategies(): Readonly<Record<StrategyName, Strategy>> {
  return {
    integration: new ByoRoomStrategy('integration'),
    livekit: new ByoRoomStrategy('livekit'),
    hosted: new HostedStrategy(),
  };
}
