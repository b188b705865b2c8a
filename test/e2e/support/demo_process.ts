// Runs `npm run demo` (tsx scripts/demo.ts) as a child process for e2e tests and collects its output.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../scripts/lib/livekit_server.js';

/** How a demo run ended and what it printed. */
export interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `tsx scripts/demo.ts <args>`; `onStdout` sees the output so far after every chunk. SIGKILLs
 * the demo's process group after `timeoutMs`.
 */
export function runDemo(
  args: string[],
  timeoutMs: number,
  onStdout?: (stdoutSoFar: string) => void,
): Promise<DemoRun> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'demo.ts'), ...args],
      {
        cwd: REPO_ROOT,
        // The e2e suite already runs in a private network namespace (or was told not to).
        env: { ...process.env, DEMO_NETNS: '0', NODE_ENV: 'production' },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
      onStdout?.(stdout);
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
