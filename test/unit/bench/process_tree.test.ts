// Reading /proc for a process tree's CPU: the stat line parser, the snapshot difference, and this process.
import { describe, expect, it } from 'vitest';
import { parseStat, treeCpuDelta, treeCpuMs } from '../../../bench/lib/process_tree.js';

describe('process tree CPU', () => {
  it('parses ppid and utime+stime, with a command name holding spaces and parentheses', () => {
    const line =
      '4242 (chromium (gpu) x) S 4200 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 12 0 900 1 2';
    expect(parseStat(line)).toEqual({ ppid: 4200, cpuMs: 3000 });
    expect(parseStat('garbage')).toBeNull();
  });

  it('counts per-pid differences, a newborn from zero', () => {
    const before = new Map([
      [1, 100],
      [2, 50],
    ]);
    const after = new Map([
      [1, 130],
      [2, 50],
      [3, 20],
    ]);
    expect(treeCpuDelta(before, after)).toBe(50);
  });

  it("finds this process's own CPU time, and it grows with work", async () => {
    const a = await treeCpuMs(process.pid);
    expect(a.has(process.pid)).toBe(true);
    const until = Date.now() + 120;
    let x = 0;
    while (Date.now() < until) x += Math.sqrt(x + 1);
    const b = await treeCpuMs(process.pid);
    expect(x).toBeGreaterThan(0);
    expect(treeCpuDelta(a, b)).toBeGreaterThanOrEqual(50);
  });
});
