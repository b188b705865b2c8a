// The simulated user's side of the conversation: wait for the greeting, speak scripted lines, hear each reply.
import { OFFLINE_DIALOGUE } from '../../examples/offline/index.js';
import type { Utterance } from './audio_watch.js';
import type { Progress } from './progress.js';
import type { SimulatedUser } from './user.js';

/** Time one exchange needs (a user line of ~1.5 s and a reply of ~3 s, with margins). */
const EXCHANGE_MS = 6000;
/** How long to wait for the greeting to start after the first frame. */
const GREETING_START_MS = 10_000;
/** How long to wait for a reply to start after the user's line. */
const REPLY_START_MS = 8000;
/** Longest utterance waited for. */
const UTTERANCE_MAX_MS = 20_000;
/**
 * The user speaks only after the avatar has been quiet this long: a TTS that falls behind real
 * time on a busy machine leaves gaps between sentences, and the user must not talk over them.
 */
const QUIET_BEFORE_SPEAKING_MS = 1500;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/** Resolves with the next utterance to start (or undefined after `timeoutMs`). */
function nextUtterance(user: SimulatedUser, afterCount: number, timeoutMs: number) {
  return new Promise<Utterance | undefined>((resolve) => {
    const audio = user.audio!;
    if (audio.utterances.length > afterCount) {
      resolve(audio.utterances[afterCount]);
      return;
    }
    const timer = setTimeout(() => {
      off();
      resolve(undefined);
    }, timeoutMs);
    const off = audio.onUtterance((u, ended) => {
      if (ended) return;
      clearTimeout(timer);
      off();
      resolve(u);
    });
  });
}

/** Resolves when `u` has ended (or after `timeoutMs`). */
function utteranceEnd(user: SimulatedUser, u: Utterance, timeoutMs: number) {
  return new Promise<void>((resolve) => {
    const audio = user.audio!;
    if (audio.utterances.at(-1) !== u || !audio.speaking) {
      resolve();
      return;
    }
    const timer = setTimeout(() => {
      off();
      resolve();
    }, timeoutMs);
    const off = audio.onUtterance((ended, isEnd) => {
      if (ended !== u || !isEnd) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

/** Resolves once the avatar has been quiet for `quietMs` (or after `timeoutMs`). */
async function quietFor(user: SimulatedUser, quietMs: number, timeoutMs: number): Promise<void> {
  const audio = user.audio!;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const last = audio.lastAudibleAtMs ?? 0;
    if (!audio.speaking && Date.now() - last >= quietMs) return;
    await sleep(50);
  }
}

/** What the user said, relative to its join. */
export interface UserLine {
  text: string;
  atMs: number;
  durationMs: number;
}

/**
 * Runs the conversation until `deadlineAtMs` (at least one exchange): listens to the greeting,
 * then says the scripted user lines one by one, each after the previous reply has ended.
 * `describe(u)` names a heard utterance for the progress line.
 */
export async function converse(
  user: SimulatedUser,
  progress: Progress,
  deadlineAtMs: number,
  describe: (u: Utterance) => string,
): Promise<UserLine[]> {
  const lines: UserLine[] = [];
  const audio = user.audio!;
  let reported = 0;
  const heard = (u: Utterance) => {
    reported = Math.max(reported, audio.utterances.indexOf(u) + 1);
    progress.step(`heard ${(u.durationMs / 1000).toFixed(1)} s: ${describe(u)}`);
  };
  const hear = async (u: Utterance, label: string) => {
    progress.step(`hearing the avatar (${label})...`, u.startAtMs);
    await utteranceEnd(user, u, UTTERANCE_MAX_MS);
    heard(u);
  };

  const greeting = await nextUtterance(user, 0, GREETING_START_MS);
  if (greeting) await hear(greeting, 'greeting');
  else progress.warn(`no greeting heard within ${GREETING_START_MS / 1000} s; speaking anyway`);

  for (const turn of OFFLINE_DIALOGUE) {
    if (lines.length > 0 && deadlineAtMs - Date.now() < EXCHANGE_MS) break;
    // Anything still being said (a greeting in pieces) ends first: the user never talks over it.
    await quietFor(user, QUIET_BEFORE_SPEAKING_MS, UTTERANCE_MAX_MS);
    for (const u of audio.utterances.slice(reported)) heard(u);
    const before = audio.utterances.length;
    const at = Date.now();
    progress.step(`user says ${JSON.stringify(turn.user)}`);
    const ms = await user.say(turn.user);
    lines.push({ text: turn.user, atMs: at - user.joinedAtMs, durationMs: Math.round(ms) });
    const reply = await nextUtterance(user, before, REPLY_START_MS);
    if (!reply) {
      progress.warn(`no reply heard within ${REPLY_START_MS / 1000} s`);
      continue;
    }
    await hear(reply, `reply ${lines.length}`);
  }
  const left = deadlineAtMs - Date.now();
  if (left > 0) {
    progress.step(`listening for ${(left / 1000).toFixed(1)} s more...`);
    await sleep(left);
  }
  return lines;
}
