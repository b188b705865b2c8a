// The TypeScript-private upstream fields RunwayAudioOutput relies on exist in the installed @livekit/agents,
// and their absence fails with a clear error naming the installed version.
import { version, voice } from '@livekit/agents';
import { Room } from '@livekit/rtc-node';
import { describe, expect, it } from 'vitest';
import { RunwayAvatarError } from '../../../src/errors.js';
import {
  AGENTS_VERSION,
  assertUpstreamInstance,
  assertUpstreamStatics,
} from '../../../src/livekit/upstream_internals.js';

describe('upstream internals', () => {
  it('exist in the installed @livekit/agents', () => {
    expect(() => assertUpstreamStatics()).not.toThrow();
    const output = new voice.DataStreamAudioOutput({
      room: new Room(),
      destinationIdentity: 'avatar',
      sampleRate: 16_000,
    });
    expect(() => assertUpstreamInstance(output)).not.toThrow();
    expect(AGENTS_VERSION).toBe(version);
  });

  it('a renamed field fails with the installed version named', () => {
    // A class as a later release might ship it: the flag renamed.
    const Renamed = { _playbackFinishedHandlers: {}, _playbackFinishedRpcRegisteredOnce: false };
    let error: unknown;
    try {
      assertUpstreamStatics(Renamed);
    } catch (e) {
      error = e;
    }
    expect(RunwayAvatarError.is(error)).toBe(true);
    expect((error as RunwayAvatarError).code).toBe('UNSUPPORTED_AGENTS_VERSION');
    expect((error as Error).message).toContain(`@livekit/agents ${version}`);
    expect((error as Error).message).toContain('_playbackFinishedRpcRegistered is undefined');
    expect(() => assertUpstreamInstance({ started: false, pushed: 0 })).toThrow(
      /pushedDuration is undefined, expected number/,
    );
  });
});
