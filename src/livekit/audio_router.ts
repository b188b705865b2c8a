// The agent's one audio output for the whole conversation: forwards to the current sink (the avatar, a
// replacement avatar, or a plain room track when the avatar is lost) and can switch sinks mid-session
// without replacing `agentSession.output.audio` (which would detach RoomIO's transcript synchroniser).
import { voice } from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';

type Finished = voice.PlaybackFinishedEvent;

/** A one-shot signal (Node 20 has no Promise.withResolvers). */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
type Started = voice.PlaybackStartedEvent;

/** Forwards frames to the current sink and relays its playback events; see the file comment. */
export class AudioRouter extends voice.AudioOutput {
  #sink: voice.AudioOutput;
  /** Segments the current sink was given and has not reported finished. */
  #sinkPending = 0;
  /** Settles when the sink is switched: a frame stuck in a sink that is gone stops waiting. */
  #switched = signal();
  /** While set, a new segment waits at its first frame (a handover is in progress). */
  #hold: ReturnType<typeof signal> | undefined;
  #capturing = false;

  constructor(sampleRate: number, sink: voice.AudioOutput) {
    super(sampleRate, undefined, { pause: false });
    this.#sink = sink;
    this.#listen(sink);
  }

  /** The sink audio goes to now. */
  get sink(): voice.AudioOutput {
    return this.#sink;
  }

  #onStarted = (ev: Started): void => this.onPlaybackStarted(ev.createdAt);

  #onFinished = (ev: Finished): void => {
    if (this.#sinkPending > 0) this.#sinkPending--;
    this.onPlaybackFinished(ev);
  };

  #listen(sink: voice.AudioOutput): void {
    sink.on(voice.AudioOutput.EVENT_PLAYBACK_STARTED, this.#onStarted);
    sink.on(voice.AudioOutput.EVENT_PLAYBACK_FINISHED, this.#onFinished);
  }

  #unlisten(sink: voice.AudioOutput): void {
    sink.off(voice.AudioOutput.EVENT_PLAYBACK_STARTED, this.#onStarted);
    sink.off(voice.AudioOutput.EVENT_PLAYBACK_FINISHED, this.#onFinished);
  }

  /**
   * Sends audio to `sink` from now on. A segment still playing on the old sink is reported finished
   * (interrupted) at once, so no turn waits on a sink that is gone; the rest of it goes to `sink`.
   */
  switchTo(sink: voice.AudioOutput): void {
    if (sink === this.#sink) return;
    const old = this.#sink;
    this.#unlisten(old);
    old.flush();
    this.#sink = sink;
    this.#listen(sink);
    const orphaned = this.#sinkPending;
    this.#sinkPending = 0;
    for (let i = 0; i < orphaned; i++) {
      this.onPlaybackFinished({ playbackPosition: 0, interrupted: true });
    }
    // The segment being captured (if any) continues on the new sink as a new segment.
    this.abandonOpenSegment();
    this.#capturing = false;
    this.#switched.resolve();
    this.#switched = signal();
  }

  /** True when no segment is being captured and the current sink has played out all it was given. */
  get idle(): boolean {
    return !this.#capturing && this.#sinkPending === 0;
  }

  /**
   * Makes the next segment wait at its first frame until {@link release}; the segment being captured
   * goes on. Gives a handover a pause between segments without cutting one.
   */
  holdNextSegment(): void {
    this.#hold ??= signal();
  }

  /** Lets held segments go (to whatever sink is current now). */
  release(): void {
    this.#hold?.resolve();
    this.#hold = undefined;
  }

  override async captureFrame(frame: AudioFrame): Promise<void> {
    if (!this.#capturing) {
      while (this.#hold) await this.#hold.promise;
      this.#capturing = true;
    }
    const before = this.capturedPlayoutSegments;
    await super.captureFrame(frame);
    if (this.capturedPlayoutSegments !== before) this.#sinkPending++;
    const delivered = this.#sink.captureFrame(frame);
    delivered.catch(() => {}); // a sink that is gone may reject after the switch
    await Promise.race([delivered, this.#switched.promise]);
  }

  override flush(): void {
    this.#capturing = false;
    super.flush();
    this.#sink.flush();
  }

  override clearBuffer(): void {
    this.#sink.clearBuffer();
  }
}
