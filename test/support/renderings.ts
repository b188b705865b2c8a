// Every way an error reaches a log, a terminal or a report: where a leaked secret would show.
import { inspect } from 'node:util';

/** The texts an error renders to: message, stack, String(), JSON (itself and its cause), util.inspect. */
export function renderings(err: unknown): string[] {
  const e = err as Error;
  return [
    String(e.message),
    String(e.stack),
    String(e),
    JSON.stringify(e),
    JSON.stringify(e.cause ?? null),
    inspect(e, { depth: 10 }),
    inspect(e, { depth: 10, showHidden: true }),
  ];
}
