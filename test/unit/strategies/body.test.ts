// Create bodies: only given fields are sent; both bring-your-own-room shapes carry the same credentials.
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../../src/options.js';
import { baseBody, byoBody } from '../../../src/strategies/body.js';

const env = { RUNWAYML_API_SECRET: 'key_x' } as NodeJS.ProcessEnv;
const room = { url: 'wss://lk.example', token: 'jwt', roomName: 'r', agentIdentity: 'agent' };

describe('create bodies', () => {
  it('sends only what was given', () => {
    expect(baseBody(resolveOptions({ presetId: 'influencer' }, env))).toEqual({
      model: 'gwm1_avatars',
      avatar: { type: 'runway-preset', presetId: 'influencer' },
    });
  });
  it('carries personality, startScript and maxDuration', () => {
    const o = resolveOptions(
      { presetId: 'influencer', maxDuration: 60, personality: 'p', startScript: 's' },
      env,
    );
    expect(baseBody(o)).toMatchObject({ maxDuration: 60, personality: 'p', startScript: 's' });
  });
  it('builds the integration and the deprecated livekit shapes', () => {
    const o = resolveOptions({ presetId: 'influencer' }, env);
    expect(byoBody(o, 'integration', room).integration).toEqual({ type: 'livekit', ...room });
    expect(byoBody(o, 'integration', room).livekit).toBeUndefined();
    expect(byoBody(o, 'livekit', room).livekit).toEqual(room);
    expect(byoBody(o, 'livekit', room).integration).toBeUndefined();
  });
});
