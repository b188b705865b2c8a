// AvatarSession's own checks, before any network call: options, start twice, unreachable LiveKit URL.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RunwayClient } from '../../src/api/client.js';
import { AvatarSession, RunwayAvatarError, RunwayOptionError } from '../../src/index.js';

/** Minimal stand-ins for this unit test; real rooms are exercised in test/e2e. */
function fakes(connected: boolean) {
  const agentSession = { _started: false, output: { audio: null }, on() {}, off() {} };
  const room = {
    isConnected: connected,
    name: connected ? 'room-1' : '',
    localParticipant: connected ? { identity: 'agent-1' } : undefined,
    remoteParticipants: new Map(),
    on() {},
    off() {},
  };
  return { agentSession: agentSession as never, room: room as never };
}

afterEach(() => vi.restoreAllMocks());

describe('AvatarSession', () => {
  it('exposes the upstream getters', () => {
    const avatar = new AvatarSession({ presetId: 'cat-character', apiKey: 'key_x' });
    expect(avatar.provider).toBe('runway');
    expect(avatar.avatarIdentity).toBe('runway-avatar-agent');
    expect(avatar.sessionId).toBeUndefined();
    expect(avatar.strategy).toBeUndefined();
  });

  it('refuses to send the API key over plain http to a non-loopback host', () => {
    expect(
      () =>
        new AvatarSession({
          presetId: 'cat-character',
          apiKey: 'key_x',
          apiUrl: 'http://runway.example',
        }),
    ).toThrow(RunwayOptionError);
  });

  it('needs a connected room or a job context; a start that failed may be retried, not after aclose()', async () => {
    const avatar = new AvatarSession({ presetId: 'cat-character', apiKey: 'key_x' });
    const { agentSession, room } = fakes(false);
    await expect(avatar.start(agentSession, room)).rejects.toThrow(
      /connected room or a job context/,
    );
    expect(avatar.state).toBe('idle');
    // The same failure again, not ALREADY_STARTED: nothing was created, the start may be retried.
    await expect(avatar.start(agentSession, room)).rejects.toThrow(
      /connected room or a job context/,
    );
    // Two overlapping calls: the second is refused at once, the first fails on its own.
    const first = avatar.start(agentSession, room).catch((e: unknown) => e);
    const second = await avatar.start(agentSession, room).catch((e: unknown) => e);
    expect(RunwayAvatarError.is(second) && second.code).toBe('ALREADY_STARTED');
    expect(String(await first)).toMatch(/connected room or a job context/);
    await avatar.aclose();
    const closed = await avatar.start(agentSession, room).catch((e: unknown) => e);
    expect(RunwayAvatarError.is(closed) && closed.code).toBe('CLOSED');
  });

  it('fails before creating a session when Runway could not reach the LiveKit URL', async () => {
    const create = vi.spyOn(RunwayClient.prototype, 'createSession');
    const avatar = new AvatarSession({
      presetId: 'cat-character',
      apiKey: 'key_x',
      strategy: 'integration',
    });
    const { agentSession, room } = fakes(true);
    const error = await avatar
      .start(agentSession, room, {
        livekitUrl: 'ws://127.0.0.1:7880',
        livekitApiKey: 'k',
        livekitApiSecret: 's',
      })
      .catch((e: unknown) => e);
    expect(RunwayOptionError.is(error) && error.option).toBe('livekitUrl');
    expect((error as Error).message).toMatch(/public wss:\/\/ or https:\/\/ URL/);
    expect(create).not.toHaveBeenCalled();
  });
});
