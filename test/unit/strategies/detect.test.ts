// Auto-detection: falls through only on the typed errors strategies raise (a refused shape, an unreachable
// LiveKit URL) and caches the verdict per base URL.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import {
  RunwayAPIError,
  RunwayOptionError,
  RunwayUnreachableLiveKitError,
  RunwayUnsupportedShapeError,
} from '../../../src/errors.js';
import { Learning } from '../../../src/learning/cache.js';
import {
  cachedVerdict,
  isShapeRefusal,
  recordSuccess as recordIn,
  startAuto,
} from '../../../src/strategies/detect.js';
import { asShapeError } from '../../../src/strategies/shape.js';
import type {
  ActiveAvatar,
  Strategy,
  StrategyContext,
  StrategyName,
} from '../../../src/strategies/strategy.js';

const refusal = (key: string) =>
  new RunwayAPIError({
    statusCode: 400,
    request: 'POST /v1/realtime_sessions',
    body: { error: `Unrecognized key: ${key}` },
  });

/** A strategy double for this unit test: refuses with the given error, or succeeds. */
function fakeStrategies(behaviour: Partial<Record<StrategyName, Error>>) {
  const calls: StrategyName[] = [];
  const make = (name: StrategyName): Strategy => ({
    name,
    async start(): Promise<ActiveAvatar> {
      calls.push(name);
      const error = behaviour[name];
      if (error) throw error;
      return {
        strategy: name,
        sessionId: `s-${name}`,
        audioOutput: null as never,
        mutesAgent: false,
        end: async () => {},
        replace: () => Promise.reject(new Error('unused')),
        onLost: () => () => {},
        cutPlayout: () => {},
      };
    },
  });
  return {
    calls,
    strategies: {
      integration: make('integration'),
      livekit: make('livekit'),
      hosted: make('hosted'),
    },
  };
}

// A fresh, memory-only learning store per test (no reset functions, no shared state).
let learning: Learning;
beforeEach(() => {
  learning = new Learning();
});
const ctx = (baseUrl: string, store = learning) =>
  ({ client: { baseUrl }, learning: store }) as unknown as StrategyContext;
const verdictOf = (baseUrl: string, now = Date.now()) => cachedVerdict(baseUrl, now, learning);
const recordSuccess = (baseUrl: string, strategy: StrategyName, reason: string) =>
  recordIn(baseUrl, strategy, reason, learning);
/** What a strategy throws when Runway refuses its shape. */
const shapeError = (name: StrategyName) => new RunwayUnsupportedShapeError(name, refusal(name));

describe('startAuto', () => {
  it('uses integration when accepted', async () => {
    const { calls, strategies } = fakeStrategies({});
    expect((await startAuto(ctx('u1'), strategies)).strategy).toBe('integration');
    expect(calls).toEqual(['integration']);
  });

  it('falls back integration → livekit → hosted on refusals, then remembers', async () => {
    const { calls, strategies } = fakeStrategies({
      integration: shapeError('integration'),
      livekit: shapeError('livekit'),
    });
    expect((await startAuto(ctx('u2'), strategies)).strategy).toBe('hosted');
    expect(calls).toEqual(['integration', 'livekit', 'hosted']);
    expect(verdictOf('u2')).toBe('hosted');
    calls.length = 0;
    expect((await startAuto(ctx('u2'), strategies)).strategy).toBe('hosted');
    expect(calls).toEqual(['hosted']);
  });

  it('caches per base URL', async () => {
    const { strategies } = fakeStrategies({ integration: shapeError('integration') });
    await startAuto(ctx('u3'), strategies);
    expect(verdictOf('u3')).toBe('livekit');
    expect(verdictOf('other')).toBeUndefined();
  });

  it('surfaces any other error as it is', async () => {
    const other = new RunwayAPIError({
      statusCode: 400,
      request: 'POST /x',
      body: { error: 'Validation of body failed' },
    });
    const { calls, strategies } = fakeStrategies({ integration: other });
    await expect(startAuto(ctx('u4'), strategies)).rejects.toBe(other);
    expect(calls).toEqual(['integration']);
    expect(verdictOf('u4')).toBeUndefined();
  });

  it('falls through on the typed error only, never on an untyped refusal or a message', async () => {
    const { strategies } = fakeStrategies({ integration: refusal('integration') });
    await expect(startAuto(ctx('u5'), strategies)).rejects.toThrow(/Unrecognized key: integration/);
    const { strategies: s2 } = fakeStrategies({
      integration: new RunwayOptionError('livekitUrl', 'not public'),
    });
    await expect(startAuto(ctx('u5b'), s2)).rejects.toThrow(/not public/);
  });

  it('an explicit last strategy surfaces even a typed error', async () => {
    const { strategies } = fakeStrategies({
      integration: shapeError('integration'),
      livekit: shapeError('livekit'),
      hosted: shapeError('hosted'),
    });
    await expect(startAuto(ctx('u5c'), strategies)).rejects.toBeInstanceOf(
      RunwayUnsupportedShapeError,
    );
  });

  it('goes straight to hosted when Runway cannot reach the LiveKit URL, without caching that', async () => {
    const unreachable = new RunwayUnreachableLiveKitError('not public');
    const { calls, strategies } = fakeStrategies({ integration: unreachable });
    expect((await startAuto(ctx('u6'), strategies)).strategy).toBe('hosted');
    expect(calls).toEqual(['integration', 'hosted']);
    expect(verdictOf('u6')).toBeUndefined();
  });

  it('upgrades a cached verdict when a richer shape succeeds, never downgrades', () => {
    recordSuccess('u7', 'hosted', 'test');
    recordSuccess('u7', 'livekit', 'test');
    expect(verdictOf('u7')).toBe('livekit');
    recordSuccess('u7', 'hosted', 'test');
    expect(verdictOf('u7')).toBe('livekit');
  });

  it('expires verdicts', () => {
    recordSuccess('u8', 'hosted', 'test');
    expect(verdictOf('u8', Date.now() + 2 * 60 * 60 * 1000)).toBeUndefined();
  });

  it('a verdict learnt by one job process is used by the next one (shared store directory)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'detect-store-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const first = fakeStrategies({
      integration: shapeError('integration'),
      livekit: shapeError('livekit'),
    });
    const processA = new Learning({ dir });
    expect((await startAuto(ctx('u9', processA), first.strategies)).strategy).toBe('hosted');
    await processA.flush(); // a job lasts far longer than this background write
    const second = fakeStrategies({
      integration: shapeError('integration'),
      livekit: shapeError('livekit'),
    });
    const processB = new Learning({ dir });
    expect((await startAuto(ctx('u9', processB), second.strategies)).strategy).toBe('hosted');
    expect(second.calls).toEqual(['hosted']);
    // Without the shared directory, a new process pays detection again.
    const third = fakeStrategies({
      integration: shapeError('integration'),
      livekit: shapeError('livekit'),
    });
    await startAuto(ctx('u9', new Learning()), third.strategies);
    expect(third.calls).toEqual(['integration', 'livekit', 'hosted']);
  });

  it('recognises refusals precisely', () => {
    expect(isShapeRefusal(refusal('integration'), 'integration')).toBe(true);
    expect(isShapeRefusal(refusal('integration'), 'livekit')).toBe(false);
    expect(isShapeRefusal(refusal('livekit'), 'hosted')).toBe(false);
    expect(isShapeRefusal(new Error('Unrecognized key: livekit'), 'livekit')).toBe(false);
  });

  it("turns a refusal of the strategy's own key, and only that, into the typed error", () => {
    const typed = asShapeError(refusal('integration'), 'integration');
    expect(RunwayUnsupportedShapeError.is(typed)).toBe(true);
    expect((typed as RunwayUnsupportedShapeError).cause).toBeInstanceOf(RunwayAPIError);
    const other = refusal('livekit');
    expect(asShapeError(other, 'integration')).toBe(other);
  });
});
