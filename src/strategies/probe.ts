// A capability probe: which bring-your-own-room shape the Runway API accepts, found without creating a
// session (the probe body is deliberately invalid), so a worker can check at start-up or from a script.
import { RunwayClient } from '../api/client.js';
import type { CreateSessionBody } from '../api/types.js';
import { cancelSession } from '../ending/end_session.js';
import { RunwayAPIError } from '../errors.js';
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
 * the shape is unknown; any other 400 means it is accepted. The verdict is cached like `auto`'s, so the
 * first session then pays no detection round trip. Takes the same `apiKey` / `apiUrl` / `connOptions`
 * (and environment fallbacks) as {@link AvatarSession}.
 * @public
 */
export async function probeStrategy(
  options: Pick<AvatarSessionOptions, 'apiKey' | 'apiUrl' | 'connOptions'> = {},
): Promise<StrategyName> {
  const resolved = resolveOptions({ ...options, presetId: 'cat-character' });
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
    recordSuccess(client.baseUrl, shape, 'capability probe');
    return shape;
  }
  recordSuccess(client.baseUrl, 'hosted', 'capability probe');
  return 'hosted';
}
