// What machine a run happened on: CPU, cores, memory, OS, Node, load average, and the source revision.
import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** The machine and software a run measured. */
export interface MachineInfo {
  cpuModel: string;
  /** Logical CPUs the OS reports. */
  cores: number;
  /** CPUs this process may use (cgroup / affinity aware). */
  availableParallelism: number;
  totalMemoryBytes: number;
  platform: string;
  release: string;
  arch: string;
  node: string;
  /** `git describe --always --dirty` of the tree, when available. */
  revision: string | undefined;
}

/** 1, 5 and 15 minute load averages, rounded to 2 decimals. */
export function loadAverage(): [number, number, number] {
  const [a = 0, b = 0, c = 0] = os.loadavg().map((v) => Math.round(v * 100) / 100);
  return [a, b, c];
}

function gitRevision(): string | undefined {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    }).trim();
  } catch {
    return undefined;
  }
}

/** Describes this machine. */
export function describeMachine(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    totalMemoryBytes: os.totalmem(),
    platform: os.platform(),
    release: os.release(),
    arch: os.arch(),
    node: process.version,
    revision: gitRevision(),
  };
}

/** One line for the table header, e.g. `Intel Xeon × 2 cores, 23.5 GiB, linux 6.1 x64, Node v20.19.0`. */
export function formatMachine(m: MachineInfo): string {
  const gib = (m.totalMemoryBytes / 2 ** 30).toFixed(1);
  const usable = m.availableParallelism === m.cores ? '' : ` (${m.availableParallelism} usable)`;
  return `${m.cpuModel} × ${m.cores} cores${usable}, ${gib} GiB, ${m.platform} ${m.release} ${m.arch}, Node ${m.node}`;
}
