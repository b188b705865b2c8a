#!/usr/bin/env node
// The runway-emulator command: starts the emulator, prints its URL and key, logs one line per request.
import { CLI_HELP, type CliCommand, parseCli } from './cli_args.js';
import { type RunningEmulator, startEmulator } from './index.js';

function fail(message: string): never {
  process.stderr.write(`runway-emulator: ${message} (see --help)\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let command: CliCommand;
  try {
    command = parseCli(process.argv.slice(2));
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  if (command.kind === 'help') {
    process.stdout.write(`${CLI_HELP}\n`);
    return;
  }
  let emulator: RunningEmulator;
  try {
    emulator = await startEmulator(command.options);
  } catch (err) {
    if (err instanceof TypeError) fail(err.message);
    throw err;
  }
  const out = (line: string): boolean => process.stdout.write(`${line}\n`);
  out(`runway-emulator listening on ${emulator.url} (mode ${emulator.mode})`);
  // The emulator's own dev key: printing it is the point.
  out(`RUNWAYML_BASE_URL=${emulator.url} RUNWAYML_API_SECRET=${emulator.apiKey}`);
  if (!command.quiet) {
    emulator.on('request', (e) => {
      const outcome = e.status === null ? `no response (${e.fault})` : String(e.status);
      const fault = e.fault && e.status !== null ? ` [${e.fault}]` : '';
      out(`${e.at} ${e.method} ${e.path} -> ${outcome}${fault} ${e.durationMs ?? 0}ms`);
    });
    emulator.on('status', (id, status) =>
      out(`${new Date().toISOString()} session ${id} ${status}`),
    );
  }
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void emulator.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`runway-emulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
