// The example agent's one function tool. With the hosted strategy the plugin offers it to Runway's
// character (AvatarSession option `agentTools`); with a bring-your-own-room strategy the agent's own LLM
// calls it as usual.
import { llm } from '@livekit/agents';
import { z } from 'zod';

/** The name the character (or the agent's LLM) calls it by. */
export const TIME_TOOL = 'time_in_city';

/** The local time in a city, from its IANA time zone. */
export const timeInCity = llm.tool({
  description:
    'The current local time in a city. Use it when the user asks what time it is somewhere.',
  parameters: z.object({
    city: z.string().describe('The city, as the user said it, e.g. "Paris".'),
    timeZone: z.string().describe('The IANA time zone of the city, e.g. "Europe/Paris".'),
  }),
  execute: async ({ city, timeZone }) => {
    let time: string;
    try {
      time = new Intl.DateTimeFormat('en-GB', {
        timeZone,
        hour: '2-digit',
        minute: '2-digit',
      }).format(new Date());
    } catch {
      // Shown to the model (and to Runway's character): it can ask again with a valid zone.
      throw new llm.ToolError(`"${timeZone}" is not an IANA time zone`);
    }
    return { city, timeZone, time };
  },
});
