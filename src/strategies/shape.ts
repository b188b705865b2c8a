// Recognising Runway's refusal of a request shape ("Unrecognized key: integration") and turning it into
// the typed error that `auto` falls through on.
import { isUnrecognizedKeyRefusal } from '../api/refusal.js';
import { RunwayUnsupportedShapeError } from '../errors.js';
import { STRATEGY_REGISTRY, type StrategyName } from './registry.js';

/** True when `error` is Runway's 400 `Unrecognized key: <key>` for this strategy's shape. */
export function isShapeRefusal(error: unknown, name: StrategyName): boolean {
  const key = STRATEGY_REGISTRY.find((s) => s.name === name)?.shapeKey;
  return key !== undefined && isUnrecognizedKeyRefusal(error, key);
}

/** `error` as a {@link RunwayUnsupportedShapeError} when it is a refusal of the strategy's shape. */
export function asShapeError(error: unknown, name: StrategyName): unknown {
  return isShapeRefusal(error, name) ? new RunwayUnsupportedShapeError(name, error) : error;
}
