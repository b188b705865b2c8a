// Unit tests of the response schemas: every status variant, extra fields stripped, wrong shapes named.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  consumeResultSchema,
  createSessionResponseSchema,
  describeIssues,
  realtimeSessionSchema,
  runwayErrorBodySchema,
} from '../../../src/api/schemas.js';
import type { ConsumeResult, RealtimeSession } from '../../../src/api/types.js';

// A real compile-time check (tsc runs over test/ in `npm run typecheck`): the schemas are not annotated
// with the hand-written types, so their inferred types must match them both ways, variant by variant,
// with the same keys. A field added, dropped, renamed or retyped on either side fails the build.
type AllKeys<T> = T extends unknown ? keyof T : never;
type Same<A, B> = [A] extends [B]
  ? [B] extends [A]
    ? [Exclude<AllKeys<A>, AllKeys<B>>, Exclude<AllKeys<B>, AllKeys<A>>] extends [never, never]
      ? true
      : false
    : false
  : false;
type Variant<T, S> = Extract<T, { status: S }>;
type Inferred = z.infer<typeof realtimeSessionSchema>;
type PerStatus = {
  [S in RealtimeSession['status']]: Same<Variant<Inferred, S>, Variant<RealtimeSession, S>>;
};
const sessionTypesAgree: PerStatus = {
  NOT_READY: true,
  READY: true,
  RUNNING: true,
  COMPLETED: true,
  FAILED: true,
  CANCELLED: true,
};
const consumeTypesAgree: Same<z.infer<typeof consumeResultSchema>, ConsumeResult> = true;
const createTypesAgree: Same<z.infer<typeof createSessionResponseSchema>, { id: string }> = true;
// The check can fail: a schema that drifted (a renamed field, an extra one) is told apart at compile time.
const drifted = z.object({ url: z.string(), token: z.string(), room: z.string() });
const driftDetected: Same<z.infer<typeof drifted>, ConsumeResult> = false;
const extra = z.object({
  url: z.string(),
  token: z.string(),
  roomName: z.string(),
  x: z.number().optional(),
});
const extraDetected: Same<z.infer<typeof extra>, ConsumeResult> = false;

const id = '8f0c2b7e-3c1a-4d5e-9f00-1234567890ab';
const createdAt = '2026-05-08T19:50:32.535Z';

const variants: RealtimeSession[] = [
  { id, createdAt, status: 'NOT_READY' },
  { id, createdAt, status: 'NOT_READY', queued: true },
  { id, createdAt, status: 'READY', expiresAt: '2026-05-08T19:55:32Z', sessionKey: 'stk_abc.def' },
  { id, createdAt, status: 'RUNNING' },
  { id, createdAt, status: 'COMPLETED', duration: 317 },
  {
    id,
    createdAt,
    status: 'FAILED',
    failure: 'No participants joined the session',
    failureCode: 'TALKING_AVATAR.NO_PARTICIPANT',
  },
  { id, createdAt, status: 'CANCELLED' },
];

function issuesOf(schema: z.ZodType, value: unknown): string {
  const result = schema.safeParse(value);
  expect(result.success).toBe(false);
  return result.success ? '' : describeIssues(result.error);
}

describe('realtimeSessionSchema', () => {
  it('agrees with the RealtimeSession type (checked by tsc; see Same<> above)', () => {
    expect(Object.values(sessionTypesAgree).every(Boolean)).toBe(true);
    expect([consumeTypesAgree, createTypesAgree, driftDetected, extraDetected]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  for (const variant of variants) {
    it(`parses ${variant.status}${'queued' in variant ? ' (queued)' : ''}`, () => {
      expect(realtimeSessionSchema.parse(variant)).toEqual(variant);
    });
  }

  it('strips unknown fields instead of failing', () => {
    const parsed = realtimeSessionSchema.parse({ id, createdAt, status: 'RUNNING', extra: 1 });
    expect(parsed).toEqual({ id, createdAt, status: 'RUNNING' });
  });

  it("accepts a date-time without seconds, as Runway's pattern does", () => {
    expect(
      realtimeSessionSchema.safeParse({ id, createdAt: '2026-05-08T19:50Z', status: 'RUNNING' })
        .success,
    ).toBe(true);
  });

  it('names the missing field of a variant', () => {
    expect(
      issuesOf(realtimeSessionSchema, { id, createdAt, status: 'READY', expiresAt: createdAt }),
    ).toMatch(/^sessionKey: /);
    expect(issuesOf(realtimeSessionSchema, { id, createdAt, status: 'COMPLETED' })).toMatch(
      /^duration: /,
    );
    expect(
      issuesOf(realtimeSessionSchema, { id, createdAt, status: 'FAILED', failure: 'x' }),
    ).toMatch(/^failureCode: /);
  });

  it('names mistyped fields and an unknown status', () => {
    expect(
      issuesOf(realtimeSessionSchema, { id, createdAt, status: 'COMPLETED', duration: '3' }),
    ).toMatch(/duration: .*expected number/);
    expect(issuesOf(realtimeSessionSchema, { id, createdAt, status: 'THROTTLED' })).toMatch(
      /^status: .*NOT_READY/,
    );
    expect(issuesOf(realtimeSessionSchema, { id: 'nope', createdAt, status: 'RUNNING' })).toMatch(
      /^id: expected a UUID/,
    );
    expect(
      issuesOf(realtimeSessionSchema, { id, createdAt: '2026-05-08 19:50', status: 'RUNNING' }),
    ).toMatch(/^createdAt: /);
    expect(issuesOf(realtimeSessionSchema, 'READY')).toMatch(/^\(body\): /);
  });

  it('never echoes a sessionKey in its messages', () => {
    const message = issuesOf(realtimeSessionSchema, {
      id,
      createdAt: 12,
      status: 'READY',
      expiresAt: createdAt,
      sessionKey: 'stk_SECRET_VALUE',
    });
    expect(message).toMatch(/createdAt/);
    expect(message).not.toContain('stk_SECRET_VALUE');
  });
});

describe('other response schemas', () => {
  it('create response: a UUID of any version (a v7 too), extra fields stripped', () => {
    expect(createSessionResponseSchema.parse({ id, more: true })).toEqual({ id });
    expect(issuesOf(createSessionResponseSchema, {})).toMatch(/^id: /);
    for (const other of [
      '8f0c2b7e-3c1a-1d5e-9f00-1234567890ab', // v1
      '019a2b3c-4d5e-7f00-8a1b-2c3d4e5f6a7b', // v7
    ])
      expect(createSessionResponseSchema.parse({ id: other })).toEqual({ id: other });
    expect(issuesOf(createSessionResponseSchema, { id: 'sess_123' })).toMatch(
      /id: expected a UUID/,
    );
  });

  it('consume result: url, token, roomName', () => {
    const ok = { url: 'wss://x.livekit.cloud', token: 'jwt', roomName: 'room' };
    expect(consumeResultSchema.parse({ ...ok, extra: 1 })).toEqual(ok);
    expect(issuesOf(consumeResultSchema, { ...ok, token: '' })).toMatch(/^token: /);
    expect(issuesOf(consumeResultSchema, { ...ok, url: 'not a url' })).toMatch(/^url: /);
    expect(issuesOf(consumeResultSchema, { url: ok.url, token: ok.token })).toMatch(/^roomName: /);
  });

  it('error body: error, optional issues (extra members kept) and docUrl', () => {
    const body = {
      error: 'Validation of body failed',
      issues: [
        { code: 'invalid_type', path: ['model'], message: 'Invalid input', expected: 'string' },
      ],
      docUrl: 'https://docs.dev.runwayml.com/api',
    };
    expect(runwayErrorBodySchema.parse(body)).toEqual(body);
    expect(runwayErrorBodySchema.parse({ error: 'Unrecognized key: livekit' })).toEqual({
      error: 'Unrecognized key: livekit',
    });
    expect(issuesOf(runwayErrorBodySchema, { message: 'x' })).toMatch(/^error: /);
  });
});
