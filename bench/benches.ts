// The benches `npm run bench` knows, in the order they run by default.
import { detection } from './detection.js';
import type { Bench } from './lib/types.js';
import { readiness } from './readiness.js';

/** Every bench that exists; add new ones (startup, bridge, concurrency, soak) here. */
export const BENCHES: readonly Bench[] = [detection, readiness];
