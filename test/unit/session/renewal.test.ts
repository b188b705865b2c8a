// The owner's timing policy: when renewal opens and is forced, how long respawns wait.
import { describe, expect, it } from 'vitest';
import { renewalPlan, respawnDelayMs } from '../../../src/session/renewal.js';

describe('renewalPlan', () => {
  it('opens the window a lead before the cap and forces with a quarter of the lead left', () => {
    expect(renewalPlan(300_000, 60_000)).toEqual({ openAtMs: 240_000, forceAtMs: 285_000 });
    expect(renewalPlan(15_000, 6000)).toEqual({ openAtMs: 9000, forceAtMs: 13_500 });
  });
});

describe('respawnDelayMs', () => {
  it('doubles from 500 ms per failed attempt', () => {
    expect([1, 2, 3, 4].map(respawnDelayMs)).toEqual([500, 1000, 2000, 4000]);
  });
});
