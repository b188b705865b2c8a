// CPU time of a process and all its descendants (a browser's renderer, GPU and utility processes), from /proc.
import { readdir, readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc's utime/stime (USER_HZ, 100 on Linux). */
const TICKS_PER_S = 100;

/** Parent pid and CPU time (user + system, ms) from a `/proc/<pid>/stat` line; null if unreadable. Pure. */
export function parseStat(line: string): { ppid: number; cpuMs: number } | null {
  // The command name (field 2) is in parentheses and may itself contain spaces and parentheses.
  const close = line.lastIndexOf(')');
  if (close < 0) return null;
  const fields = line.slice(close + 2).split(' ');
  // After the name: state(3) ppid(4) … utime(14) stime(15), i.e. indexes 0, 1 … 11, 12 here.
  const ppid = Number(fields[1]);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (![ppid, utime, stime].every(Number.isFinite)) return null;
  return { ppid, cpuMs: ((utime + stime) * 1000) / TICKS_PER_S };
}

/** CPU time used so far by `rootPid` and every live descendant, per pid (ms). */
export async function treeCpuMs(rootPid: number): Promise<Map<number, number>> {
  const procs = new Map<number, { ppid: number; cpuMs: number }>();
  for (const name of await readdir('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const parsed = stat ? parseStat(stat) : null;
    if (parsed) procs.set(pid, parsed);
  }
  const out = new Map<number, number>();
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
      if (p === rootPid) return true;
      const next = procs.get(p)?.ppid;
      if (next === undefined) return false;
      p = next;
    }
    return false;
  };
  for (const [pid, { cpuMs }] of procs) if (inTree(pid)) out.set(pid, cpuMs);
  return out;
}

/**
 * CPU used between two {@link treeCpuMs} snapshots, ms: per pid the difference, a process born in
 * between counted from zero (one that died in between is lost: keep windows short). Pure.
 */
export function treeCpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let used = 0;
  for (const [pid, ms] of after) used += ms - (before.get(pid) ?? 0);
  return used;
}
