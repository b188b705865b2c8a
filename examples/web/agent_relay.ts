// Agent side of the web viewer: shows the avatar's strategy and state as the agent's participant attributes,
// and forwards the events only the agent hears (hosted transcriptions, client events) into its room.
import { voice } from '@livekit/agents';
import type { Room } from '@livekit/rtc-node';
import type { AvatarSession } from '../../src/index.js';
import {
  ATTR_RUNWAY,
  type RelayedEvent,
  RUNWAY_EVENTS_TOPIC,
  type RunwayViewState,
} from './protocol.js';

/**
 * Call after `avatar.start()`. Sets `runway.strategy`, `runway.session_id` and `runway.state` on the
 * agent participant (a frontend reads them as attributes) and keeps them current: `connecting` until
 * the avatar shows video, then `live`; `lost`, `audio-only` and, when `agentSession` closes, `ended`.
 * The hosted character's transcriptions and client events, renewals and losses go to the room as
 * reliable data on the `runway.events` topic ({@link RelayedEvent} JSON). Returns a function that
 * stops relaying. Failures to publish (room gone) are ignored: the viewer is a convenience.
 */
export function relayAvatarToRoom(
  avatar: AvatarSession,
  room: Room,
  agentSession?: voice.AgentSession,
): () => void {
  let stopped = false;
  let writes = Promise.resolve();
  const participant = () => (room.isConnected ? room.localParticipant : undefined);
  const setState = (state: RunwayViewState) => {
    const attributes = {
      [ATTR_RUNWAY.strategy]: avatar.strategy ?? '',
      [ATTR_RUNWAY.sessionId]: avatar.sessionId ?? '',
      [ATTR_RUNWAY.state]: state,
    };
    // One write at a time, in order: a late `live` must not overwrite an `ended`.
    writes = writes.then(() =>
      participant()
        ?.setAttributes(attributes)
        .catch(() => {}),
    );
  };
  const send = (kind: RelayedEvent['kind'], payload: Record<string, unknown>) => {
    if (stopped) return;
    const data = new TextEncoder().encode(JSON.stringify({ kind, payload } satisfies RelayedEvent));
    void participant()
      ?.publishData(data, { reliable: true, topic: RUNWAY_EVENTS_TOPIC })
      .catch(() => {});
  };

  const onTranscription = (m: Record<string, unknown>) => send('transcription', m);
  const onClientEvent = (m: Record<string, unknown>) => send('client_event', m);
  const onRenewed = (e: { previousSessionId: string; sessionId: string; reason: string }) => {
    send('session_renewed', { ...e });
    setState('live');
  };
  const onLost = (e: { sessionId: string; reason: string }) => {
    send('avatar_lost', { ...e });
    setState('lost');
    // With onAvatarLost 'audio-only' (or a failed respawn) the plugin switches within this turn.
    setTimeout(() => {
      if (!stopped && avatar.audioOnly) setState('audio-only');
    }, 0);
  };
  const onClose = () => {
    setState('ended');
    stop();
  };
  avatar.on('transcription', onTranscription);
  avatar.on('client_event', onClientEvent);
  avatar.on('session_renewed', onRenewed);
  avatar.on('avatar_lost', onLost);
  agentSession?.on(voice.AgentSessionEventTypes.Close, onClose);

  setState(avatar.audioOnly ? 'audio-only' : 'connecting');
  if (!avatar.audioOnly) {
    avatar.waitForJoin({ timeout: null }).then(
      () => {
        if (!stopped) setState('live');
      },
      () => {},
    );
  }

  function stop(): void {
    if (stopped) return;
    stopped = true;
    avatar.off('transcription', onTranscription);
    avatar.off('client_event', onClientEvent);
    avatar.off('session_renewed', onRenewed);
    avatar.off('avatar_lost', onLost);
    agentSession?.off(voice.AgentSessionEventTypes.Close, onClose);
  }
  return stop;
}
