// Entry of `npm run bench`: runs the chosen benches, prints the table and targets, writes the raw JSON.
// Benches with real rooms run in a private network namespace (the whole run re-executes itself there).
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ensureLiveKitServerBinary, REPO_ROOT } from '../scripts/lib/livekit_server_binary.js';
import { canUsePrivateNetns, NETNS_ENV_FLAG, rerunInPrivateNetns } from '../scripts/lib/netns.js';
import { parseCli, selectBenches, USAGE } from './lib/cli.js';
import { describeMachine, loadAverage } from './lib/machine.js';
import {
  type BenchReport,
  type RunReport,
  renderBench,
  renderHeader,
  writeReport,
} from './lib/report.js';

/*
 * Environment:
 *   BENCH_NETNS=0   stay on the host network even for benches with rooms (servers still listen on
 *                   127.0.0.1 only, but libwebrtc gathers the host's interface addresses).
 *   LOG_LEVEL       the plugin's log level (default silent), on stderr.
 */

async function main(argv: string[]): Promise<number> {
  // rtc-node logs at debug level unless NODE_ENV=production; it reads it when first loaded (below).
  process.env['NODE_ENV'] ??= 'production';
  const { BENCHES } = await import('./benches.js');
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
  let network = 'no rooms';
  if (benches.some((b) => b.rooms)) {
    if (process.env[NETNS_ENV_FLAG] === '1') network = 'private network namespace';
    else {
      // Outside the namespace: the binary may have to be built (Go module proxy) first.
      await ensureLiveKitServerBinary();
      const probe =
        process.env['BENCH_NETNS'] === '0'
          ? { ok: false, reason: 'BENCH_NETNS=0' }
          : await canUsePrivateNetns();
      if (probe.ok) {
        process.stderr.write('… re-running inside a private network namespace (lo + veth only)\n');
        return rerunInPrivateNetns(fileURLToPath(import.meta.url), argv, {
          cwd: REPO_ROOT,
          label: 'bench',
        });
      }
      network = 'host network (servers on 127.0.0.1 only)';
      process.stderr.write(
        `note: cannot use a private network namespace (${probe.reason}); benches with rooms run on the host network (servers listen on 127.0.0.1 only)\n`,
      );
    }
  }
  // The plugin logs through @livekit/agents' logger; keep it quiet unless asked (LOG_LEVEL=debug).
  const { initializeLogger } = await import('@livekit/agents');
  initializeLogger({ pretty: false, level: process.env['LOG_LEVEL'] ?? 'silent' });

  const report: RunReport = {
    startedAt: new Date().toISOString(),
    finishedAt: '',
    argv,
    machine: describeMachine(),
    loadAverage: { start: loadAverage(), end: [] },
    benches: [],
  };
  process.stdout.write(`${renderHeader(report)}\nnetwork: ${network}\n`);
  if (cli.quick) process.stdout.write('quick run: small counts, figures not meaningful\n');
  const progress = (message: string) => process.stderr.write(`… ${message}\n`);
  let failed = false;
  const runStart = performance.now();
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
      // Written after every bench: a later bench that brings the process down loses only itself.
      await writeReport(report, resolve(cli.outDir));
    } catch (error) {
      failed = true;
      process.stderr.write(`bench ${bench.name} failed: ${(error as Error).stack ?? error}\n`);
    }
  }
  report.finishedAt = new Date().toISOString();
  report.loadAverage.end = loadAverage();
  process.stdout.write(
    `\nwall time ${((performance.now() - runStart) / 1000).toFixed(0)} s; load average (1/5/15 min) at end ${report.loadAverage.end.join(' / ')}\n`,
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
