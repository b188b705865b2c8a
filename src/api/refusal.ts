// Recognising Runway's refusal of an unknown top-level body key by meaning, not by one exact text: the
// refusal comes from zod, whose wording differs between zod 3 and zod 4 and between one and several keys.
// Pure: no I/O, every wording is unit-tested.
import { RunwayAPIError } from '../errors.js';

/** What `isUnrecognizedKeyRefusal` reads of an error (a `RunwayAPIError`, or any object shaped so). */
interface RefusalLike {
  statusCode?: unknown;
  runwayError?: unknown;
  issues?: unknown;
}

/**
 * `Unrecognized key: livekit` (Runway today), `Unrecognized key: "livekit"` and `Unrecognized keys: "a",
 * "b"` (zod 4), `Unrecognized key(s) in object: 'a', 'b'` (zod 3). The list runs to the end of the text
 * or of its sentence.
 */
const WORDING = /unrecognized key(?:s|\(s\))?(?: in object)?\s*:\s*([^\n;]*)/i;

/** The keys a refusal text names, unquoted, in order (empty when the text is not such a refusal). */
export function keysNamedByRefusal(text: string): string[] {
  const match = WORDING.exec(text);
  if (!match?.[1]) return [];
  return match[1]
    .replace(/\.\s*$/, '')
    .split(/\s*,\s*|\s+and\s+/)
    .map((k) => k.trim().replace(/^["'`]|["'`]$/g, ''))
    .filter((k) => k !== '');
}

/** True when zod issues carry `unrecognized_keys` naming `key` at the top level of the body. */
function issuesRefuseKey(issues: unknown, key: string): boolean {
  if (!Array.isArray(issues)) return false;
  return issues.some((issue: unknown) => {
    if (typeof issue !== 'object' || issue === null) return false;
    const i = issue as { code?: unknown; path?: unknown; keys?: unknown };
    const topLevel = i.path === undefined || (Array.isArray(i.path) && i.path.length === 0);
    return (
      i.code === 'unrecognized_keys' && topLevel && Array.isArray(i.keys) && i.keys.includes(key)
    );
  });
}

/**
 * True when `error` is a 400 by which the API refuses the top-level body key `key` as unknown: its error
 * text names the key (quoted or not, alone or in a list, zod 3 or zod 4 wording), or its `issues` carry
 * `unrecognized_keys` for that key at the top level. False for every other error, a 400 included: another
 * key refused, the key refused below the top level, or a validation error of the key's content.
 */
export function isUnrecognizedKeyRefusal(error: unknown, key: string): boolean {
  if (!RunwayAPIError.is(error)) return false;
  const e = error as RefusalLike;
  if (e.statusCode !== 400) return false;
  if (issuesRefuseKey(e.issues, key)) return true;
  return typeof e.runwayError === 'string' && keysNamedByRefusal(e.runwayError).includes(key);
}
