// Build: ESM + CJS with declarations for the plugin entry and the emulator subpath export.
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'emulator/index': 'src/emulator/index.ts',
    'emulator/cli': 'src/emulator/cli.ts',
  },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', 'emulator/index': 'src/emulator/index.ts' } },
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  shims: true,
  // No `splitting` option: tsup then splits ESM only. ESM needs it so that the emulator's
  // `await import('./worker/livekit_driver.js')` stays a separate chunk (unsplit, esbuild hoists
  // that module's `@livekit/rtc-node` imports to the top of dist/emulator/index.js, loading the
  // native library with the HTTP emulator alone); the CLI shares chunks with the emulator entry.
  // CJS stays one file per entry, where the lazy module's `require`s run only on first use.
});
