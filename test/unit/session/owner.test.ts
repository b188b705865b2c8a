// The session owner with a fake strategy and a fake clock: every test asserts the set of Runway sessions
// created and how each ended (END_CALL or DELETE), through the real SessionLedger.
import { DEFAULT_API_CONNECT_OPTIONS, voice } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionLedger } from '../../../src/ending/ledger.js';
import { RunwayAvatarError } from '../../../src/errors.js';
import type { ResolvedOptions } from '../../../src/options.js';
import {
  AvatarOwner,
  type OwnerDeps,
  type OwnerRun,
  type RoomAudioSink,
} from '../../../src/session/owner.js';
import type { ActiveAvatar } from '../../../src/strategies/strategy.js';

/** A sink double: counts frames; finishes a segment when told to. */
class Sink extends voice.AudioOutput implements RoomAudioSink {
  frames = 0;
  cuts = 0;
  override async captureFrame(frame: AudioFrame): Promise<void> {
    await super.captureFrame(frame);
    this.frames++;
  }
  clearBuffer(): void {}
  async close(): Promise<void> {}
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runway's side, faked: sessions created with a delay, ended by END_CALL or DELETE, recorded in order. */
class World {
  readonly log: string[] = [];
  readonly created: string[] = [];
  readonly ended = new Map<string, 'end_call' | 'delete'>();
  createDelayMs = 100;
  showDelayMs = 50;
  /** How many of the next creates fail (before anything is created). */
  failCreates = 0;
  /** How many of the next replacements are created but never shown (then cancelled). */
  neverShown = 0;
  #n = 0;
  readonly client = {
    retrieveSession: async (id: string) => ({
      id,
      status: 'COMPLETED',
      createdAt: '',
      duration: 1,
    }),
    cancelSession: async (id: string) => {
      this.#record(id, 'delete');
      return 'cancelled' as const;
    },
  };
  readonly ledger = new SessionLedger(this.client as never);
  readonly avatars: FakeAvatar[] = [];

  #record(id: string, how: 'end_call' | 'delete'): void {
    this.log.push(`${how} ${id}`);
    if (this.ended.has(id)) throw new Error(`${id} ended twice`);
    this.ended.set(id, how);
  }

  /** What a strategy's start does: create (entered in the ledger at once), then wait until shown. */
  async startSession(signal: AbortSignal, shown = true): Promise<FakeAvatar> {
    signal.throwIfAborted();
    await sleep(this.createDelayMs);
    if (this.failCreates > 0) {
      this.failCreates--;
      throw new Error('create refused');
    }
    const id = `s${++this.#n}`;
    this.created.push(id);
    this.log.push(`create ${id}`);
    this.ledger.opened(id);
    if (signal.aborted) {
      await this.ledger.cancel(id);
      throw signal.reason;
    }
    await sleep(this.showDelayMs);
    if (!shown || signal.aborted) {
      await this.ledger.cancel(id);
      throw signal.aborted ? signal.reason : new Error('not shown');
    }
    const avatar = new FakeAvatar(this, id, signal);
    this.avatars.push(avatar);
    return avatar;
  }

  endCall(id: string): void {
    this.#record(id, 'end_call');
  }
}

class FakeAvatar implements ActiveAvatar {
  readonly strategy = 'integration' as const;
  readonly mutesAgent = false;
  readonly audioOutput = new Sink(16_000);
  readonly #lost = new Set<(reason: string) => void>();
  cuts = 0;
  constructor(
    private readonly world: World,
    readonly sessionId: string,
    private readonly signal: AbortSignal,
  ) {}
  end(_reason: string, opts?: { workerGone?: boolean }): Promise<void> {
    this.#lost.clear();
    const { world, sessionId } = this;
    return world.ledger
      .end(sessionId, async () => {
        if (opts?.workerGone) return world.client.cancelSession(sessionId);
        world.endCall(sessionId); // synchronous, like END_CALL
        return 'end_call';
      })
      .then(() => {});
  }
  async replace(): Promise<ActiveAvatar> {
    const shown = this.world.neverShown <= 0;
    if (!shown) this.world.neverShown--;
    const next = await this.world.startSession(this.signal, shown);
    await this.end('replaced');
    return next;
  }
  onLost(listener: (reason: string) => void): () => void {
    this.#lost.add(listener);
    return () => this.#lost.delete(listener);
  }
  cutPlayout(): void {
    this.cuts++;
  }
  /** The worker goes away. */
  lose(): void {
    for (const l of this.#lost) l('worker left');
  }
}

const options = (over: Partial<ResolvedOptions> = {}): OwnerDeps['options'] => ({
  renew: false,
  sessionCapMs: 10_000,
  renewLeadMs: 4000,
  onAvatarLost: 'respawn',
  respawnAttempts: 3,
  fallbackToAudioOnly: false,
  connOptions: DEFAULT_API_CONNECT_OPTIONS,
  ...over,
});

function setup(over: Partial<ResolvedOptions> = {}) {
  const world = new World();
  const events: { event: string; args: unknown[] }[] = [];
  const owner = new AvatarOwner({
    client: world.client as never,
    options: options(over),
    sessions: world.ledger,
    emit: (event, ...args) => events.push({ event, args }),
    sampleRate: 16_000,
  });
  const agent = { audioEnabled: true, closed: 0, interrupts: 0 };
  const roomAudio = new Sink(16_000);
  let roomAudioOpened = 0;
  const run: OwnerRun = {
    agentSession: {
      output: {
        setAudioEnabled: (enabled: boolean) => {
          agent.audioEnabled = enabled;
        },
      },
      close: async () => {
        agent.closed++;
        await owner.close('agent session closed');
      },
      interrupt: () => {
        agent.interrupts++;
      },
    },
    startAvatar: (signal) => world.startSession(signal),
    openRoomAudio: async () => {
      roomAudioOpened++;
      return roomAudio;
    },
  };
  return { world, owner, run, events, agent, roomAudio, roomAudioOpened: () => roomAudioOpened };
}

/** Settles `p` while the fake clock runs. */
async function run<T>(p: Promise<T>, ms = 60_000): Promise<T> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  for (let t = 0; t < ms && !done; t += 10) await vi.advanceTimersByTimeAsync(10);
  return p;
}

const frame = () => AudioFrame.create(16_000, 1, 160);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('AvatarOwner: start', () => {
  it('idle → starting → shown; close ends the one session with END_CALL', async () => {
    const { world, owner, run: r } = setup();
    expect(owner.state).toBe('idle');
    const started = owner.start(r);
    expect(owner.state).toBe('starting');
    await run(started);
    expect(owner.state).toBe('shown');
    expect(owner.active?.sessionId).toBe('s1');
    await run(owner.close('aclose'));
    expect(owner.state).toBe('ended');
    expect(world.created).toEqual(['s1']);
    expect([...world.ended]).toEqual([['s1', 'end_call']]);
  });

  it('a start that failed before anything was created may be retried on the same owner', async () => {
    const { world, owner, run: r } = setup();
    world.failCreates = 1;
    await expect(run(owner.start(r))).rejects.toThrow('create refused');
    expect(owner.state).toBe('idle');
    expect(world.created).toEqual([]);
    await run(owner.start(r));
    expect(owner.state).toBe('shown');
    await run(owner.close('aclose'));
    expect(world.created).toEqual(['s1']);
    expect([...world.ended]).toEqual([['s1', 'end_call']]);
  });

  it('a failed start ends whatever a faulty strategy left alive before the owner goes idle', async () => {
    const { world, owner, run: r } = setup();
    const leaky: OwnerRun = {
      ...r,
      startAvatar: async () => {
        world.ledger.opened('leaked');
        throw new Error('strategy failed after its create');
      },
    };
    await expect(run(owner.start(leaky))).rejects.toThrow('after its create');
    expect(owner.state).toBe('idle');
    expect([...world.ended]).toEqual([['leaked', 'delete']]);
  });

  it('a second start while one runs or after it succeeded is refused', async () => {
    const { owner, run: r } = setup();
    const first = owner.start(r);
    await expect(owner.start(r)).rejects.toMatchObject({ code: 'ALREADY_STARTED' });
    await run(first);
    await expect(owner.start(r)).rejects.toMatchObject({ code: 'ALREADY_STARTED' });
    await run(owner.close('aclose'));
  });

  it('start() after close throws CLOSED before any request', async () => {
    const { world, owner, run: r } = setup();
    await run(owner.close('aclose'));
    const error = await owner.start(r).catch((e: unknown) => e);
    expect(RunwayAvatarError.is(error) && error.code).toBe('CLOSED');
    expect(world.log).toEqual([]);
  });

  it.each([30, 100, 130])(
    'close %i ms into start: start rejects CLOSED, the session created meanwhile is DELETEd, close waits for it',
    async (atMs) => {
      const { world, owner, run: r } = setup();
      const started = owner.start(r).catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(atMs);
      let closed = false;
      const closing = owner.close('hang-up').then(() => (closed = true));
      const error = await run(started);
      expect(RunwayAvatarError.is(error) && error.code).toBe('CLOSED');
      await run(closing);
      expect(closed).toBe(true);
      expect(owner.state).toBe('ended');
      // At 30 ms the create has not returned yet (it takes 100): its session exists and is ended.
      expect(world.created).toEqual(['s1']);
      expect([...world.ended]).toEqual([['s1', 'delete']]);
    },
  );

  it('fallbackToAudioOnly: a failed start leaves the agent on room audio, and nothing alive', async () => {
    const { world, owner, run: r, roomAudioOpened } = setup({ fallbackToAudioOnly: true });
    world.failCreates = 1;
    await run(owner.start(r));
    expect(owner.state).toBe('audio-only');
    expect(owner.audioOnly).toBe(true);
    expect(roomAudioOpened()).toBe(1);
    await run(owner.close('aclose'));
    expect(world.created).toEqual([]);
  });
});

describe('AvatarOwner: renewal', () => {
  it('renews in a pause once the window opens: a new session, the old one ended', async () => {
    const { world, owner, run: r, events } = setup({ renew: true });
    await run(owner.start(r));
    await vi.advanceTimersByTimeAsync(6000); // cap 10 000 − lead 4000
    await run(new Promise((res) => setTimeout(res, 500)));
    expect(owner.active?.sessionId).toBe('s2');
    expect(owner.state).toBe('shown');
    expect(events.filter((e) => e.event === 'session_renewed')).toHaveLength(1);
    await run(owner.close('aclose'));
    expect(world.created).toEqual(['s1', 's2']);
    expect([...world.ended]).toEqual([
      ['s1', 'end_call'],
      ['s2', 'end_call'],
    ]);
  });

  it('forces the renewal at the forced time while a segment plays, and the segment goes on', async () => {
    const { world, owner, run: r } = setup({ renew: true });
    await run(owner.start(r));
    await owner.router!.captureFrame(frame()); // a segment is being captured: no pause
    await vi.advanceTimersByTimeAsync(8000);
    expect(owner.active?.sessionId).toBe('s1');
    await vi.advanceTimersByTimeAsync(1000 + 300); // forced at cap − lead/4 = 9000
    await run(new Promise((res) => setTimeout(res, 300)));
    expect(owner.active?.sessionId).toBe('s2');
    await run(owner.close('aclose'));
    expect(world.created).toEqual(['s1', 's2']);
    expect([...world.ended.keys()]).toEqual(['s1', 's2']);
  });

  it('close during a handover: the replacement is ended once created, the current by END_CALL', async () => {
    const { world, owner, run: r } = setup({ renew: true });
    await run(owner.start(r));
    world.createDelayMs = 1000;
    await vi.advanceTimersByTimeAsync(6000 + 200); // the replacement's create is in flight
    expect(owner.state).toBe('replacing');
    await run(owner.close('hang-up'));
    expect(owner.state).toBe('ended');
    expect(world.created).toEqual(['s1', 's2']);
    expect([...world.ended]).toEqual([
      ['s1', 'end_call'],
      ['s2', 'delete'],
    ]);
  });

  it('a failed renewal keeps the current session', async () => {
    const { world, owner, run: r } = setup({ renew: true });
    await run(owner.start(r));
    world.neverShown = 1;
    await vi.advanceTimersByTimeAsync(6000);
    await run(new Promise((res) => setTimeout(res, 500)));
    expect(owner.active?.sessionId).toBe('s1');
    expect(owner.state).toBe('shown');
    expect([...world.ended]).toEqual([['s2', 'delete']]);
    await run(owner.close('aclose'));
    expect([...world.ended]).toEqual([
      ['s2', 'delete'],
      ['s1', 'end_call'],
    ]);
  });
});

describe('AvatarOwner: avatar lost', () => {
  it("'respawn': speech is cut where the user stopped hearing it, a new session shows", async () => {
    const {
      world,
      owner,
      run: r,
      events,
      roomAudioOpened,
      agent,
    } = setup({
      onAvatarLost: 'respawn',
    });
    await run(owner.start(r));
    const lost = world.avatars[0]!;
    lost.lose();
    expect(lost.cuts).toBe(1); // before any await
    expect(agent.interrupts).toBe(0); // nothing was playing
    await run(new Promise((res) => setTimeout(res, 1000)));
    expect(owner.state).toBe('shown');
    expect(owner.active?.sessionId).toBe('s2');
    expect(roomAudioOpened()).toBe(1);
    expect(events.map((e) => e.event)).toEqual(['avatar_lost', 'session_renewed']);
    await run(owner.close('aclose'));
    expect([...world.ended]).toEqual([
      ['s1', 'end_call'],
      ['s2', 'end_call'],
    ]);
  });

  it('speech playing when the avatar is lost: the agent is interrupted after the cut', async () => {
    const { world, owner, run: r, agent } = setup({ onAvatarLost: 'audio-only' });
    await run(owner.start(r));
    await owner.router!.captureFrame(frame());
    owner.router!.flush(); // captured, not yet reported played
    const lost = world.avatars[0]!;
    lost.lose();
    expect(lost.cuts).toBe(1);
    expect(agent.interrupts).toBe(1);
    await run(owner.close('aclose'));
  });

  it("'audio-only': the agent goes on on room audio; the lost session is DELETEd", async () => {
    const { world, owner, run: r, agent } = setup({ onAvatarLost: 'audio-only' });
    await run(owner.start(r));
    world.avatars[0]!.lose();
    await run(new Promise((res) => setTimeout(res, 100)));
    expect(owner.state).toBe('audio-only');
    expect(owner.active).toBeUndefined();
    expect(agent.audioEnabled).toBe(true);
    await run(owner.close('aclose'));
    expect(world.created).toEqual(['s1']);
    expect([...world.ended]).toEqual([['s1', 'delete']]);
  });

  it("'close': the agent session is closed and everything ends", async () => {
    const { world, owner, run: r, agent } = setup({ onAvatarLost: 'close' });
    await run(owner.start(r));
    world.avatars[0]!.lose();
    await run(new Promise((res) => setTimeout(res, 100)));
    expect(agent.closed).toBe(1);
    expect(owner.state).toBe('ended');
    expect([...world.ended]).toEqual([['s1', 'delete']]);
  });

  it('respawn gives up after respawnAttempts: audio only, every session ended', async () => {
    const { world, owner, run: r } = setup({ onAvatarLost: 'respawn', respawnAttempts: 3 });
    await run(owner.start(r));
    world.neverShown = 3;
    world.avatars[0]!.lose();
    await run(new Promise((res) => setTimeout(res, 5000)));
    expect(owner.state).toBe('audio-only');
    expect(world.created).toEqual(['s1', 's2', 's3', 's4']);
    expect([...world.ended]).toEqual([
      ['s2', 'delete'],
      ['s3', 'delete'],
      ['s4', 'delete'],
      ['s1', 'delete'],
    ]);
    await run(owner.close('aclose'));
    expect(world.ended.size).toBe(4);
  });

  it('close during a respawn: the replacement in flight is ended, close waits for it', async () => {
    const { world, owner, run: r } = setup({ onAvatarLost: 'respawn' });
    await run(owner.start(r));
    world.createDelayMs = 1000;
    world.avatars[0]!.lose();
    await vi.advanceTimersByTimeAsync(300);
    expect(owner.state).toBe('replacing');
    let closed = false;
    const closing = owner.close('hang-up').then(() => (closed = true));
    await vi.advanceTimersByTimeAsync(100);
    expect(closed).toBe(false); // the create in flight is awaited
    await run(closing);
    expect(world.created).toEqual(['s1', 's2']);
    expect(new Set(world.ended.keys())).toEqual(new Set(['s1', 's2']));
    expect(world.ended.get('s2')).toBe('delete');
  });

  it('close during the respawn backoff ends at once', async () => {
    const { world, owner, run: r } = setup({ onAvatarLost: 'respawn', respawnAttempts: 3 });
    await run(owner.start(r));
    world.neverShown = 1;
    world.avatars[0]!.lose();
    await vi.advanceTimersByTimeAsync(400); // first attempt failed; waiting 500 ms
    await run(owner.close('hang-up'), 200);
    expect(owner.state).toBe('ended');
    expect(world.created).toEqual(['s1', 's2']);
    expect(world.ended.size).toBe(2);
  });
});
