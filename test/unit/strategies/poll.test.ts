// The READY poll schedule: dense inside the expected window, within the request budget, learning from history.
import { beforeEach, describe, expect, it } from 'vitest';
import {
  RunwayAPIError,
  RunwayAvatarError,
  RunwayConnectionError,
  RunwayTimeoutError,
} from '../../../src/errors.js';
import { Learning } from '../../../src/learning/cache.js';
import {
  DENSE_INTERVAL_MS,
  isTransientFailure,
  MAX_INTERVAL_MS,
  MAX_RATE_PER_S,
  nextPollDelay,
  pollUntilReady,
  recordProvisioning as recordIn,
  expectedWindow as windowIn,
} from '../../../src/strategies/poll.js';

/** Simulates the schedule for a session that becomes READY at `readyAt`: polls made and detection delay. */
function simulate(readyAt: number, window: [number, number]) {
  let t = 0;
  let polls = 0;
  for (;;) {
    t += nextPollDelay(t, polls, window);
    polls++;
    if (t >= readyAt) return { polls, delay: t - readyAt, at: t };
  }
}

// A fresh, memory-only history per test.
let history: Learning;
beforeEach(() => {
  history = new Learning();
});
const expectedWindow = (baseUrl: string) => windowIn(baseUrl, history);
const recordProvisioning = (baseUrl: string, lo: number | undefined, hi: number) =>
  recordIn(baseUrl, lo, hi, history);

describe('nextPollDelay', () => {
  it('waits for the window, then polls densely, then backs off', () => {
    expect(nextPollDelay(0, 0, [1400, 2200])).toBe(1400);
    expect(nextPollDelay(0, 0, [100, 200])).toBe(500); // budget: first poll no earlier than 0.5 s
    expect(nextPollDelay(1500, 1, [1400, 2200])).toBeCloseTo(700 / 3); // 3 affordable polls spread over 700 ms
    expect(nextPollDelay(1500, 1, [1400, 1600])).toBe(DENSE_INTERVAL_MS);
    expect(nextPollDelay(1500, 3, [1400, 2200])).toBe(700); // the last affordable poll closes the window
    expect(nextPollDelay(6000, 5, [1400, 2200])).toBe(MAX_INTERVAL_MS);
  });

  it.each([1500, 1700, 1800, 1900, 2000])(
    'notices READY at %i ms within ~100 ms at ≤ 2 req/s',
    (readyAt) => {
      const r = simulate(readyAt, expectedWindow('fresh'));
      expect(r.delay).toBeLessThanOrEqual(DENSE_INTERVAL_MS + 50);
      expect(r.polls / (r.at / 1000)).toBeLessThanOrEqual(MAX_RATE_PER_S + 1e-9);
    },
  );

  it('never exceeds the budget even when READY comes late', () => {
    const r = simulate(9000, expectedWindow('fresh'));
    expect(r.polls / (r.at / 1000)).toBeLessThanOrEqual(MAX_RATE_PER_S + 1e-9);
    expect(r.delay).toBeLessThanOrEqual(MAX_INTERVAL_MS);
  });

  it('spreads polls over a learnt window that varies (Runway: 1.5–2 s)', () => {
    recordProvisioning('v', 1480, 1520);
    recordProvisioning('v', 1980, 2050);
    const window = expectedWindow('v');
    const delays = [1500, 1600, 1700, 1800, 1900, 2000].map((t) => simulate(t, window).delay);
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    expect(mean).toBeLessThanOrEqual(DENSE_INTERVAL_MS + 50);
    for (const t of [1500, 1750, 2000]) {
      const r = simulate(t, window);
      expect(r.polls / (r.at / 1000)).toBeLessThanOrEqual(MAX_RATE_PER_S + 1e-9);
    }
  });

  it('a window that opened too late moves earlier instead of holding (READY seen at its first poll)', () => {
    // Learnt from late sessions, the window opens at ~2150 ms; READY then comes at 1500–1800 ms.
    for (let i = 0; i < 8; i++) recordProvisioning('late', 2100 + i, 2200 + i);
    const first = expectedWindow('late')[0];
    let window = expectedWindow('late');
    for (let round = 0; round < 8; round++) {
      window = expectedWindow('late');
      const r = simulate(1600, window);
      recordProvisioning('late', r.polls > 1 ? r.at - 100 : undefined, r.at);
    }
    expect(first).toBeGreaterThan(2000);
    expect(window[0]).toBeLessThanOrEqual(1600);
    expect(simulate(1600, window).delay).toBeLessThanOrEqual(DENSE_INTERVAL_MS + 50);
  });

  it('narrows the window from observed provisioning times', () => {
    expect(expectedWindow('u')).toEqual([1600, 2100]);
    recordProvisioning('u', 2000, 2060);
    recordProvisioning('u', 2040, 2100);
    expect(expectedWindow('u')).toEqual([2015, 2085]); // steady: the intervals' intersection
    recordProvisioning('w', undefined, 2100); // READY at the first poll: only an upper bound
    expect(expectedWindow('w')).toEqual([1800, 2150]); // so the window also reaches earlier
    const r = simulate(2050, expectedWindow('u'));
    expect(r.polls).toBeLessThanOrEqual(4);
  });
});

describe('pollUntilReady budgets', () => {
  const ID = '8f0c2b7e-3c1a-4d5e-9f00-1234567890ab';
  const READY = {
    id: ID,
    createdAt: '',
    status: 'READY' as const,
    sessionKey: 'sk',
    expiresAt: new Date(Date.now() + 60_000).toISOString(),
  };
  /** A client answering retrieves from `script(n)` (n = 1-based call), honouring the request's signal. */
  function client(script: (n: number, signal?: AbortSignal) => Promise<unknown>) {
    let n = 0;
    return {
      baseUrl: 'budget-test',
      retrieveSession: (_id: string, opts?: { signal?: AbortSignal }) => script(++n, opts?.signal),
      get calls() {
        return n;
      },
    };
  }
  const hang = (signal?: AbortSignal) =>
    new Promise((_, reject) =>
      signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true }),
    );

  it('a hanging retrieve is cut by the READY budget: READY_TIMEOUT at the budget, not after it', async () => {
    const c = client((_n, signal) => hang(signal));
    const t0 = Date.now();
    const error = await pollUntilReady(c as never, ID, {
      createdAtMs: t0,
      timeoutMs: 1500,
    }).catch((e: unknown) => e);
    expect(RunwayAvatarError.is(error) && error.code).toBe('READY_TIMEOUT');
    expect(Date.now() - t0).toBeLessThan(2500);
  });

  it('transient failures inside the budget are polled through', async () => {
    const c = client(async (n) => {
      if (n <= 2)
        throw new RunwayAPIError({ statusCode: 503, request: 'GET /x', body: { error: 'busy' } });
      if (n === 3) throw new RunwayConnectionError('reset');
      return READY;
    });
    const ready = await pollUntilReady(c as never, ID, {
      createdAtMs: Date.now() - 1500,
      timeoutMs: 10_000,
    });
    expect(ready.status).toBe('READY');
    expect(c.calls).toBe(4);
  });

  it('a non-transient failure ends the poll at once', async () => {
    const c = client(async () => {
      throw new RunwayAPIError({ statusCode: 401, request: 'GET /x', body: { error: 'no' } });
    });
    await expect(
      pollUntilReady(c as never, ID, { createdAtMs: Date.now() - 1500, timeoutMs: 10_000 }),
    ).rejects.toBeInstanceOf(RunwayAPIError);
    expect(c.calls).toBe(1);
  });

  it("the owner's abort stops the poll with the abort's reason", async () => {
    const c = client((_n, signal) => hang(signal));
    const controller = new AbortController();
    const reason = new Error('closed');
    setTimeout(() => controller.abort(reason), 100);
    await expect(
      pollUntilReady(c as never, ID, {
        createdAtMs: Date.now() - 1500,
        timeoutMs: 10_000,
        signal: controller.signal,
      }),
    ).rejects.toBe(reason);
  });

  it('isTransientFailure: 408, 429, 5xx, connection and timeout errors only', () => {
    const api = (statusCode: number) =>
      new RunwayAPIError({ statusCode, request: 'GET /x', body: null });
    expect([408, 429, 500, 502, 503].map((s) => isTransientFailure(api(s)))).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect([400, 401, 404].map((s) => isTransientFailure(api(s)))).toEqual([false, false, false]);
    expect(isTransientFailure(new RunwayConnectionError('x'))).toBe(true);
    expect(isTransientFailure(new RunwayTimeoutError('x'))).toBe(true);
    expect(isTransientFailure(new Error('x'))).toBe(false);
  });
});
