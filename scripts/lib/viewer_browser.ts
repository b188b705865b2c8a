// Dev tooling: headless Chromium driving the web viewer page (examples/web) for the browser e2e tests and the
// browser bench: launch, query the page, close.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { VideoBufferType } from '@livekit/rtc-node';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import type {
  LevelSample,
  VideoRtpStats,
  ViewerHandle,
  ViewerState,
} from '../../examples/web/protocol.js';
import type { DecodableFrame } from '../../src/emulator/worker/frame_code.js';
import { CHROMIUM_FLAGS, ChromiumUnavailableError, findChromium } from './chromium.js';
import { REPO_ROOT } from './livekit_server_binary.js';

/** Where screenshots and other browser artefacts of the tests go (git-ignored). */
export const ARTEFACTS_DIR = join(REPO_ROOT, '.cache', 'artefacts');

/** The viewer page open in a tab. */
export interface ViewerPage {
  page: Page;
  state(): Promise<ViewerState>;
  levels(sinceMs: number): Promise<LevelSample[]>;
  videoStats(): Promise<VideoRtpStats | null>;
  /** The page's current video frame drawn on a canvas, `width` px wide, as a decodable RGBA frame. */
  grabFrame(width: number): Promise<DecodableFrame | null>;
  /** Saves a PNG screenshot under {@link ARTEFACTS_DIR}; resolves with its path. */
  screenshot(name: string): Promise<string>;
  /** Closes the tab (the room connection goes with it). */
  close(): Promise<void>;
}

/**
 * Launches headless Chromium with the flags a receive-only LiveKit page needs here. Throws with how
 * to install Chromium when there is none: the browser tests never skip silently.
 */
export async function launchChromium(): Promise<Browser> {
  const chromium = await findChromium();
  if (!chromium) throw new ChromiumUnavailableError('No Chromium found for the browser tests.');
  return puppeteer.launch({
    executablePath: chromium.path,
    headless: chromium.headless,
    args: [...CHROMIUM_FLAGS],
    defaultViewport: { width: 1280, height: 800 },
  });
}

/** Opens `url` (the viewer server's page) in a new tab and waits for its `window.__viewer` handle. */
export async function openViewerPage(browser: Browser, url: string): Promise<ViewerPage> {
  const page = await browser.newPage();
  try {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url, { waitUntil: 'load' });
    // String expressions: a serialised function would carry the test transform's helpers with it.
    const call = <T>(method: keyof ViewerHandle, arg = 0) =>
      page.evaluate(`window.__viewer.${method}(${Number(arg)})`) as Promise<T>;
    await page.waitForFunction('window.__viewer !== undefined', { timeout: 10_000 });
    return {
      page,
      state: async () => {
        const s = await call<ViewerState>('state');
        if (errors.length > 0 && !s.error) s.error = errors.join('; ');
        return s;
      },
      levels: (sinceMs) => call<LevelSample[]>('levels', sinceMs),
      videoStats: () => call<VideoRtpStats | null>('videoStats'),
      grabFrame: async (width) => {
        const f = await call<ReturnType<ViewerHandle['grabFrame']>>('grabFrame', width);
        if (!f) return null;
        return {
          width: f.width,
          height: f.height,
          data: new Uint8Array(Buffer.from(f.rgba, 'base64')),
          type: VideoBufferType.RGBA,
        };
      },
      screenshot: async (name) => {
        await mkdir(ARTEFACTS_DIR, { recursive: true });
        const path = join(ARTEFACTS_DIR, `${name}.png`);
        await page.screenshot({ path: path as `${string}.png` });
        return path;
      },
      close: () => page.close().catch(() => {}),
    };
  } catch (error) {
    await page.close().catch(() => {});
    throw error;
  }
}
