// Headless Chromium for the browser e2e tests: the viewer page opened in a browser closed when the test ends.
import { onTestFinished } from 'vitest';
import {
  launchChromium,
  openViewerPage,
  type ViewerPage,
} from '../../../scripts/lib/viewer_browser.js';

export type { ViewerPage } from '../../../scripts/lib/viewer_browser.js';

/**
 * Launches headless Chromium (failing with how to install it when there is none) and opens the
 * viewer page at `url`; the browser is closed when the current test finishes.
 */
export async function openViewer(url: string): Promise<ViewerPage> {
  const browser = await launchChromium();
  onTestFinished(() => browser.close().catch(() => {}));
  return openViewerPage(browser, url);
}
