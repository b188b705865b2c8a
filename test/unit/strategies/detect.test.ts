// Auto-detection: falls through only on the typed errors strategies raise (a refused shape, an unreachable
// LiveKit URL) and caches the verdict per base URL.
import { afterEach, describe, expect, it } from 'vitest';
import {
  RunwayAPIError,
  RunwayOptionError,
  RunwayUnreachableLiveKitError,
  RunwayUnsupportedShapeError,
} from '../../../src/errors.js';
import {
  cachedVerdict,
  isShapeRefusal,
  recordSuccess,
  resetStrategyCache,
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

/** What a strategy throws when Runway refuses its shape. */
const shapeError = (name: StrategyName) => new RunwayUnsupportedShapeError(name, refusal(name));

const ctx = (baseUrl: string) => ({ client: { baseUrl } }) as unknown as StrategyContext;

afterEach(() => resetStrategyCache());

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
    expect(cachedVerdict('u2')).toBe('hosted');
    calls.length = 0;
    expect((await startAuto(ctx('u2'), strategies)).strategy).toBe('hosted');
    expect(calls).toEqual(['hosted']);
  });

  it('caches per base URL', async () => {
    const { strategies } = fakeStrategies({ integration: shapeError('integration') });
    await startAuto(ctx('u3'), strategies);
    expect(cachedVerdict('u3')).toBe('livekit');
    expect(cachedVerdict('other')).toBeUndefined();
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
    expect(cachedVerdict('u4')).toBeUndefined();
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
    expect(cachedVerdict('u6')).toBeUndefined();
  });

  it('upgrades a cached verdict when a richer shape succeeds, never downgrades', () => {
    recordSuccess('u7', 'hosted', 'test');
    recordSuccess('u7', 'livekit', 'test');
    expect(cachedVerdict('u7')).toBe('livekit');
    recordSuccess('u7', 'hosted', 'test');
    expect(cachedVerdict('u7')).toBe('livekit');
  });

  it('expires verdicts', () => {
    recordSuccess('u8', 'hosted', 'test');
    expect(cachedVerdict('u8', Date.now() + 2 * 60 * 60 * 1000)).toBeUndefined();
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
