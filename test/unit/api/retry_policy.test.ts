// Unit tests of the pure retry rules: per-route retryability (the create rule), backoff, jitter, Retry-After.
import { describe, expect, it } from 'vitest';
import {
  type AttemptFailure,
  backoffDelayMs,
  baseBackoffMs,
  isIdempotent,
  isNeverConnectedCode,
  isRetryable,
  mayHaveTakenEffect,
  parseRetryAfterMs,
  RETRY_AFTER_CAP_MS,
  type RouteKind,
  retryDelayMs,
} from '../../../src/api/retry_policy.js';

const status = (statusCode: number): AttemptFailure => ({ kind: 'status', statusCode });
const neverConnected: AttemptFailure = {
  kind: 'connection',
  reachedServer: false,
  code: 'ECONNREFUSED',
};
const resetAfterSend: AttemptFailure = {
  kind: 'connection',
  reachedServer: true,
  code: 'ECONNRESET',
};
const timeoutConnecting: AttemptFailure = { kind: 'timeout', reachedServer: false };
const timeoutAfterSend: AttemptFailure = { kind: 'timeout', reachedServer: true };

describe('isRetryable', () => {
  it('marks GET and DELETE idempotent, the POSTs not', () => {
    expect(isIdempotent('retrieve')).toBe(true);
    expect(isIdempotent('cancel')).toBe(true);
    expect(isIdempotent('create')).toBe(false);
    expect(isIdempotent('consume')).toBe(false);
  });

  for (const route of ['retrieve', 'cancel'] as RouteKind[]) {
    it(`${route}: retries 408, 409, 429, 5xx and every connection error or timeout`, () => {
      for (const code of [408, 409, 429, 500, 501, 502, 503, 504, 599])
        expect(isRetryable(route, status(code)), String(code)).toBe(true);
      for (const failure of [neverConnected, resetAfterSend, timeoutConnecting, timeoutAfterSend])
        expect(isRetryable(route, failure)).toBe(true);
    });
    it(`${route}: never retries other 4xx`, () => {
      for (const code of [400, 401, 403, 404, 405, 410, 413, 422])
        expect(isRetryable(route, status(code)), String(code)).toBe(false);
    });
  }

  for (const route of ['create', 'consume'] as RouteKind[]) {
    it(`${route}: retries only what cannot have reached Runway, 429 and 503`, () => {
      expect(isRetryable(route, neverConnected)).toBe(true);
      expect(isRetryable(route, timeoutConnecting)).toBe(true);
      expect(isRetryable(route, status(429))).toBe(true);
      expect(isRetryable(route, status(503))).toBe(true);
    });
    it(`${route}: does not retry 500/502/504, resets or timeouts after sending, nor 4xx`, () => {
      for (const code of [500, 502, 504, 408, 409, 400, 401, 404, 422])
        expect(isRetryable(route, status(code)), String(code)).toBe(false);
      expect(isRetryable(route, resetAfterSend)).toBe(false);
      expect(isRetryable(route, timeoutAfterSend)).toBe(false);
    });
  }
});

describe('mayHaveTakenEffect', () => {
  it('is true after the request was written, and for 5xx other than 503', () => {
    expect(mayHaveTakenEffect(resetAfterSend)).toBe(true);
    expect(mayHaveTakenEffect(timeoutAfterSend)).toBe(true);
    for (const code of [500, 502, 504]) expect(mayHaveTakenEffect(status(code))).toBe(true);
  });
  it('is false when nothing can have reached Runway or Runway rejected the request', () => {
    expect(mayHaveTakenEffect(neverConnected)).toBe(false);
    expect(mayHaveTakenEffect(timeoutConnecting)).toBe(false);
    for (const code of [400, 404, 429, 503]) expect(mayHaveTakenEffect(status(code))).toBe(false);
  });
});

describe('isNeverConnectedCode', () => {
  it('knows connect-phase codes and not mid-request ones', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT'])
      expect(isNeverConnectedCode(code), code).toBe(true);
    for (const code of [
      'ECONNRESET',
      'UND_ERR_SOCKET',
      'EPIPE',
      'UND_ERR_HEADERS_TIMEOUT',
      undefined,
    ])
      expect(isNeverConnectedCode(code), String(code)).toBe(false);
  });
});

describe('backoff', () => {
  it('starts quick, then grows from retryIntervalMs/4 and is capped at 2x retryIntervalMs', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((i) => baseBackoffMs(i, 2000))).toEqual([
      200, 500, 1000, 2000, 4000, 4000, 4000,
    ]);
    expect(baseBackoffMs(0, 40)).toBe(40);
    expect(baseBackoffMs(1, 40)).toBe(10);
    expect(baseBackoffMs(3, 0)).toBe(0);
  });

  it('adds a jitter of 0 to 50 % of the base', () => {
    expect(backoffDelayMs(2, 2000, () => 0)).toBe(1000);
    expect(backoffDelayMs(2, 2000, () => 0.999999)).toBe(1500);
    expect(backoffDelayMs(2, 2000, () => 0.5)).toBe(1250);
    // Out-of-range randoms are clamped.
    expect(backoffDelayMs(2, 2000, () => 7)).toBe(1500);
    expect(backoffDelayMs(2, 2000, () => -1)).toBe(1000);
  });

  it('stays within [base, 1.5 base] with the real Math.random', () => {
    for (let i = 0; i < 500; i++) {
      const retryIndex = i % 6;
      const base = baseBackoffMs(retryIndex, 2000);
      const delay = backoffDelayMs(retryIndex, 2000);
      expect(delay).toBeGreaterThanOrEqual(base);
      expect(delay).toBeLessThanOrEqual(Math.round(base * 1.5));
    }
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delta-seconds', () => {
    expect(parseRetryAfterMs('3', now)).toBe(3000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
    expect(parseRetryAfterMs('1.5', now)).toBe(1500);
    expect(parseRetryAfterMs(['2', '9'], now)).toBe(2000);
  });
  it('reads an HTTP date relative to now, a past date giving 0', () => {
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
  });
  it('ignores garbage', () => {
    for (const value of [
      undefined,
      '',
      '  ',
      'soon',
      '-3',
      'soon 5',
      '3s',
      '0x10',
      'NaN',
      'Infinity',
    ])
      expect(parseRetryAfterMs(value, now), String(value)).toBeUndefined();
  });
});

describe('retryDelayMs', () => {
  it('lets Retry-After override the backoff, capped at 30 s by default', () => {
    expect(retryDelayMs({ retryIndex: 0, retryIntervalMs: 2000, retryAfterMs: 4000 })).toBe(4000);
    expect(retryDelayMs({ retryIndex: 0, retryIntervalMs: 2000, retryAfterMs: 3_600_000 })).toBe(
      RETRY_AFTER_CAP_MS,
    );
    expect(RETRY_AFTER_CAP_MS).toBe(30_000);
    expect(
      retryDelayMs({
        retryIndex: 0,
        retryIntervalMs: 2000,
        retryAfterMs: 9000,
        retryAfterCapMs: 500,
      }),
    ).toBe(500);
  });
  it('falls back to the jittered backoff without a positive Retry-After', () => {
    const random = () => 0;
    expect(retryDelayMs({ retryIndex: 1, retryIntervalMs: 2000, random })).toBe(500);
    expect(retryDelayMs({ retryIndex: 1, retryIntervalMs: 2000, retryAfterMs: 0, random })).toBe(
      500,
    );
  });
});
