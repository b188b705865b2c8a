// zod schemas of Runway's realtime-sessions responses (X-Runway-Version 2024-11-06) and error bodies.
// Lenient on unknown extra fields (stripped), strict on missing or mistyped required ones.
// The schemas are not annotated with the hand-written types of types.ts: their inferred types are checked
// against those at compile time (test/unit/api/schemas.test.ts), so a drift on either side fails the build.
import { z } from 'zod';
import type { RunwayIssue } from '../errors.js';
import { UUID } from './ids.js';

/** ISO-8601 date-time in UTC as Runway's pattern allows it: seconds and fractions optional, `Z` required. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z$/;

// Any UUID version: Runway documents v4, but an id of another version must still be usable (and cancellable).
const uuid = z.string().regex(UUID, 'expected a UUID');
const dateTime = z
  .string()
  .regex(ISO_UTC, 'expected an ISO-8601 UTC date-time ending in Z')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'expected a valid date-time');

/** `POST /v1/realtime_sessions` → 200 `{ id }`. */
export const createSessionResponseSchema = z.object({ id: uuid });

const base = { id: uuid, createdAt: dateTime };

/** `GET /v1/realtime_sessions/{id}` → 200: a union discriminated by `status`, one variant per status. */
export const realtimeSessionSchema = z.discriminatedUnion('status', [
  z.object({ ...base, status: z.literal('NOT_READY'), queued: z.boolean().optional() }),
  z.object({
    ...base,
    status: z.literal('READY'),
    expiresAt: dateTime,
    sessionKey: z.string().min(1),
  }),
  z.object({ ...base, status: z.literal('RUNNING') }),
  z.object({ ...base, status: z.literal('COMPLETED'), duration: z.number().int() }),
  z.object({ ...base, status: z.literal('FAILED'), failure: z.string(), failureCode: z.string() }),
  z.object({ ...base, status: z.literal('CANCELLED') }),
]);

/** `POST /v1/realtime_sessions/{id}/consume` → 200: credentials for Runway's own LiveKit room. */
export const consumeResultSchema = z.object({
  url: z.url(),
  token: z.string().min(1),
  roomName: z.string().min(1),
});

/** One field-level issue of a Runway 400 body (zod issue shape; extra members are kept). */
export const runwayIssueSchema: z.ZodType<RunwayIssue> = z.looseObject({
  code: z.string(),
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
});

/** Runway's error body: `{ error, issues?, docUrl? }`. */
export interface RunwayErrorBody {
  error: string;
  issues?: RunwayIssue[];
  docUrl?: string;
}

/** Runway's error body schema (`issues` only on body-validation 400s). */
export const runwayErrorBodySchema: z.ZodType<RunwayErrorBody> = z.object({
  error: z.string(),
  issues: z.array(runwayIssueSchema).optional(),
  docUrl: z.string().optional(),
});

/**
 * Formats the issues of a failed parse as `path: message; …` (at most 5), for error messages. zod's
 * messages name the expected type, never the received value, so no secret from a response is echoed.
 */
export function describeIssues(error: z.ZodError): string {
  const parts = error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.map(String).join('.') || '(body)';
    return `${path}: ${issue.message}`;
  });
  if (error.issues.length > 5) parts.push(`… ${error.issues.length - 5} more`);
  return parts.join('; ');
}
