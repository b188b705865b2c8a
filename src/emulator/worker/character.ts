// Hosted mode: the emulated Runway character in Runway's own room — speaks, listens, transcribes.
import {
  AudioStream,
  DisconnectReason,
  type RemoteParticipant,
  type RemoteTrack,
  Room,
  TrackKind,
} from '@livekit/rtc-node';
import {
  NoRunningCharacter,
  resultLine,
  type ToolArgs,
  type ToolCallOutcome,
  ToolCallRefused,
} from '../tools.js';
import type { PlayoutSegment, SegmentOutcome } from './audio_player.js';
import type {
  CharacterEvent,
  CharacterLeftEvent,
  CharacterWorker,
  CharacterWorkerOptions,
} from './character_types.js';
import { joinRoom } from './join.js';
import {
  type AvatarMedia,
  closeAvatarMedia,
  createAvatarMedia,
  publishAvatarMedia,
} from './media.js';
import { rmsLevel } from './signal.js';
import { speak, speechDurationMs } from './speech_synth.js';
import { callBackendTool, emitClientEvent, type ToolCallOptions } from './tool_caller.js';
import type { AvatarWorkerState, WorkerLeaveReason } from './types.js';
import { VoiceActivity } from './voice_activity.js';

const LISTEN_RATE = 16000;
const DEFAULT_REPLY = (turn: number, heardMs: number) =>
  `Thanks. I heard you speak for ${(heardMs / 1000).toFixed(1)} seconds. That was turn ${turn}.`;

type EventBody = CharacterEvent extends infer E
  ? E extends CharacterEvent
    ? Omit<E, 'sessionId' | 'atMs'>
    : never
  : never;

/**
 * Joins Runway's own room (hosted sessions) as the character and starts serving: says
 * `startScript` when the first participant arrives, answers each finished user turn (voice
 * activity by RMS on their audio) with synthetic speech, stops talking when interrupted, and sends
 * `{"type":"transcription", role, turn, text}` data messages for both sides. On demand it calls the
 * session's `backend_rpc` tools over LiveKit RPC (and says the result) and emits its `client_event`
 * tools. Resolves once the join succeeded or failed (failures are events, never rejections).
 */
export async function startCharacterWorker(opts: CharacterWorkerOptions): Promise<CharacterWorker> {
  const worker = new EmulatedCharacter(opts);
  await worker.start();
  return worker;
}

class EmulatedCharacter implements CharacterWorker {
  readonly sessionId: string;
  readonly ended: Promise<CharacterLeftEvent>;
  readonly #o: CharacterWorkerOptions;
  readonly #room = new Room();
  readonly #listening = new Set<ReadableStreamDefaultReader<unknown>>();
  readonly #segmentDone = new Map<PlayoutSegment, (o: SegmentOutcome | undefined) => void>();
  #media: AvatarMedia | undefined;
  #state: AvatarWorkerState = 'joining';
  #leaving = false;
  #participants = 0;
  #greeted = false;
  #turn = 0;
  #speaking: PlayoutSegment | undefined;
  #sayTail: Promise<void> = Promise.resolve();
  #joinTimer: ReturnType<typeof setTimeout> | undefined;
  #resolveEnded: (ev: CharacterLeftEvent) => void = () => {};

  constructor(opts: CharacterWorkerOptions) {
    this.#o = opts;
    this.sessionId = opts.sessionId;
    this.ended = new Promise((resolve) => {
      this.#resolveEnded = resolve;
    });
  }

  get state(): AvatarWorkerState {
    return this.#state;
  }

  get turns(): number {
    return this.#turn;
  }

  async start(): Promise<void> {
    const room = this.#room;
    const failure = await joinRoom(
      room,
      this.#o.url,
      this.#o.token,
      true,
      this.#o.video?.dynacast === true,
    );
    if (failure) {
      if (failure.kind === 'token_rejected') this.#emit({ type: 'token_rejected' });
      else this.#emit({ type: 'join_failed', detail: failure.detail });
      this.#finish(failure.kind, failure.kind === 'join_failed' ? failure.detail : undefined);
      return;
    }
    if (this.#leaving) {
      await room.disconnect().catch(() => {});
      return;
    }
    this.#state = 'joined';
    this.#emit({
      type: 'joined',
      identity: room.localParticipant!.identity,
      roomName: room.name ?? '',
    });
    room
      .on('participantConnected', (p) => this.#onParticipant(p, true))
      .on('participantDisconnected', (p) => this.#onParticipant(p, false))
      .on('trackSubscribed', (track, _pub, p) => this.#listen(track, p))
      .on('dataReceived', (payload, p) => this.#onData(payload, p))
      .on('disconnected', (reason) => {
        if (this.#leaving) return;
        const removed =
          reason === DisconnectReason.PARTICIPANT_REMOVED ||
          reason === DisconnectReason.ROOM_DELETED;
        void this.#leave(removed ? 'removed' : 'disconnected', DisconnectReason[reason]);
      });
    this.#media = createAvatarMedia(this.#o.video, this.#o.audio, (seg, outcome) => {
      this.#segmentDone.get(seg)?.(outcome);
      this.#segmentDone.delete(seg);
    });
    try {
      await publishAvatarMedia(room.localParticipant!, this.#media);
    } catch {
      this.#emit({ type: 'join_failed', detail: 'publishing media failed' });
      await this.#leave('join_failed');
      return;
    }
    for (const p of room.remoteParticipants.values()) {
      this.#onParticipant(p, true);
      for (const pub of p.trackPublications.values()) if (pub.track) this.#listen(pub.track, p);
    }
    if (this.#participants === 0 && this.#o.joinTimeoutMs !== undefined) {
      this.#joinTimer = setTimeout(() => {
        this.#emit({ type: 'nobody_there' });
        void this.#leave('nobody_there');
      }, this.#o.joinTimeoutMs);
    }
  }

  stop(reason?: string): Promise<void> {
    return this.#leave('stopped', reason);
  }

  async kill(): Promise<void> {
    if (this.#leaving) return;
    this.#leaving = true;
    this.#finish('killed');
    await this.#teardown();
  }

  /**
   * Calls the declared `backend_rpc` tool `name` with `args` and says a short line with what came
   * back. Rejects with `ToolCallRefused` (undeclared, wrong type, bad args) or `NoRunningCharacter`.
   */
  async callTool(name: string, args: ToolArgs, opts?: ToolCallOptions): Promise<ToolCallOutcome> {
    const participant = this.#running();
    let outcome: ToolCallOutcome;
    try {
      outcome = await callBackendTool(this.#toolContext(participant), name, args, opts);
    } catch (err) {
      if (err instanceof ToolCallRefused) this.#refused(err);
      throw err;
    }
    this.#emit({ type: 'tool_call', outcome });
    if (!this.#leaving) void this.#say(resultLine(outcome));
    return outcome;
  }

  /** Emits the declared `client_event` tool `name`; rejects like {@link callTool}. */
  async emitClientEvent(name: string, args: ToolArgs, opts?: ToolCallOptions): Promise<void> {
    const participant = this.#running();
    try {
      await emitClientEvent(this.#toolContext(participant), name, args, opts);
    } catch (err) {
      if (err instanceof ToolCallRefused) this.#refused(err);
      throw err;
    }
    this.#emit({ type: 'client_event_sent', tool: name, args });
  }

  #running() {
    const participant = this.#room.localParticipant;
    if (this.#state !== 'joined' || this.#leaving || !participant) {
      throw new NoRunningCharacter(
        this.sessionId,
        `the character is ${this.#state}, not in the room`,
      );
    }
    return participant;
  }

  #toolContext(participant: NonNullable<Room['localParticipant']>) {
    return {
      participant,
      tools: this.#o.tools ?? [],
      backendIdentity: this.#o.backendIdentity ?? `backend:${this.sessionId}`,
    };
  }

  #refused(err: ToolCallRefused): void {
    this.#emit({ type: 'tool_refused', tool: err.tool, reason: err.reason, message: err.message });
  }

  #onParticipant(p: RemoteParticipant, joined: boolean): void {
    if (this.#leaving) return;
    // The backend handler joins hidden; should the server show it anyway, it is not a user.
    if (p.identity === (this.#o.backendIdentity ?? `backend:${this.sessionId}`)) return;
    this.#participants += joined ? 1 : -1;
    this.#emit({ type: joined ? 'participant_joined' : 'participant_left', identity: p.identity });
    if (!joined || this.#greeted) return;
    this.#greeted = true;
    clearTimeout(this.#joinTimer);
    const script = this.#o.startScript?.trim();
    if (script) void this.#say(script);
  }

  /** Runs voice activity on a participant's audio; a finished turn gets a spoken reply. */
  #listen(track: RemoteTrack, p: RemoteParticipant): void {
    if (track.kind !== TrackKind.KIND_AUDIO || this.#leaving) return;
    const reader = new AudioStream(track, { sampleRate: LISTEN_RATE, numChannels: 1 }).getReader();
    this.#listening.add(reader);
    const vad = new VoiceActivity(this.#o.vad);
    void (async () => {
      for (;;) {
        const { value: frame, done } = await reader.read();
        if (done || this.#leaving) break;
        const ms = (frame.samplesPerChannel * 1000) / frame.sampleRate;
        const change = vad.push(rmsLevel(frame.data), ms);
        if (change === 'start' && this.#speaking) {
          // Barge-in: the character stops talking when the user talks over it.
          this.#media?.player.interruptAll();
        } else if (change === 'end') {
          const turn = ++this.#turn;
          this.#emit({ type: 'user_turn', identity: p.identity, turn, speechMs: vad.lastTurnMs });
          void this.#transcribe('user', turn, `[speech ${(vad.lastTurnMs / 1000).toFixed(1)} s]`);
          const reply = (this.#o.reply ?? DEFAULT_REPLY)(turn, vad.lastTurnMs);
          if (reply) void this.#say(reply, turn);
        }
      }
    })()
      .catch(() => {})
      .finally(() => this.#listening.delete(reader));
  }

  /** Says `text` after anything already being said. */
  #say(text: string, turn = this.#turn): Promise<void> {
    this.#sayTail = this.#sayTail.then(() => this.#sayNow(text, turn)).catch(() => {});
    return this.#sayTail;
  }

  async #sayNow(text: string, turn: number): Promise<void> {
    const media = this.#media;
    if (!media || this.#leaving) return;
    const seg = media.player.openSegment({
      index: turn,
      senderIdentity: '',
      sampleRate: media.player.sampleRate,
      channels: 1,
      bytes: 0,
      receivedSeconds: speechDurationMs(text) / 1000,
    });
    const done = new Promise<SegmentOutcome | undefined>((resolve) =>
      this.#segmentDone.set(seg, resolve),
    );
    this.#speaking = seg;
    void this.#transcribe('assistant', turn, text);
    await speak(text, media.player, seg);
    const outcome = await done;
    if (this.#speaking === seg) this.#speaking = undefined;
    if (!outcome) return; // left while speaking
    this.#emit({
      type: 'character_speech',
      turn,
      text,
      playedMs: Math.round(outcome.playbackPositionSeconds * 1000),
      interrupted: outcome.interrupted,
    });
  }

  async #transcribe(role: 'user' | 'assistant', turn: number, text: string): Promise<void> {
    const data = new TextEncoder().encode(
      JSON.stringify({ type: 'transcription', role, turn, text }),
    );
    await this.#room.localParticipant?.publishData(data, { reliable: true }).catch(() => {});
  }

  #onData(payload: Uint8Array, p: RemoteParticipant | undefined): void {
    if (this.#leaving || !p) return;
    let message: unknown;
    try {
      message = JSON.parse(new TextDecoder().decode(payload));
    } catch {
      return;
    }
    if ((message as { type?: unknown } | null)?.type !== 'END_CALL') return;
    this.#emit({ type: 'end_call', identity: p.identity });
    void this.#leave('end_call');
  }

  async #leave(reason: WorkerLeaveReason, detail?: string): Promise<void> {
    if (this.#leaving) return;
    this.#leaving = true;
    await this.#teardown();
    this.#finish(reason, detail);
  }

  async #teardown(): Promise<void> {
    clearTimeout(this.#joinTimer);
    for (const r of this.#listening) void r.cancel().catch(() => {});
    this.#media?.video.stop();
    for (const resolve of this.#segmentDone.values()) resolve(undefined);
    this.#segmentDone.clear();
    await this.#room.disconnect().catch(() => {});
    await closeAvatarMedia(this.#media);
  }

  #finish(reason: WorkerLeaveReason, detail?: string): void {
    if (this.#state === 'left') return;
    this.#leaving = true;
    this.#state = 'left';
    const body =
      detail === undefined
        ? { type: 'left' as const, reason }
        : { type: 'left' as const, reason, detail };
    this.#resolveEnded(this.#emit(body) as CharacterLeftEvent);
  }

  #emit(body: EventBody): CharacterEvent {
    const ev = { ...body, sessionId: this.sessionId, atMs: Date.now() } as CharacterEvent;
    try {
      this.#o.onEvent?.(ev);
    } catch {
      // a listener's failure is not the worker's
    }
    return ev;
  }
}
