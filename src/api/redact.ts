// Redaction of secrets from any text that came from outside (a server's error body, a low-level error
// message) before it enters an error or a log line. Two nets: the secrets this process knows (the API key,
// sessionKeys, LiveKit tokens and secret, registered where they enter), and the shapes of such secrets
// (`Bearer …`, `key_…`, `stk_…`, JWTs), which catch one the process never saw.

/** What a redacted secret is replaced with. */
export const REDACTED = '[redacted]';

/** Shorter strings are not registered: they would redact ordinary words. */
const MIN_SECRET_LENGTH = 8;
/** Oldest secrets are forgotten beyond this many (a long-running worker mints a token per session). */
const MAX_KNOWN = 512;

import { UUID } from './ids.js';

const known = new Set<string>();

/** Registers a secret (API key, sessionKey, token, LiveKit API secret) to be redacted from every text. */
export function rememberSecret(value: unknown): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
  // A session id is not a secret (and is needed in messages): never taken for one by mistake.
  if (UUID.test(value)) return;
  known.delete(value);
  known.add(value);
  if (known.size > MAX_KNOWN) known.delete(known.values().next().value as string);
}

const SHAPES: readonly RegExp[] = [
  /\b(Bearer|Basic)\s+[^\s"',;]+/gi,
  /\bkey_[A-Za-z0-9]{16,}/g,
  /\bstk_[A-Za-z0-9._-]{8,}/g,
  // A JWT: header.payload[.signature], base64url; LiveKit tokens and Runway's sessionKey bodies are JWTs.
  /\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}(?:\.[A-Za-z0-9_-]*)?/g,
];

/** `text` with every known secret and every secret-shaped string replaced by {@link REDACTED}. */
export function redact(text: string): string {
  let out = text;
  for (const secret of known) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  for (const shape of SHAPES)
    out = out.replace(shape, (_match, scheme: unknown) =>
      typeof scheme === 'string' && /^(Bearer|Basic)$/i.test(scheme)
        ? `${scheme} ${REDACTED}`
        : REDACTED,
    );
  return out;
}

/** A deep copy of a JSON-like value with every string {@link redact}ed (depth-limited, cycle-safe). */
export function redactDeep(value: unknown, depth = 6): unknown {
  if (typeof value === 'string') return redact(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth <= 0) return '[…]';
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth - 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[redact(k)] = redactDeep(v, depth - 1);
  return out;
}
