// Bundles the viewer page's script (viewer.ts + livekit-client) with esbuild, in memory.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ENTRY = fileURLToPath(new URL('./viewer.ts', import.meta.url));

let cached: Promise<string> | undefined;

/**
 * The page script as one IIFE for current Chromium (minified, no source map). Built once per
 * process (about half a second) and kept.
 */
export function bundleViewer(): Promise<string> {
  cached ??= build({
    entryPoints: [ENTRY],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
    write: false,
    logLevel: 'silent',
  }).then((r) => {
    const js = r.outputFiles[0]?.text;
    if (!js) throw new Error('esbuild produced no output for the viewer page');
    return js;
  });
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}
