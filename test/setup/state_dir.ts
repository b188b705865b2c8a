// Every test file gets its own, empty learning-store directory: no test reads what another test (or the
// developer's own agents, in the user's cache directory) learnt, and nothing is left behind.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { STATE_DIR_ENV } from '../../src/learning/store.js';

const dir = mkdtempSync(join(tmpdir(), 'runway-learning-test-'));
process.env[STATE_DIR_ENV] = dir;
afterAll(() => rmSync(dir, { recursive: true, force: true }));
