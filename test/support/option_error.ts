// The RunwayOptionError that `fn` throws; fails the test when it throws nothing or something else.
import { expect } from 'vitest';
import { RunwayOptionError } from '../../src/errors.js';

export function optionError(fn: () => unknown): RunwayOptionError {
  try {
    fn();
  } catch (error) {
    expect(RunwayOptionError.is(error)).toBe(true);
    return error as RunwayOptionError;
  }
  throw new Error('expected a RunwayOptionError');
}
