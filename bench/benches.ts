// The benches `npm run bench` knows, in the order they run by default.
import { bridge } from './bridge.js';
import { concurrency } from './concurrency.js';
import { detection } from './detection.js';
import { jobs } from './jobs.js';
import type { Bench } from './lib/types.js';
import { readiness } from './readiness.js';
import { soak } from './soak.js';
import { startup } from './startup.js';

/** Every bench that exists, in the order (1 start-up … 6 soak), then 7 jobs per machine. */
export const BENCHES: readonly Bench[] = [
  startup,
  detection,
  readiness,
  bridge,
  concurrency,
  soak,
  jobs,
];
