// Command line of `npm run bench`: --only, --runs, --quick, --out, --list, --help.
import { parseArgs } from 'node:util';

/** Parsed command line. */
export interface CliOptions {
  /** Bench names to run, in the order given; undefined = every bench. */
  only: string[] | undefined;
  /** Samples per scenario; undefined = each bench's default. */
  runs: number | undefined;
  quick: boolean;
  /** Directory of the JSON results. */
  outDir: string;
  list: boolean;
  help: boolean;
}

/** Help text. */
export const USAGE = `usage: npm run bench -- [options]

  --only a,b     run only these benches (see --list), in this order
  --runs N       samples per scenario (each bench says what one sample is); default per bench
  --quick        small counts: a smoke run, figures not meaningful
  --out DIR      where the raw JSON goes (default bench-results/)
  --list         list the benches and exit
  --help         this text`;

/** Parses the arguments after `--`; throws an Error with a one-line message on bad input. */
export function parseCli(argv: readonly string[]): CliOptions {
  const { values, positionals } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      only: { type: 'string' },
      runs: { type: 'string' },
      quick: { type: 'boolean', default: false },
      out: { type: 'string', default: 'bench-results' },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (positionals.length > 0) throw new Error(`unexpected argument ${positionals[0]}`);
  let runs: number | undefined;
  if (values.runs !== undefined) {
    runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1) {
      throw new Error(`--runs must be a whole number >= 1 (got ${values.runs})`);
    }
  }
  let only: string[] | undefined;
  if (values.only !== undefined) {
    only = values.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (only.length === 0) throw new Error('--only needs at least one bench name');
  }
  return {
    only,
    runs,
    quick: values.quick ?? false,
    outDir: values.out ?? 'bench-results',
    list: values.list ?? false,
    help: values.help ?? false,
  };
}

/** Picks the named benches in the order asked; throws naming unknown ones and what exists. */
export function selectBenches<T extends { name: string }>(
  all: readonly T[],
  only: readonly string[] | undefined,
): T[] {
  if (!only) return [...all];
  const unknown = only.filter((n) => !all.some((b) => b.name === n));
  if (unknown.length > 0) {
    throw new Error(
      `unknown bench ${unknown.join(', ')}; available: ${all.map((b) => b.name).join(', ')}`,
    );
  }
  return [...new Set(only)].map((n) => all.find((b) => b.name === n)!);
}
