// The emulated Runway avatar worker: joins the agent's room, plays its speech, publishes coded video.
import {
  DataPacketKind,
  DisconnectReason,
  ParticipantKind,
  type RemoteParticipant,
  Room,
} from '@livekit/rtc-node';
import { AudioReceiver, type SegmentReport } from './audio_receiver.js';
import { joinRoom, redactJoinError } from './join.js';
import {
  type AvatarMedia,
  closeAvatarMedia,
  createAvatarMedia,
  publishAvatarMedia,
} from './media.js';
import type {
  AvatarWorker,
  AvatarWorkerEvent,
  AvatarWorkerOptions,
  AvatarWorkerState,
  AvatarWorkerStats,
  WorkerLeaveReason,
  WorkerLeftEvent,
} from './types.js';

/** Participant attribute naming the agent an avatar publishes for. */
const PUBLISH_ON_BEHALF = 'lk.publish_on_behalf';

type EventBody = AvatarWorkerEvent extends infer E
  ? E extends AvatarWorkerEvent
    ? Omit<E, 'sessionId' | 'atMs'>
    : never
  : never;

/**
 * Joins the room and starts serving; resolves once the join succeeded or failed (a failure is
 * reported as `token_rejected` / `join_failed` then `left`, never as a rejection).
 */
export async function startAvatarWorker(opts: AvatarWorkerOptions): Promise<AvatarWorker> {
  const worker = new EmulatedAvatarWorker(opts);
  await worker.start();
  return worker;
}

class EmulatedAvatarWorker implements AvatarWorker {
  readonly sessionId: string;
  readonly ended: Promise<WorkerLeftEvent>;
  readonly #o: AvatarWorkerOptions;
  readonly #room = new Room();
  #media: AvatarMedia | undefined;
  #receiver: AudioReceiver | undefined;
  #state: AvatarWorkerState = 'joining';
  #joinedAtMs: number | undefined;
  #agent: string | undefined;
  #agentSeen = false;
  #joinTimer: ReturnType<typeof setTimeout> | undefined;
  #graceTimer: ReturnType<typeof setTimeout> | undefined;
  #leaving = false;
  #resolveEnded: (ev: WorkerLeftEvent) => void = () => {};
  readonly #stats: AvatarWorkerStats = {
    segmentsReceived: 0,
    segmentsCompleted: 0,
    segmentsInterrupted: 0,
    playbackFinishedAcknowledged: 0,
    playbackFinishedFailed: 0,
    clearBufferCalls: 0,
    bytesReceived: 0,
    streamsRejected: 0,
    videoFramesPublished: 0,
    audioFramesPublished: 0,
  };

  constructor(opts: AvatarWorkerOptions) {
    this.#o = opts;
    this.sessionId = opts.sessionId;
    this.#agent = opts.agentIdentity || undefined;
    this.ended = new Promise((resolve) => {
      this.#resolveEnded = resolve;
    });
  }

  get state(): AvatarWorkerState {
    return this.#state;
  }

  get joinedAtMs(): number | undefined {
    return this.#joinedAtMs;
  }

  get agentIdentity(): string | undefined {
    return this.#agent;
  }

  get stats(): AvatarWorkerStats {
    return {
      ...this.#stats,
      segmentsReceived: this.#receiver?.segmentsAccepted ?? 0,
      bytesReceived: this.#receiver?.bytesReceived ?? 0,
      videoFramesPublished: this.#media?.video.framesPublished ?? 0,
      audioFramesPublished: this.#media?.player.framesCaptured ?? 0,
    };
  }

  async start(): Promise<void> {
    const room = this.#room;
    const failure = await joinRoom(
      room,
      this.#o.url,
      this.#o.token,
      false,
      this.#o.video?.dynacast === true,
    );
    if (failure) {
      if (failure.kind === 'token_rejected') this.#emit({ type: 'token_rejected' });
      else this.#emit({ type: 'join_failed', detail: failure.detail });
      this.#finish(failure.kind, failure.kind === 'join_failed' ? failure.detail : undefined);
      return;
    }
    if (this.#leaving) {
      // stop() or kill() came while joining.
      await room.disconnect().catch(() => {});
      return;
    }
    const local = room.localParticipant!;
    this.#agent ??= local.attributes[PUBLISH_ON_BEHALF] || undefined;
    this.#state = 'joined';
    this.#joinedAtMs = Date.now();
    this.#emit({ type: 'joined', identity: local.identity, roomName: room.name ?? '' });

    room
      .on('participantConnected', (p) => this.#onParticipantConnected(p))
      .on('participantDisconnected', (p) => this.#onParticipantDisconnected(p))
      .on('dataReceived', (payload, p, kind) => this.#onData(payload, p, kind))
      .on('disconnected', (reason) => this.#onDisconnected(reason));

    const media = createAvatarMedia(this.#o.video, this.#o.audio, (seg, outcome) =>
      this.#receiver?.segmentDone(seg, outcome),
    );
    this.#media = media;
    const player = media.player;
    this.#receiver = new AudioReceiver({
      room,
      player,
      isAgent: (identity) => this.#isAgent(identity),
      rpcAttempts: this.#o.rpcAttempts ?? 3,
      rpcTimeoutMs: this.#o.rpcTimeoutMs ?? 5000,
      onSegment: (report) => this.#onSegment(report),
      onStreamRejected: (senderIdentity, reason) => {
        this.#stats.streamsRejected++;
        this.#emit({ type: 'stream_rejected', senderIdentity, reason });
      },
      onClearBuffer: (interruptedSegments) => {
        this.#stats.clearBufferCalls++;
        this.#emit({ type: 'clear_buffer', interruptedSegments });
      },
    });
    this.#receiver.attach();
    try {
      await publishAvatarMedia(local, media);
    } catch (err) {
      if (this.#leaving) return;
      const detail = redactJoinError(err);
      this.#emit({ type: 'join_failed', detail });
      await this.#leave('join_failed', detail);
      return;
    }
    if (this.#leaving) return;

    const present = this.#findAgent();
    if (present) this.#onAgentPresent(present);
    else {
      this.#joinTimer = setTimeout(() => {
        this.#emit({ type: 'nobody_there' });
        void this.#leave('nobody_there');
      }, this.#o.joinTimeoutMs ?? 30_000);
    }
  }

  stop(reason?: string): Promise<void> {
    return this.#leave('stopped', reason);
  }

  async kill(): Promise<void> {
    if (this.#leaving) return;
    this.#leaving = true;
    this.#clearTimers();
    this.#receiver?.detach();
    this.#media?.video.stop();
    this.#finish('killed');
    await this.#teardown();
  }

  /** The agent identity if it is in the room (adopting the first agent-kind participant if unknown). */
  #findAgent(): string | undefined {
    const room = this.#room;
    if (this.#agent) return room.remoteParticipants.has(this.#agent) ? this.#agent : undefined;
    for (const p of room.remoteParticipants.values()) {
      if (p.kind === ParticipantKind.AGENT) {
        this.#agent = p.identity;
        return p.identity;
      }
    }
    return undefined;
  }

  #isAgent(identity: string): boolean {
    if (!this.#agent) this.#findAgent();
    return identity === this.#agent;
  }

  #onParticipantConnected(p: RemoteParticipant): void {
    if (!this.#agent && p.kind === ParticipantKind.AGENT) this.#agent = p.identity;
    if (p.identity === this.#agent) this.#onAgentPresent(p.identity);
  }

  #onAgentPresent(identity: string): void {
    if (this.#leaving) return;
    this.#clearTimers();
    if (this.#agentSeen) return;
    this.#agentSeen = true;
    this.#emit({ type: 'agent_joined', agentIdentity: identity });
  }

  #onParticipantDisconnected(p: RemoteParticipant): void {
    if (this.#leaving || p.identity !== this.#agent) return;
    clearTimeout(this.#graceTimer);
    this.#graceTimer = setTimeout(() => {
      this.#emit({ type: 'agent_left', agentIdentity: p.identity });
      void this.#leave('agent_left');
    }, this.#o.graceMs ?? 2000);
  }

  #onData(payload: Uint8Array, p: RemoteParticipant | undefined, kind?: DataPacketKind): void {
    if (this.#leaving || !p || p.identity !== this.#agent) return;
    if (kind !== undefined && kind !== DataPacketKind.KIND_RELIABLE) return;
    let message: unknown;
    try {
      message = JSON.parse(new TextDecoder().decode(payload));
    } catch {
      return;
    }
    if ((message as { type?: unknown } | null)?.type !== 'END_CALL') return;
    this.#emit({ type: 'end_call' });
    void this.#leave('end_call');
  }

  #onDisconnected(reason: DisconnectReason): void {
    if (this.#leaving) return;
    const removed =
      reason === DisconnectReason.PARTICIPANT_REMOVED || reason === DisconnectReason.ROOM_DELETED;
    void this.#leave(removed ? 'removed' : 'disconnected', DisconnectReason[reason]);
  }

  #onSegment(report: SegmentReport): void {
    const s = this.#stats;
    if (report.interrupted) s.segmentsInterrupted++;
    else s.segmentsCompleted++;
    if (report.acknowledged) s.playbackFinishedAcknowledged++;
    else s.playbackFinishedFailed++;
    this.#emit({ type: 'segment', segment: report });
  }

  async #leave(reason: WorkerLeaveReason, detail?: string): Promise<void> {
    if (this.#leaving) return;
    this.#leaving = true;
    this.#clearTimers();
    this.#receiver?.detach();
    this.#media?.video.stop();
    await this.#teardown();
    this.#finish(reason, detail);
  }

  async #teardown(): Promise<void> {
    await this.#room.disconnect().catch(() => {});
    await closeAvatarMedia(this.#media);
  }

  #clearTimers(): void {
    clearTimeout(this.#joinTimer);
    clearTimeout(this.#graceTimer);
    this.#joinTimer = undefined;
    this.#graceTimer = undefined;
  }

  #finish(reason: WorkerLeaveReason, detail?: string): void {
    if (this.#state === 'left') return;
    this.#leaving = true;
    this.#state = 'left';
    const ev = this.#emit(
      detail === undefined ? { type: 'left', reason } : { type: 'left', reason, detail },
    );
    this.#resolveEnded(ev as WorkerLeftEvent);
  }

  #emit(body: EventBody): AvatarWorkerEvent {
    const ev = { ...body, sessionId: this.sessionId, atMs: Date.now() } as AvatarWorkerEvent;
    try {
      this.#o.onEvent?.(ev);
    } catch {
      // a listener's failure is not the worker's
    }
    return ev;
  }
}
