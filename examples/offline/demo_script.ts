// The conversation the offline example agent follows (AGENT_OFFLINE=1): greeting, user lines, replies.
import type { ScriptedTurn } from './scripted_llm.js';

/** Instructions the example agent greets with (`session.generateReply({ instructions })`). */
export const GREETING_INSTRUCTIONS = 'Greet the user warmly and offer your help.';

/** What the offline agent says first. */
export const OFFLINE_GREETING = 'Meow! Hello there. I am your offline cat. Say something to me!';

/**
 * What the simulated user says, in order (EnergySTT's transcripts), each with the scripted reply.
 * EnergySTT cycles through the lines, one per burst of audio energy from the user.
 */
export const OFFLINE_DIALOGUE: ReadonlyArray<{ user: string; reply: string }> = [
  { user: 'Hi cat, can you hear me?', reply: 'Loud and clear! I heard a burst of sound from you.' },
  {
    user: 'What can you do?',
    reply: 'I can talk, blink and move my lips. Everything you hear is synthesized offline.',
  },
  {
    user: 'Tell me something fun.',
    reply: 'Cats sleep for about two thirds of their lives. Purr.',
  },
  { user: 'Thanks, goodbye!', reply: 'Goodbye! Come back any time.' },
];

/** Reply to anything the script does not cover. */
export const OFFLINE_FALLBACK = 'Sorry, I only know a few lines. Try saying something else.';

/** The ScriptedLLM script of the offline agent: greeting, dialogue, fallback. */
export const OFFLINE_TURNS: readonly ScriptedTurn[] = [
  { instructions: GREETING_INSTRUCTIONS, reply: OFFLINE_GREETING },
  ...OFFLINE_DIALOGUE,
  { reply: OFFLINE_FALLBACK },
];
