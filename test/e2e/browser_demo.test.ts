// `npm run demo -- --web` end to end: the demo serves the viewer page, headless Chromium opens it as a
// person would, and watches and hears the whole conversation live.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { OFFLINE_GREETING } from '../../examples/offline/index.js';
import type { ViewerState } from '../../examples/web/protocol.js';
import { decodeFrame } from '../../src/emulator/worker/frame_code.js';
import { openViewer } from './support/browser.js';
import { runDemo } from './support/demo_process.js';
import { waitFor } from './support/wait.js';

describe('npm run demo -- --web', () => {
  it('prints the viewer URL, waits for the page, and the page shows and plays the conversation', async () => {
    const out = await mkdtemp(join(tmpdir(), 'demo-web-test-'));
    onTestFinished(() => rm(out, { recursive: true, force: true }));

    let announce: (url: string) => void = () => {};
    const urlPrinted = new Promise<string>((resolve) => {
      announce = resolve;
    });
    const demo = runDemo(['--web', '--seconds', '6', '--out', out], 110_000, (stdout) => {
      const m = /watch live: open (http:\/\/127\.0\.0\.1:\d+\/) in a browser/.exec(stdout);
      if (m) announce(m[1]!);
    });
    const url = await Promise.race([
      urlPrinted,
      demo.then((r) => {
        throw new Error(`the demo ended before printing the viewer URL:\n${r.stdout}\n${r.stderr}`);
      }),
    ]);
    const viewer = await openViewer(url);

    // The page shows the avatar while the demo runs; its frame code is readable off the canvas.
    const live = await waitFor(
      async () => {
        const s = await viewer.state();
        if (s.error) throw new Error(`page error: ${s.error}`);
        return s.firstFrameMs !== null && s.audioPlaying && s.runwayState === 'live' ? s : null;
      },
      { timeoutMs: 60_000, debugName: 'the page showing the live avatar', intervalMs: 200 },
    );
    const frame = await viewer.grabFrame(320);
    expect(frame && decodeFrame(frame)).not.toBeNull();
    const loudest = await waitFor(
      async () => {
        const max = Math.max(0, ...(await viewer.levels(0)).map((l) => l.rms));
        return max > 0.02 ? max : null;
      },
      { timeoutMs: 30_000, debugName: "the avatar's voice heard on the page", intervalMs: 200 },
    );
    let last: ViewerState = live;
    const withGreeting = await waitFor(
      async () => {
        last = await viewer.state();
        return last.lines.some((l) => l.who === 'agent' && l.text === OFFLINE_GREETING)
          ? last
          : null;
      },
      { timeoutMs: 30_000, debugName: "the agent's greeting in the page's transcript" },
    ).catch((e: Error) => {
      throw new Error(`${e.message}; lines: ${JSON.stringify(last.lines)}`);
    });
    await viewer.screenshot('browser-demo-web');

    const run = await demo;
    const explain = `exit ${run.code}\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}`;
    expect(run.code, explain).toBe(0);
    expect(run.stdout).toMatch(/^\[\s*\d+\.\d\ds\] viewer page opened$/m);
    expect(run.stdout).toMatch(
      /^\[\s*\d+\.\d\ds\] viewer page joined the room \(participant viewer-/m,
    );
    expect(withGreeting.strategy).toBe('integration');
    expect(withGreeting.avatarIdentity).toBe('runway-avatar-agent');
    expect(loudest).toBeGreaterThan(0.02);

    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    expect(summary.ok).toBe(true);
    expect(summary.web).toEqual({ url, pagesJoined: 1 });
    // The page joined before the simulated user, so it saw the conversation from its start.
    expect(summary.timeline.viewerJoined).toBeLessThan(summary.timeline.userJoined);
    // The contact sheet shows the frames the browser showed.
    expect(summary.video.contactSheetFrom).toBe('browser');
    const png = await readFile(join(out, 'contact-sheet.png'));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBeGreaterThan(4 * 200);
  }, 120_000);
});
