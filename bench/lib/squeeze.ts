// Bench and test tooling: starve a process's video encoder of CPU on purpose, the way a busy machine
// would, and give the CPU back (BENCHMARKS.md §4, test/e2e/bridge_adaptation.test.ts).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Every thread of `pid`. */
function threadsOf(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
}

/** How the encoder of one process is squeezed: the core, and the duty cycle of the burner beside it. */
export interface EncoderSqueezeOptions {
  cpu: number;
  /** The burner runs this long, ms… */
  burnMs: number;
  /** …then leaves the core to the encoder this long, ms. */
  idleMs: number;
}

/** The name libwebrtc gives the thread a video sender encodes on (one per published video track). */
export const ENCODER_THREAD = 'EncoderQueue';

/** Threads of `pid` named `name` (a thread's `comm`). */
export function threadsNamed(pid: number, name: string): string[] {
  return threadsOf(pid).filter((tid) => {
    try {
      return readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim() === name;
    } catch {
      return false;
    }
  });
}

/**
 * Starves only the video encoder of `pid`, the way a busy machine starves it: every {@link ENCODER_THREAD}
 * thread moves to `cpu` under SCHED_IDLE (it runs only when nothing else wants that core), beside a burner
 * that takes the core `burnMs` out of every `burnMs + idleMs`. The rest of the process (its event loop,
 * the decoders of what it receives) runs as before, so frames keep coming and the encoder falls behind:
 * what libwebrtc's CPU adaptation watches for. Starving the whole process does not do that (it captures
 * nothing meanwhile), nor does a nice value: the kernel's scheduler serves a thread that sleeps between
 * frames promptly whatever its nice value. Returns what undoes it. Linux only (/proc, chrt, taskset);
 * throws when `pid` has no encoder thread, or a tool is missing.
 */
export function squeezeEncoder(pid: number, o: EncoderSqueezeOptions): () => void {
  const tids = threadsNamed(pid, ENCODER_THREAD);
  if (!tids.length) throw new Error(`process ${pid} has no ${ENCODER_THREAD} thread to squeeze`);
  const burner = spawn(
    'taskset',
    [
      '-c',
      String(o.cpu),
      process.execPath,
      '-e',
      `const s=new Int32Array(new SharedArrayBuffer(4));for(;;){const t=performance.now();while(performance.now()-t<${o.burnMs}){}Atomics.wait(s,0,0,${o.idleMs})}`,
    ],
    { stdio: 'ignore' },
  );
  const set = (policy: '-i' | '-o', cpus: string) => {
    for (const tid of tids) {
      try {
        execFileSync('taskset', ['-p', '-c', cpus, tid], { stdio: 'ignore' });
        execFileSync('chrt', [policy, '-p', '0', tid], { stdio: 'ignore' });
      } catch (error) {
        // A thread that ended meanwhile is fine; anything else while squeezing is not.
        if (policy === '-i' && existsSync(`/proc/${pid}/task/${tid}`)) {
          burner.kill('SIGKILL');
          throw error;
        }
      }
    }
  };
  set('-i', String(o.cpu));
  return () => {
    burner.kill('SIGKILL');
    set('-o', `0-${availableParallelism() - 1}`);
  };
}
