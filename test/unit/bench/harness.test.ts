// Benchmark harness plumbing: the command line, bench selection, table rendering, result file names.
import { describe, expect, it } from 'vitest';
import { parseCli, selectBenches } from '../../../bench/lib/cli.js';
import { formatValue, renderTable, resultFileName } from '../../../bench/lib/report.js';
import { summarize } from '../../../bench/lib/stats.js';

describe('parseCli', () => {
  it('reads --only, --runs, --quick and --out', () => {
    expect(
      parseCli(['--only', 'detection, readiness', '--runs', '30', '--quick', '--out=x']),
    ).toEqual({
      only: ['detection', 'readiness'],
      runs: 30,
      quick: true,
      outDir: 'x',
      list: false,
      help: false,
    });
  });

  it('defaults to every bench, the bench defaults and bench-results/', () => {
    expect(parseCli([])).toEqual({
      only: undefined,
      runs: undefined,
      quick: false,
      outDir: 'bench-results',
      list: false,
      help: false,
    });
  });

  it('rejects bad counts, unknown flags and stray arguments', () => {
    expect(() => parseCli(['--runs', '0'])).toThrow(/--runs/);
    expect(() => parseCli(['--runs', '2.5'])).toThrow(/--runs/);
    expect(() => parseCli(['--fast'])).toThrow();
    expect(() => parseCli(['detection'])).toThrow(/unexpected argument/);
    expect(() => parseCli(['--only', ','])).toThrow(/--only/);
  });
});

describe('selectBenches', () => {
  const all = [{ name: 'a' }, { name: 'b' }, { name: 'c' }];

  it('keeps the order asked and drops duplicates', () => {
    expect(selectBenches(all, ['c', 'a', 'c']).map((b) => b.name)).toEqual(['c', 'a']);
    expect(selectBenches(all, undefined).map((b) => b.name)).toEqual(['a', 'b', 'c']);
  });

  it('names unknown benches and the available ones', () => {
    expect(() => selectBenches(all, ['a', 'startup'])).toThrow(
      'unknown bench startup; available: a, b, c',
    );
  });
});

describe('report', () => {
  it('formats figures by magnitude and NaN as a dash', () => {
    expect(formatValue(Number.NaN)).toBe('—');
    expect(formatValue(3)).toBe('3');
    expect(formatValue(1.234)).toBe('1.23');
    expect(formatValue(12.34)).toBe('12.3');
    expect(formatValue(123.4)).toBe('123');
    expect(formatValue(2, false)).toBe('2.00');
  });

  it('prints a row with any fraction in decimals throughout', () => {
    const [, , row] = renderTable([
      { scenario: 's', metric: 'rate', unit: 'req/s', summary: summarize([0.5, 2]) },
    ]).split('\n');
    expect(row).toMatch(/0\.50–2\.00/);
  });

  it('renders aligned rows with the baseline ratio', () => {
    const table = renderTable([
      {
        scenario: 's1',
        metric: 'delay',
        unit: 'ms',
        summary: summarize([1, 2, 3]),
        vsBaseline: { ratio: 10, meaning: 'sooner' },
      },
      { scenario: 'scenario two', metric: 'requests', unit: 'req', summary: summarize([]) },
    ]);
    const lines = table.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(
      /^scenario\s+metric\s+unit\s+n\s+median\s+p95\s+p99\s+min–max\s+vs baseline$/,
    );
    expect(lines[2]).toMatch(
      /^s1\s+delay\s+ms\s+3\s+2\.00\s+2\.90\s+2\.98\s+1\.00–3\.00\s+10× sooner$/,
    );
    expect(lines[3]).toMatch(/^scenario two\s+requests\s+req\s+0\s+—\s+—\s+—\s+—$/);
    // Columns line up: "metric" starts at the same offset on every line.
    const col = lines[0]!.indexOf('metric');
    expect(lines[2]!.indexOf('delay')).toBe(col);
    expect(lines[3]!.indexOf('requests')).toBe(col);
  });

  it('names result files after the start time without colons', () => {
    expect(resultFileName('2026-05-01T17:02:03.456Z')).toBe('2026-05-01T17-02-03Z.json');
  });
});
