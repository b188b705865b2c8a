// A WorkerDriver that runs the emulated worker (BYO) or character (hosted) in real LiveKit rooms.
import type { HostedSessionStart, WorkerDriver, WorkerSignals } from '../driver.js';
import { FAILURES } from '../lifecycle.js';
import { NoRunningCharacter, readTools } from '../tools.js';
import { startCharacterWorker } from './character.js';
import type { CharacterEvent, CharacterWorker, CharacterWorkerOptions } from './character_types.js';
import type {
  AvatarWorker,
  AvatarWorkerEvent,
  WorkerAudioOptions,
  WorkerVideoOptions,
} from './types.js';
import { startAvatarWorker } from './worker.js';

/** Options of {@link createLiveKitWorkerDriver}. */
export interface LiveKitWorkerDriverOptions {
  video?: WorkerVideoOptions;
  audio?: WorkerAudioOptions;
  /** BYO: how long the agent may be gone before the session ends; default 2000. */
  graceMs?: number;
  /** BYO: how long the joined worker waits for the agent before failing; default 30000. */
  agentJoinTimeoutMs?: number;
  /** Hosted: the character's reply to a user turn. */
  reply?: CharacterWorkerOptions['reply'];
  /** Every worker event, for tests, demos and logs. */
  onEvent?: (event: AvatarWorkerEvent | CharacterEvent) => void;
}

/** The driver plus the workers it runs, by session id. */
export interface LiveKitWorkerDriver extends WorkerDriver {
  readonly workers: ReadonlyMap<string, AvatarWorker | CharacterWorker>;
}

const JOIN_FAILED = 'The avatar worker could not join the LiveKit room';

/**
 * Maps worker events onto the emulator's session signals:
 * - BYO: `joined` → `joined()`; `end_call` and `agent_left` → `endCall()` (COMPLETED: Runway ends
 *   the session when the trusted agent goes); `nobody_there` → `fail(TALKING_AVATAR.NO_PARTICIPANT)`;
 *   `token_rejected` / `join_failed` → `fail(INTERNAL.WORKER_ERROR)`; an unexpected `left`
 *   (removed, disconnected, killed) → `left()` (the session keeps billing until its cap).
 * - Hosted: `participant_joined` → `joined()`, `participant_left` → `left()`, `end_call` →
 *   `endCall()`, join failures → `fail(INTERNAL.WORKER_ERROR)`.
 * `stop(sessionId)` and the session's abort signal make the worker leave. `callTool` and
 * `emitClientEvent` reach the hosted character of a session (tools from the create body).
 */
export function createLiveKitWorkerDriver(
  opts: LiveKitWorkerDriverOptions = {},
): LiveKitWorkerDriver {
  const workers = new Map<string, AvatarWorker | CharacterWorker>();
  const characters = new Set<CharacterWorker>();

  // Characters by session from the start of their join (a tool call may come as soon as the
  // `joined` event, before the join has finished) until they leave.
  const starting = new Map<string, Promise<CharacterWorker>>();

  const characterOf = async (sessionId: string): Promise<CharacterWorker> => {
    const w = workers.get(sessionId) ?? (await starting.get(sessionId));
    if (!w || w.state === 'left') {
      throw new NoRunningCharacter(sessionId, 'no emulated character is running');
    }
    if (!characters.has(w as CharacterWorker)) {
      throw new NoRunningCharacter(
        sessionId,
        'a bring-your-own-room session has no hosted character',
      );
    }
    return w as CharacterWorker;
  };

  const track = (sessionId: string, w: AvatarWorker | CharacterWorker, signal: AbortSignal) => {
    if (w.state === 'left') return;
    workers.set(sessionId, w);
    void w.ended.then(() => {
      if (workers.get(sessionId) === w) workers.delete(sessionId);
    });
    if (signal.aborted) void w.stop('aborted');
    else signal.addEventListener('abort', () => void w.stop('aborted'), { once: true });
  };

  const onByo = (signals: WorkerSignals) => (ev: AvatarWorkerEvent) => {
    opts.onEvent?.(ev);
    switch (ev.type) {
      case 'joined':
        signals.joined();
        break;
      case 'end_call':
      case 'agent_left':
        signals.endCall();
        break;
      case 'nobody_there':
        signals.fail(FAILURES.noParticipant.code, FAILURES.noParticipant.message);
        break;
      case 'token_rejected':
      case 'join_failed':
        signals.fail(FAILURES.workerError.code, JOIN_FAILED);
        break;
      case 'left':
        if (ev.reason === 'removed' || ev.reason === 'disconnected' || ev.reason === 'killed') {
          signals.left();
        }
        break;
    }
  };

  const onHosted = (signals: WorkerSignals) => (ev: CharacterEvent) => {
    opts.onEvent?.(ev);
    switch (ev.type) {
      case 'participant_joined':
        signals.joined();
        break;
      case 'participant_left':
        signals.left();
        break;
      case 'end_call':
        signals.endCall();
        break;
      case 'token_rejected':
      case 'join_failed':
        signals.fail(FAILURES.workerError.code, JOIN_FAILED);
        break;
    }
  };

  return {
    workers,
    async startByoSession(start) {
      const w = await startAvatarWorker({
        url: start.livekit.url,
        token: start.livekit.token,
        sessionId: start.sessionId,
        ...(start.livekit.agentIdentity ? { agentIdentity: start.livekit.agentIdentity } : {}),
        video: opts.video,
        audio: opts.audio,
        graceMs: opts.graceMs,
        joinTimeoutMs: opts.agentJoinTimeoutMs,
        onEvent: onByo(start.signals),
      });
      track(start.sessionId, w, start.signal);
    },
    async startHostedSession(start: HostedSessionStart) {
      const pending = startCharacterWorker({
        url: start.livekit.url,
        token: start.livekit.token,
        sessionId: start.sessionId,
        ...(start.startScript ? { startScript: start.startScript } : {}),
        video: opts.video,
        audio: opts.audio,
        reply: opts.reply,
        tools: readTools(start.tools),
        backendIdentity: start.livekit.backendIdentity,
        onEvent: onHosted(start.signals),
      }).then((w) => {
        characters.add(w);
        void w.ended.then(() => {
          characters.delete(w);
          starting.delete(start.sessionId);
        });
        return w;
      });
      starting.set(start.sessionId, pending);
      const w = await pending;
      track(start.sessionId, w, start.signal);
    },
    async callTool(sessionId, name, args, callOpts) {
      return (await characterOf(sessionId)).callTool(name, args, callOpts);
    },
    async emitClientEvent(sessionId, name, args, callOpts) {
      await (await characterOf(sessionId)).emitClientEvent(name, args, callOpts);
    },
    async stop(sessionId, status) {
      await workers.get(sessionId)?.stop(status);
    },
  };
}
