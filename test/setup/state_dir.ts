// Every test file gets its own, empty learning-store directory: no test reads what another test (or the
// developer's own agents, in the user's cache directory) learnt, and nothing is left behind.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { defaultLearning } from '../../src/learning/cache.js';
import { STATE_DIR_ENV } from '../../src/learning/store.js';

const dir = mkdtempSync(join(tmpdir(), 'runway-learning-test-'));
process.env[STATE_DIR_ENV] = dir;
afterAll(async () => {
  // The store writes in the background (a verdict, a READY time, `resetStrategyCache`'s forgetting): a
  // write landing while the directory is removed made `rmSync` fail with ENOTEMPTY in CI. Wait for the
  // writes this process started, and retry the removal for any a stray session starts later.
  await defaultLearning().flush();
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
});
