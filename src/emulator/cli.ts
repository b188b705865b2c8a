#!/usr/bin/env node
// The runway-emulator command: starts the emulator, prints its URL and key, logs one line per request.
import { CLI_HELP, type CliCommand, type CliToolCommand, parseCli } from './cli_args.js';
import { CONTROL_PREFIX } from './control.js';
import { type RunningEmulator, startEmulator } from './index.js';

function fail(message: string): never {
  process.stderr.write(`runway-emulator: ${message} (see --help)\n`);
  process.exit(2);
}

/** `call-tool` / `client-event`: one request to a running emulator's control route. */
async function runToolCommand(command: CliToolCommand): Promise<void> {
  const what = command.action === 'call' ? 'tool_calls' : 'client_events';
  const path = `${CONTROL_PREFIX}/realtime_sessions/${encodeURIComponent(command.sessionId)}/${what}`;
  const res = await fetch(`${command.url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${command.apiKey}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ tool: command.tool, args: command.args, unchecked: command.unchecked }),
  });
  const text = await res.text();
  if (res.ok) {
    process.stdout.write(text === '' ? `sent ${command.tool}\n` : `${text}\n`);
    return;
  }
  let error = text;
  try {
    error = String((JSON.parse(text) as { error?: unknown }).error ?? text);
  } catch {
    // not JSON: shown as it came
  }
  process.stderr.write(`runway-emulator: ${res.status} ${error}\n`);
  process.exit(1);
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
  if (command.kind === 'tool') return runToolCommand(command);
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
