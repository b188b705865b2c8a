// Which of the running agent's function tools the `agentTools` option exposes to the character. Pure.
import { closest } from '../api/option_errors.js';
import { toolError } from './definitions.js';

/**
 * The names of the agent's function tools to expose: none for `false`, all of `available` for `true`,
 * else the listed names in the listed order. A listed name the agent does not have is refused at
 * `start()`, with "Did you mean" when one is close (the option itself was checked at construction, before
 * the agent's tools were known).
 */
export function selectAgentTools(
  option: boolean | readonly string[],
  available: readonly string[],
  optionName = 'agentTools',
): string[] {
  if (option === false) return [];
  if (option === true) return [...available];
  return option.map((name, i) => {
    if (available.includes(name)) return name;
    const suggestion = closest(name, available);
    throw toolError(
      `${optionName}[${i}]`,
      JSON.stringify(name),
      available.length === 0
        ? 'the name of a function tool of the running agent (it has none)'
        : `the name of a function tool of the running agent (${available.join(', ')})`,
      {
        problem: 'the agent has no function tool of that name',
        ...(suggestion === undefined ? {} : { suggestion }),
      },
    );
  });
}
