// Entry of `npm run bench`: runs the chosen benches, prints the table and targets, writes the raw JSON.
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { initializeLogger } from '@livekit/agents';
import { BENCHES } from './benches.js';
import { parseCli, selectBenches, USAGE } from './lib/cli.js';
import { describeMachine, loadAverage } from './lib/machine.js';
import {
  type BenchReport,
  type RunReport,
  renderBench,
  renderHeader,
  writeReport,
} from './lib/report.js';

async function main(argv: string[]): Promise<number> {
  let cli: ReturnType<typeof parseCli>;
  let benches: typeof BENCHES;
  try {
    cli = parseCli(argv);
    benches = selectBenches(BENCHES, cli.only);
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (cli.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (cli.list) {
    for (const b of BENCHES) process.stdout.write(`${b.name.padEnd(12)} ${b.title}\n`);
    return 0;
  }
  // The plugin logs through @livekit/agents' logger; keep it quiet unless asked (LOG_LEVEL=debug).
  initializeLogger({ pretty: false, level: process.env.LOG_LEVEL ?? 'silent' });

  const report: RunReport = {
    startedAt: new Date().toISOString(),
    finishedAt: '',
    argv,
    machine: describeMachine(),
    loadAverage: { start: loadAverage(), end: [] },
    benches: [],
  };
  process.stdout.write(`${renderHeader(report)}\n`);
  if (cli.quick) process.stdout.write('quick run: small counts, figures not meaningful\n');
  const progress = (message: string) => process.stderr.write(`… ${message}\n`);
  let failed = false;
  for (const bench of benches) {
    const t0 = performance.now();
    try {
      const result = await bench.run({ runs: cli.runs, quick: cli.quick, progress });
      const entry: BenchReport = {
        name: bench.name,
        title: bench.title,
        durationMs: performance.now() - t0,
        ...result,
      };
      report.benches.push(entry);
      process.stdout.write(`\n${renderBench(entry)}\n`);
    } catch (error) {
      failed = true;
      process.stderr.write(`bench ${bench.name} failed: ${(error as Error).stack ?? error}\n`);
    }
  }
  report.finishedAt = new Date().toISOString();
  report.loadAverage.end = loadAverage();
  process.stdout.write(
    `\nload average (1/5/15 min) at end ${report.loadAverage.end.join(' / ')}\n`,
  );
  const path = await writeReport(report, resolve(cli.outDir));
  process.stdout.write(`raw results: ${path}\n`);
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
