// The emulator's billing as the judge of a test's Runway sessions: every session created ended, each exactly
// once (one END_CALL or one DELETE), END_CALL before any DELETE, nothing READY or RUNNING, nothing billing.
import { expect } from 'vitest';
import type { RunningEmulator } from '../../../src/emulator/index.js';
import type { WorkerEvents } from './agent_harness.js';

const TERMINAL = ['COMPLETED', 'FAILED', 'CANCELLED'];

/** How each session was ended: END_CALLs its worker received and DELETEs the API received, in time order. */
export function endings(emulator: RunningEmulator, events: WorkerEvents) {
  return emulator.sessions().map((s) => ({
    id: s.id,
    status: s.status,
    endCalls: events
      .filter((e) => e.type === 'end_call' && e.sessionId === s.id)
      .map((e) => e.atMs as number),
    deletes: emulator.requests
      .filter((r) => r.method === 'DELETE' && r.path.includes(s.id))
      .map((r) => r.atMs),
  }));
}

/** Asserts the judge's rules for every session the emulator has seen. */
export function expectAllEndedOnce(emulator: RunningEmulator, events: WorkerEvents): void {
  for (const s of endings(emulator, events)) {
    const detail = JSON.stringify(s);
    expect(TERMINAL, detail).toContain(s.status);
    expect(s.endCalls.length + s.deletes.length, `ended exactly once: ${detail}`).toBe(1);
    if (s.endCalls.length > 0 && s.deletes.length > 0)
      expect(s.endCalls[0]!, `END_CALL before DELETE: ${detail}`).toBeLessThan(s.deletes[0]!);
  }
  expect(emulator.billing().sessionsBilling).toBe(0);
}

/** Asserts that nothing the emulator holds is alive (READY holds Runway's concurrency slot too). */
export function expectNothingAlive(emulator: RunningEmulator): void {
  const alive = emulator.sessions().filter((s) => !TERMINAL.includes(s.status));
  expect(alive.map((s) => `${s.id} ${s.status}`)).toEqual([]);
  expect(emulator.billing().sessionsBilling).toBe(0);
}
