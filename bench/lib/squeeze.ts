// Bench tooling: starve one process of CPU on purpose, the way a busy machine would, and give it back.
// Four burners beside the bridge on 2 cores never made libwebrtc adapt (BENCHMARKS.md §4): its encoder
// kept up. Pinned to one core with the burners, and at a lower priority than them, the process gets a small
// share of that core, whatever else runs.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** How one process is squeezed: the core it and the burners share, its nice value, the burners. */
export interface SqueezeOptions {
  cpu: number;
  nice: number;
  burners: number;
}

/** Every thread of `pid` (libwebrtc encodes on its own threads; nice is per thread on Linux). */
function threadsOf(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
}

function setNice(pid: number, nice: number): void {
  for (const tid of threadsOf(pid)) {
    try {
      execFileSync('renice', ['-n', String(nice), '-p', tid], { stdio: 'ignore' });
    } catch {
      // A thread that ended meanwhile.
    }
  }
}

/**
 * Pins `pid` (all its threads) and `burners` busy loops to one core, `pid` at `nice`; returns what undoes
 * it (burners killed, every core and nice 0 back). Linux only (taskset, renice, /proc); elsewhere, burners
 * beside the process only.
 */
export function squeeze(pid: number, o: SqueezeOptions): () => void {
  const linux = process.platform === 'linux';
  const burners: ChildProcess[] = Array.from({ length: o.burners }, () =>
    linux
      ? spawn('taskset', ['-c', String(o.cpu), process.execPath, '-e', 'for(;;){}'], {
          stdio: 'ignore',
        })
      : spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }),
  );
  const killBurners = () => {
    for (const b of burners) b.kill('SIGKILL');
  };
  if (linux) {
    try {
      execFileSync('taskset', ['-a', '-p', '-c', String(o.cpu), String(pid)], { stdio: 'ignore' });
    } catch (error) {
      killBurners();
      throw error;
    }
    setNice(pid, o.nice);
  }
  return () => {
    killBurners();
    if (!linux) return;
    try {
      const all = `0-${availableParallelism() - 1}`;
      execFileSync('taskset', ['-a', '-p', '-c', all, String(pid)], { stdio: 'ignore' });
      setNice(pid, 0);
    } catch {
      // The process has exited.
    }
  };
}
