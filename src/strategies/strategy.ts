// The Strategy contract: how an avatar session gets its face into the agent's room, and what a started
// avatar (an ActiveAvatar) must guarantee to the owner above it. test/e2e/strategy_contract.test.ts runs
// every strategy through this contract in real rooms.
import type { voice } from '@livekit/agents';
import type { Room } from '@livekit/rtc-node';
import type { RunwayClient } from '../api/client.js';
import type { SessionLedger } from '../ending/ledger.js';
import type { EmitEvent } from '../events.js';
import type { Learning } from '../learning/cache.js';
import type { LiveKitCredentials } from '../livekit/credentials.js';
import type { ResolvedOptions } from '../options.js';
import type { SessionTools } from '../tools/session_tools.js';
import type { MediaBridge } from './bridge.js';
import type { StrategyName } from './registry.js';

export type { StrategyName } from './registry.js';

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
  /** Emits one of the plugin's events on the AvatarSession (relayed Runway data messages). */
  emit: EmitEvent;
  /**
   * Aborted when the avatar session closes. Every request and room connect listens to it: a create not
   * yet sent is not sent, a create already sent is awaited and its session ended, a poll, a consume or a
   * connect stops. Operations reject with its reason.
   */
  signal: AbortSignal;
  /** Every session a strategy creates is entered here as soon as its create returns, and ended through it. */
  sessions: SessionLedger;
  /** Where detection verdicts and READY timings are learnt (default: the environment's store). */
  learning?: Learning;
  /**
   * The session's Runway tools (the user's and the agent's own, checked at start()): sent with hosted
   * sessions only, each backend_rpc one answered by a handler joined per session.
   */
  tools?: SessionTools;
}

/**
 * A started avatar: one Runway session shown in the agent's room. The contract, which every strategy keeps:
 *  1. `sessionId` was entered in `ctx.sessions` before anything else happened after its create.
 *  2. `end()` sends END_CALL synchronously (before its first await), so a room disconnected right after
 *     still carries it; it never throws, and ending twice is ending once (it goes through the ledger).
 *  3. `end()` resolves when the session is ended (END_CALL confirmed by Runway's status, or DELETE), or
 *     its end was attempted and the failure logged; within 8 s (1.5 s when the worker is not in the room)
 *     plus one request timeout slice.
 *  4. `replace()` resolves with a shown replacement and this session ended; when it rejects, the
 *     replacement (if created) is ended and this session is left exactly as it was.
 *  5. `replace()` and `start()` stop when `ctx.signal` aborts, ending what they created, and reject with
 *     the signal's reason.
 *  6. `onLost()` fires at most once, never for a departure caused by `end()` or `replace()`.
 *  7. `cutPlayout()` reports every segment the avatar had not finished as interrupted, at the position the
 *     user heard; nothing is written to a sink that is gone.
 *  8. `audioOutput` is the agent's sink for this session only; after `end()` it holds no room listener.
 */
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
  /** Ends the Runway session and releases what the strategy holds (contract 2, 3). `workerGone`: DELETE at once. */
  end(reason: string, opts?: { workerGone?: boolean }): Promise<void>;
  /**
   * Starts a replacement Runway session of the same strategy under the same avatar identity, waits
   * until it is shown, then ends this one (renewal before Runway's cap, or respawn after a loss) (contract 4, 5).
   */
  replace(reason: 'renewal' | 'respawn'): Promise<ActiveAvatar>;
  /** Calls `listener` once if the avatar goes away unexpectedly (contract 6). Returns an unsubscribe function. */
  onLost(listener: (reason: string) => void): () => void;
  /** The avatar is gone: reports unfinished speech as interrupted where the user stopped hearing it (contract 7). */
  cutPlayout(): void;
}

/** One way of bringing the avatar into the room. */
export interface Strategy {
  readonly name: StrategyName;
  /**
   * Starts a Runway session. Throws {@link RunwayUnsupportedShapeError} when the API refuses the strategy's
   * request shape and {@link RunwayUnreachableLiveKitError} when Runway cannot reach the agent's LiveKit
   * server (both before anything is created); a failure after the session was created ends it first.
   */
  start(ctx: StrategyContext): Promise<ActiveAvatar>;
}
