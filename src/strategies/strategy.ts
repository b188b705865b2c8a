// The Strategy contract: how an avatar session gets its face into the agent's room.
import type { voice } from '@livekit/agents';
import type { Room } from '@livekit/rtc-node';
import type { RunwayClient } from '../api/client.js';
import type { Learning } from '../learning/cache.js';
import type { LiveKitCredentials } from '../livekit/credentials.js';
import type { ResolvedOptions } from '../options.js';
import type { MediaBridge } from './bridge.js';

/** A concrete strategy. @public */
export type StrategyName = 'integration' | 'livekit' | 'hosted';

/** Everything a strategy needs to start. */
export interface StrategyContext {
  client: RunwayClient;
  options: ResolvedOptions;
  room: Room;
  roomName: string;
  agentSession: voice.AgentSession;
  agentIdentity: string;
  /** Resolved lazily: only strategies that mint tokens for the agent's room need them. */
  livekit: () => LiveKitCredentials;
  /** Emits an event on the AvatarSession (for relayed Runway data messages). */
  emit: (event: string, payload: unknown) => void;
  signal?: AbortSignal;
  /** Where detection verdicts and READY timings are learnt (default: the environment's store). */
  learning?: Learning;
}

/** A started avatar: the Runway session, the audio sink for the agent, and how to end it. */
export interface ActiveAvatar {
  readonly strategy: StrategyName;
  readonly sessionId: string;
  /** The sink for the agent's speech. */
  readonly audioOutput: voice.AudioOutput;
  /**
   * True when the avatar speaks for itself (hosted: Runway's character leads the conversation), so the
   * agent's own speech must not be heard: its audio output is disabled.
   */
  readonly mutesAgent: boolean;
  /**
   * Resolves once this session's avatar is in the agent's room with video; rejects after `timeoutMs`
   * (`null`: never). Absent when the avatar's identity cannot be held by a leftover participant (hosted: the
   * plugin's own bridge), where the base class's wait by identity is exact.
   */
  waitShown?(timeoutMs: number | null): Promise<void>;
  /** The hosted media bridge, when there is one (stats for benchmarks and tests). */
  readonly bridge?: MediaBridge;
  /**
   * Ends the Runway session and releases what the strategy holds. Never throws; call once. Sends
   * END_CALL synchronously (before the first await), so a room disconnected right after the call
   * still carries it. `workerGone`: the worker is known to have left; cancel through the API at once.
   */
  end(reason: string, opts?: { workerGone?: boolean }): Promise<void>;
  /**
   * Starts a replacement Runway session of the same strategy under the same avatar identity, waits
   * until it is shown, then ends this one (renewal before Runway's cap, or respawn after a loss).
   * Rejects, having cancelled the replacement, if it cannot be shown; this session is left as it was.
   */
  replace(reason: 'renewal' | 'respawn'): Promise<ActiveAvatar>;
  /**
   * Calls `listener` once if the avatar goes away unexpectedly (not during `replace` or `end`).
   * Returns an unsubscribe function.
   */
  onLost(listener: (reason: string) => void): () => void;
}

/** One way of bringing the avatar into the room. */
export interface Strategy {
  readonly name: StrategyName;
  /** Starts a Runway session. A failure after the session was created cancels it before rethrowing. */
  start(ctx: StrategyContext): Promise<ActiveAvatar>;
}
