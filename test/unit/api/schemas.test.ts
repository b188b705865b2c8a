// Unit tests of the response schemas: every status variant, extra fields stripped, wrong shapes named.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import {
  consumeResultSchema,
  createSessionResponseSchema,
  describeIssues,
  realtimeSessionSchema,
  runwayErrorBodySchema,
} from '../../../src/api/schemas.js';
import type { ConsumeResult, RealtimeSession } from '../../../src/api/types.js';

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
  it('agrees with the RealtimeSession type', () => {
    expectTypeOf<z.infer<typeof realtimeSessionSchema>>().toEqualTypeOf<RealtimeSession>();
    expectTypeOf<z.infer<typeof consumeResultSchema>>().toEqualTypeOf<ConsumeResult>();
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
      /^id: expected a UUID v4/,
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
  it('create response: a UUID v4 id, extra fields stripped', () => {
    expect(createSessionResponseSchema.parse({ id, more: true })).toEqual({ id });
    expect(issuesOf(createSessionResponseSchema, {})).toMatch(/^id: /);
    expect(
      issuesOf(createSessionResponseSchema, { id: '8f0c2b7e-3c1a-1d5e-9f00-1234567890ab' }),
    ).toMatch(/UUID v4/);
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
