// The WorkerDriver seam: when the core starts and stops a worker, and what the worker's signals do.
import { TokenVerifier } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import type {
  ByoSessionStart,
  HostedSessionStart,
  WorkerDriver,
} from '../../src/emulator/index.js';
import { createPreset, fastEmulator, LIVEKIT_CREDS, PRESET_BODY, sdk } from './helpers.js';

/** A driver that records every call and lets the test act as the worker. */
function recordingDriver(onStart?: (start: ByoSessionStart | HostedSessionStart) => Promise<void>) {
  const byo: ByoSessionStart[] = [];
  const hosted: HostedSessionStart[] = [];
  const stops: [string, string][] = [];
  const driver: WorkerDriver = {
    async startByoSession(start) {
      byo.push(start);
      await onStart?.(start);
    },
    async startHostedSession(start) {
      hosted.push(start);
      await onStart?.(start);
    },
    stop(id, status) {
      stops.push([id, status]);
    },
  };
  return { driver, byo, hosted, stops };
}

describe('WorkerDriver seam', () => {
  it('bring-your-own-room: started at READY with the real token; signals drive the session', async () => {
    const rec = recordingDriver();
    const emulator = await fastEmulator({ driver: rec.driver });
    const { id } = await sdk(emulator).realtimeSessions.create({
      ...PRESET_BODY,
      maxDuration: 120,
      integration: { type: 'livekit', ...LIVEKIT_CREDS, agentIdentity: 'agent-1' },
    });
    expect(rec.byo).toHaveLength(0);
    await emulator.waitForStatus(id, 'READY', 2_000);
    await new Promise((r) => setTimeout(r, 20));
    const start = rec.byo[0];
    expect(start).toMatchObject({
      sessionId: id,
      via: 'integration',
      maxDurationS: 120,
      effectiveCapMs: 120_000,
      livekit: { ...LIVEKIT_CREDS, agentIdentity: 'agent-1' },
      avatar: PRESET_BODY.avatar,
      tools: [],
    });
    expect(start?.signals.endCall()).toBe(false);
    expect(start?.signals.joined()).toBe(true);
    expect(emulator.session(id)?.status).toBe('RUNNING');
    expect(start?.signal.aborted).toBe(false);
    expect(start?.signals.endCall()).toBe(true);
    expect(emulator.session(id)?.status).toBe('COMPLETED');
    expect(start?.signal.aborted).toBe(true);
    expect(rec.stops).toEqual([[id, 'COMPLETED']]);
    expect(start?.signals.fail('X', 'y')).toBe(false);
  });

  it('hosted: not started without livekit options', async () => {
    const rec = recordingDriver();
    const emulator = await fastEmulator({ driver: rec.driver });
    const id = await createPreset(emulator);
    await emulator.waitForStatus(id, 'READY', 2_000);
    await new Promise((r) => setTimeout(r, 30));
    expect(rec.hosted).toHaveLength(0);
    expect(rec.byo).toHaveLength(0);
  });

  it('hosted with livekit options: a worker token for room <id>; DELETE stops it', async () => {
    const rec = recordingDriver();
    const livekit = { url: 'ws://127.0.0.1:7880', apiKey: 'devkey', apiSecret: 's'.repeat(32) };
    const emulator = await fastEmulator({ livekit });
    emulator.setDriver(rec.driver);
    const id = await createPreset(emulator);
    await emulator.waitForStatus(id, 'READY', 2_000);
    await expect.poll(() => rec.hosted.length).toBe(1);
    const start = rec.hosted[0] as HostedSessionStart;
    expect(start.livekit).toMatchObject({
      url: livekit.url,
      roomName: id,
      identity: `worker:${id}`,
    });
    const claims = await new TokenVerifier(livekit.apiKey, livekit.apiSecret).verify(
      start.livekit.token,
    );
    expect(claims).toMatchObject({ sub: `worker:${id}`, kind: 'agent', video: { room: id } });
    start.signals.joined();
    expect(start.signals.left()).toBe(true);
    expect(emulator.session(id)).toMatchObject({ status: 'RUNNING', participantPresent: false });
    await sdk(emulator).realtimeSessions.delete(id);
    expect(rec.stops).toEqual([[id, 'CANCELLED']]);
    expect(start.signal.aborted).toBe(true);
  });

  it('a driver that rejects fails the session INTERNAL.WORKER_ERROR; reset() disposes', async () => {
    const rec = recordingDriver(async () => {
      throw new Error('cannot join');
    });
    const emulator = await fastEmulator({ driver: rec.driver });
    const { id } = await sdk(emulator).realtimeSessions.create({
      ...PRESET_BODY,
      livekit: LIVEKIT_CREDS,
    });
    const failed = await emulator.waitForStatus(id, 'FAILED', 2_000);
    expect(failed).toMatchObject({ failureCode: 'INTERNAL.WORKER_ERROR' });
    const ok = recordingDriver();
    emulator.setDriver(ok.driver);
    const next = await sdk(emulator).realtimeSessions.create({
      ...PRESET_BODY,
      livekit: LIVEKIT_CREDS,
    });
    await emulator.waitForStatus(next.id, 'READY', 2_000);
    emulator.reset();
    expect(ok.stops).toEqual([[next.id, 'DISPOSED']]);
    expect(ok.byo[0]?.signal.aborted).toBe(true);
  });
});
