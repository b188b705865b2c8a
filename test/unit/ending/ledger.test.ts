// The ledger: each session ended exactly once whoever asks first; a sweep DELETEs whatever is still alive.
import { describe, expect, it } from 'vitest';
import type { EndingClient } from '../../../src/ending/end_session.js';
import { SessionLedger } from '../../../src/ending/ledger.js';

function fakeClient() {
  const deletes: string[] = [];
  const client = {
    retrieveSession: async () => {
      throw new Error('unused');
    },
    cancelSession: async (id: string) => {
      deletes.push(id);
      return 'cancelled' as const;
    },
  } as unknown as EndingClient;
  return { client, deletes };
}

describe('SessionLedger', () => {
  it('runs the first end request only; later ones get the same outcome', async () => {
    const { client, deletes } = fakeClient();
    const ledger = new SessionLedger(client);
    ledger.opened('a');
    let runs = 0;
    const first = ledger.end('a', async () => {
      runs++;
      return 'end_call';
    });
    const second = ledger.cancel('a');
    expect(await first).toBe('end_call');
    expect(await second).toBe('end_call');
    expect(runs).toBe(1);
    expect(deletes).toEqual([]);
    expect(ledger.isAlive('a')).toBe(false);
  });

  it('runs the end synchronously (END_CALL goes out before end() returns)', () => {
    const { client } = fakeClient();
    const ledger = new SessionLedger(client);
    let sent = false;
    void ledger.end('a', async () => {
      sent = true;
      return 'end_call';
    });
    expect(sent).toBe(true);
  });

  it('a failing end falls back to DELETE; a throwing one too', async () => {
    const { client, deletes } = fakeClient();
    const ledger = new SessionLedger(client);
    expect(await ledger.end('a', () => Promise.reject(new Error('room gone')))).toBe('cancelled');
    expect(
      await ledger.end('b', () => {
        throw new Error('sync failure');
      }),
    ).toBe('cancelled');
    expect(deletes).toEqual(['a', 'b']);
  });

  it('sweep DELETEs every session still alive and waits for every end in flight', async () => {
    const { client, deletes } = fakeClient();
    const ledger = new SessionLedger(client);
    ledger.opened('a');
    ledger.opened('b');
    let release!: () => void;
    void ledger.end('a', () => new Promise((r) => (release = () => r('end_call'))));
    let swept = false;
    const sweeping = ledger.sweep().then(() => (swept = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(deletes).toEqual(['b']);
    expect(swept).toBe(false);
    release();
    await sweeping;
    expect(ledger.entries()).toEqual([
      { sessionId: 'a', outcome: 'end_call', ending: true },
      { sessionId: 'b', outcome: 'cancelled', ending: true },
    ]);
  });
});
