// Redaction of secrets (API key, sessionKey, LiveKit tokens, signed URLs) in recorded requests.

/** What every redacted value is replaced with. @public */
export const REDACTED = '[redacted]';

const SECRET_KEYS = new Set(['token', 'sessionKey', 'signedUrl', 'apiKey', 'apiSecret']);

/**
 * `Bearer key_…[redacted]` / `Bearer stk_…[redacted]`: keeps the scheme and the key's prefix (up
 * to its first underscore, at most 4 characters) so logs tell an API key from a sessionKey.
 */
export function redactAuthorization(value: string): string {
  const m = /^(\S+)\s+(\S*)/.exec(value);
  if (!m) return REDACTED;
  const credential = m[2] ?? '';
  const prefix = /^[a-z]{1,4}_/i.exec(credential)?.[0] ?? '';
  return `${m[1]} ${prefix}…${REDACTED}`;
}

/** Header map with lower-case names, `authorization` redacted (and `cookie`, should one come). */
export function redactHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name === 'authorization') out[name] = redactAuthorization(value);
    else if (name === 'cookie' || name === 'x-api-key') out[name] = REDACTED;
    else out[name] = value;
  });
  return out;
}

/** Deep copy of a JSON value with every `token`, `sessionKey`, `signedUrl`… member redacted. */
export function redactBody(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactBody);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEYS.has(k) && v !== undefined ? REDACTED : redactBody(v);
  }
  return out;
}
