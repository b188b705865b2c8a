import { describe, expect, it } from 'vitest';
import {
  encodeRpcResult,
  isRunwayWorker,
  MAX_RESULT_BYTES,
  parseRpcArgs,
} from '../../../src/tools/rpc_call.js';

describe('backend RPC calls', () => {
  it('accepts only Runway’s worker as a caller', () => {
    expect(isRunwayWorker('worker:3f1c2b7e-0000-4000-8000-000000000000')).toBe(true);
    expect(isRunwayWorker('user')).toBe(false);
    expect(isRunwayWorker('Worker:x')).toBe(false);
    expect(isRunwayWorker('backend:worker:x')).toBe(false);
  });

  it('reads the arguments from `args`, or from the payload itself', () => {
    expect(parseRpcArgs('{"args":{"city":"Paris"}}')).toEqual({ city: 'Paris' });
    expect(parseRpcArgs('{"city":"Paris"}')).toEqual({ city: 'Paris' });
    expect(parseRpcArgs('{"args":null,"city":"Oslo"}')).toEqual({ args: null, city: 'Oslo' });
    expect(parseRpcArgs('')).toEqual({});
  });

  it('refuses a payload that is not JSON, or arguments that are not an object', () => {
    expect(parseRpcArgs('{oops')).toBeUndefined();
    expect(parseRpcArgs('[1,2]')).toBeUndefined();
    expect(parseRpcArgs('{"args":[1]}')).toBeUndefined();
    expect(parseRpcArgs('"text"')).toBeUndefined();
  });

  it('encodes results as JSON, undefined as null', () => {
    expect(encodeRpcResult({ time: '10:00' })).toEqual({ ok: true, payload: '{"time":"10:00"}' });
    expect(encodeRpcResult(undefined)).toEqual({ ok: true, payload: 'null' });
    expect(encodeRpcResult('hi')).toEqual({ ok: true, payload: '"hi"' });
  });

  it('refuses a result that is not JSON or too large for LiveKit RPC', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(encodeRpcResult(circular)).toEqual({ ok: false, failure: 'notSerializable' });
    expect(encodeRpcResult(10n)).toEqual({ ok: false, failure: 'notSerializable' });
    expect(encodeRpcResult(() => 1)).toEqual({ ok: false, failure: 'notSerializable' });
    expect(encodeRpcResult('x'.repeat(MAX_RESULT_BYTES))).toEqual({
      ok: false,
      failure: 'tooLarge',
    });
    expect(encodeRpcResult('x'.repeat(MAX_RESULT_BYTES - 2)).ok).toBe(true);
  });
});
