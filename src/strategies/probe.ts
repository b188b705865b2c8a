// A capability probe: which bring-your-own-room shape the Runway API accepts, found without creating a
// session (the probe body is deliberately invalid), so a worker can check at start-up or from a script.
import { RunwayClient } from '../api/client.js';
import type { CreateSessionBody } from '../api/types.js';
import { cancelSession } from '../ending/end_session.js';
import { RunwayAPIError } from '../errors.js';
import { learningFor } from '../learning/cache.js';
import { type AvatarSessionOptions, resolveOptions } from '../options.js';
import { recordSuccess } from './detect.js';
import { BYO_STRATEGIES, type ByoStrategyName, type StrategyName } from './registry.js';
import { isShapeRefusal } from './shape.js';

/** A LiveKit block that passes Runway's shape checks; the preset below makes the body invalid anyway. */
const PROBE_ROOM = { url: 'wss://probe.invalid', token: 'probe', roomName: 'probe' };

function probeBody(shape: ByoStrategyName): CreateSessionBody {
  // `presetId` is not a preset: Runway answers 400 whatever the key verdict, so nothing is created.
  const body = {
    model: 'gwm1_avatars',
    avatar: { type: 'runway-preset', presetId: 'livekit-agents-runway-probe' },
  } as unknown as CreateSessionBody;
  if (shape === 'integration') body.integration = { type: 'livekit', ...PROBE_ROOM };
  else body.livekit = PROBE_ROOM;
  return body;
}

/**
 * Asks the Runway API which strategy `auto` would use, at no cost: one or two create requests with
 * an invalid avatar, so Runway refuses them. A refusal of the key itself (`Unrecognized key: …`) means
 * the shape is unknown; any other 400 means it is accepted. The verdict is stored like `auto`'s (in the
 * learning store shared by the machine's job processes), so the next session pays no detection round
 * trip. Takes the same `apiKey` / `apiUrl` / `connOptions`
 * (and environment fallbacks) as {@link AvatarSession}.
 * @public
 */
export async function probeStrategy(
  options: Pick<AvatarSessionOptions, 'apiKey' | 'apiUrl' | 'connOptions' | 'stateDir'> = {},
): Promise<StrategyName> {
  const resolved = resolveOptions({ ...options, presetId: 'cat-character' });
  const learning = learningFor(resolved.stateDir);
  const client = new RunwayClient({
    apiKey: resolved.apiKey,
    baseUrl: resolved.apiUrl,
    connOptions: resolved.connOptions,
  });
  for (const shape of BYO_STRATEGIES) {
    try {
      // A 200 would mean Runway accepted an unknown preset: cancel that session and take the shape.
      const { id } = await client.createSession(probeBody(shape));
      await cancelSession(client, id);
    } catch (error) {
      if (isShapeRefusal(error, shape)) continue;
      if (!RunwayAPIError.is(error) || error.statusCode !== 400) throw error;
    }
    recordSuccess(client.baseUrl, shape, 'capability probe', learning);
    // On disk before returning: the job process agents-js prewarms next (one at a time) reads it.
    await learning.flush();
    return shape;
  }
  recordSuccess(client.baseUrl, 'hosted', 'capability probe', learning);
  await learning.flush();
  return 'hosted';
}
