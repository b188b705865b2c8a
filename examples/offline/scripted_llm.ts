// ScriptedLLM: scripted replies for offline runs, on top of the FakeLLM that @livekit/agents ships.
import { llm, voice } from '@livekit/agents';

/** Timing of a scripted reply (both optional, milliseconds). */
interface ReplyTiming {
  /** Delay before the first token. */
  ttftMs?: number;
  /** Minimum total duration of the reply stream. */
  durationMs?: number;
}

/**
 * One scripted turn:
 * - `{ user, reply }` answers a user message equal to `user` (case- and whitespace-insensitive) or
 *   matching the RegExp;
 * - `{ instructions, reply }` answers a `generateReply({ instructions })` whose instructions end with
 *   `instructions` (or whose system prompt matches the RegExp), when no user message is last;
 * - `{ reply }` is a fallback: requests that match nothing get the fallbacks in order, cycling.
 */
export type ScriptedTurn = ReplyTiming &
  (
    | { user: string | RegExp; reply: string }
    | { instructions: string | RegExp; reply: string }
    | { reply: string }
  );

const KEY_PREFIX = 'scripted-turn-';
const NO_MATCH = `${KEY_PREFIX}none`;

const norm = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

function matches(pattern: string | RegExp, text: string, mode: 'equals' | 'endsWith'): boolean {
  if (pattern instanceof RegExp) return pattern.test(text);
  return mode === 'equals' ? norm(text) === norm(pattern) : norm(text).endsWith(norm(pattern));
}

/**
 * A `voice.testing.FakeLLM` whose replies are chosen by {@link ScriptedTurn} rules instead of by the
 * exact text of the last user message. For each request it picks a turn from the chat context,
 * then lets FakeLLM stream that turn's reply (3 characters per chunk, honouring `ttftMs` and
 * `durationMs`). A request that matches nothing and has no fallback gets an empty reply.
 */
export class ScriptedLLM extends voice.testing.FakeLLM {
  readonly #turns: readonly ScriptedTurn[];
  readonly #fallbacks: number[];
  #nextFallback = 0;
  /** Index (into the script) of the turn chosen for each request so far; -1 when none matched. */
  readonly chosen: number[] = [];

  constructor(turns: readonly ScriptedTurn[]) {
    super(
      turns.map((t, i) => ({
        input: `${KEY_PREFIX}${i}`,
        content: t.reply,
        ttft: t.ttftMs ?? 0,
        duration: t.durationMs ?? 0,
      })),
    );
    this.#turns = turns;
    this.#fallbacks = turns.flatMap((t, i) => ('user' in t || 'instructions' in t ? [] : [i]));
  }

  override label(): string {
    return 'offline.ScriptedLLM';
  }

  /** The index of the scripted turn that answers `chatCtx`, or -1. */
  pick(chatCtx: llm.ChatContext): number {
    const items = chatCtx.items;
    const last = items[items.length - 1];
    if (last?.type === 'message' && last.role === 'user') {
      const text = last.textContent ?? '';
      const i = this.#turns.findIndex((t) => 'user' in t && matches(t.user, text, 'equals'));
      if (i >= 0) return i;
    } else {
      const system = items.find((it) => it.type === 'message' && it.role === 'system');
      const prompt = system?.type === 'message' ? (system.textContent ?? '') : '';
      const i = this.#turns.findIndex(
        (t) => 'instructions' in t && matches(t.instructions, prompt, 'endsWith'),
      );
      if (i >= 0) return i;
    }
    if (this.#fallbacks.length === 0) return -1;
    const i = this.#fallbacks[this.#nextFallback % this.#fallbacks.length]!;
    this.#nextFallback++;
    return i;
  }

  override chat(params: Parameters<voice.testing.FakeLLM['chat']>[0]): llm.LLMStream {
    const index = this.pick(params.chatCtx);
    this.chosen.push(index);
    // FakeLLM answers the last user message: hand it a one-message context naming the chosen turn.
    const keyCtx = new llm.ChatContext();
    keyCtx.addMessage({ role: 'user', content: index >= 0 ? `${KEY_PREFIX}${index}` : NO_MATCH });
    return super.chat({ ...params, chatCtx: keyCtx });
  }
}

/** Shorthand for `new ScriptedLLM(turns)`. */
export function scriptedLLM(turns: readonly ScriptedTurn[]): ScriptedLLM {
  return new ScriptedLLM(turns);
}
