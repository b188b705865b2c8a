// Finding Chromium for the browser tests: CHROMIUM_BIN wins, a bad one is an error saying how to fix it.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ChromiumUnavailableError, findChromium } from '../../scripts/lib/chromium.js';

describe('findChromium', () => {
  it('takes CHROMIUM_BIN when it is an executable file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chromium-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const bin = join(dir, 'chromium-headless-shell');
    await writeFile(bin, '#!/bin/sh\n');
    await chmod(bin, 0o755);
    expect(await findChromium({ CHROMIUM_BIN: bin })).toEqual({ path: bin, headless: 'shell' });
  });

  it('refuses a CHROMIUM_BIN that is not executable, naming it and the ways out', async () => {
    const error = await findChromium({ CHROMIUM_BIN: '/nonexistent/chromium' }).catch((e) => e);
    expect(error).toBeInstanceOf(ChromiumUnavailableError);
    expect(error.message).toContain('CHROMIUM_BIN=/nonexistent/chromium');
    expect(error.message).toContain('apt-get install -y --no-install-recommends');
    expect(error.message).toContain('BROWSER_E2E=0');
  });
});
