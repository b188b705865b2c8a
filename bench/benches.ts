// The benches `npm run bench` knows, in the order they run by default.
import { bridge } from './bridge.js';
import { browser } from './browser.js';
import { concurrency } from './concurrency.js';
import { detection } from './detection.js';
import type { Bench } from './lib/types.js';
import { readiness } from './readiness.js';
import { soak } from './soak.js';
import { startup } from './startup.js';

/** Every bench that exists, in the order (1 start-up … 6 soak), then the browser's (7). */
export const BENCHES: readonly Bench[] = [
  startup,
  detection,
  readiness,
  bridge,
  concurrency,
  soak,
  browser,
];
