// Results output: the text table (median, p95, p99, min–max, vs baseline), target verdicts, machine
// header, and the raw JSON file bench-results/<timestamp>.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatMachine, type MachineInfo } from './machine.js';
import type { BenchResult, MetricRow } from './types.js';

/** A bench's result with its identity and wall time. */
export interface BenchReport extends BenchResult {
  name: string;
  title: string;
  durationMs: number;
}

/** Everything one `npm run bench` measured; written as JSON. */
export interface RunReport {
  startedAt: string;
  finishedAt: string;
  /** The command-line arguments after `--`. */
  argv: string[];
  machine: MachineInfo;
  /** 1/5/15 min load averages when the run started and ended: the run's noise context. */
  loadAverage: { start: number[]; end: number[] };
  benches: BenchReport[];
}

/**
 * A figure for the table: `—` for NaN; integers as is when `integers` (a row of whole numbers), else
 * 2, 1 or 0 decimals by magnitude.
 */
export function formatValue(v: number, integers = Number.isInteger(v)): string {
  if (Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  if (integers && Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  return v.toFixed(abs < 10 ? 2 : abs < 100 ? 1 : 0);
}

const HEADERS = [
  'scenario',
  'metric',
  'unit',
  'n',
  'median',
  'p95',
  'p99',
  'min–max',
  'vs baseline',
];
const RIGHT_ALIGNED = new Set([3, 4, 5, 6, 7]);

function cells(row: MetricRow): string[] {
  const s = row.summary;
  // One style per row: whole numbers only when every figure of the row is one.
  const ints = [s.median, s.p95, s.p99, s.min, s.max].every(Number.isInteger);
  const f = (v: number) => formatValue(v, ints);
  const vs = row.vsBaseline
    ? `${formatValue(row.vsBaseline.ratio)}× ${row.vsBaseline.meaning}`.trimEnd()
    : '';
  return [
    row.scenario,
    row.metric,
    row.unit,
    String(s.n),
    f(s.median),
    f(s.p95),
    f(s.p99),
    s.n === 0 ? '—' : `${f(s.min)}–${f(s.max)}`,
    vs,
  ];
}

/** Renders rows as an aligned plain-text table (also valid inside a Markdown code block). */
export function renderTable(rows: readonly MetricRow[]): string {
  const body = rows.map(cells);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (RIGHT_ALIGNED.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(HEADERS), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** One bench: title, table, target verdicts and notes. */
export function renderBench(b: BenchReport): string {
  const out = [
    `== ${b.name}: ${b.title} (${(b.durationMs / 1000).toFixed(1)} s) ==`,
    renderTable(b.rows),
  ];
  if (b.targets.length > 0) {
    out.push('', 'targets:');
    for (const t of b.targets) {
      out.push(`  [${t.met ? 'met' : 'MISSED'}] ${t.target}: ${t.measured}`);
      if (t.why) out.push(`           ${t.met ? 'note' : 'why'}: ${t.why}`);
    }
  }
  if (b.notes.length > 0) {
    out.push('', 'notes:');
    for (const n of b.notes) out.push(`  - ${n}`);
  }
  return out.join('\n');
}

/** The machine header line(s) of a run. */
export function renderHeader(r: Pick<RunReport, 'machine' | 'loadAverage' | 'startedAt'>): string {
  const rev = r.machine.revision ? `, tree ${r.machine.revision}` : '';
  return [
    `machine: ${formatMachine(r.machine)}${rev}`,
    `started ${r.startedAt}; load average (1/5/15 min) at start ${r.loadAverage.start.join(' / ')}, at end ${
      r.loadAverage.end.length ? r.loadAverage.end.join(' / ') : '…'
    }`,
  ].join('\n');
}

/** File name for a run started at `startedAt` (ISO), e.g. `2026-05-01T17-02-03Z.json`. */
export function resultFileName(startedAt: string): string {
  return `${startedAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}.json`;
}

/** Writes the run as JSON into `dir` (created if missing); returns the file's path. */
export async function writeReport(r: RunReport, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, resultFileName(r.startedAt));
  await writeFile(path, `${JSON.stringify(r, null, 2)}\n`, 'utf8');
  return path;
}
