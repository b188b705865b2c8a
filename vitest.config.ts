// Test projects: `fast` (unit and API client over loopback sockets), `emulator` (Runway's side: no
// @livekit/agents, so no logger setup to pay for) and `e2e` (real livekit-server).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'emulator',
          include: ['test/emulator/**/*.test.ts'],
          testTimeout: 15_000,
        },
      },
      {
        test: {
          name: 'fast',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'test/emulator/**'],
          setupFiles: ['./test/setup/logger.ts', './test/setup/state_dir.ts'],
          testTimeout: 15_000,
        },
      },
      {
        test: {
          name: 'e2e',
          setupFiles: ['./test/setup/logger.ts', './test/setup/state_dir.ts'],
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['./test/setup/livekit_server.ts'],
          testTimeout: 90_000,
          hookTimeout: 90_000,
          // Real rooms are heavy on a 2-core machine: one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
