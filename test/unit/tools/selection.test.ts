// Which of the agent's function tools agentTools exposes, a listed name the agent lacks refused at start().
import { describe, expect, it } from 'vitest';
import { selectAgentTools } from '../../../src/tools/selection.js';
import { optionError as refusal } from '../../support/option_error.js';

describe('selectAgentTools', () => {
  const available = ['get_time', 'get_weather', 'lookup_order'];

  it('exposes none, all, or the listed names in the listed order', () => {
    expect(selectAgentTools(false, available)).toEqual([]);
    expect(selectAgentTools(true, available)).toEqual(available);
    expect(selectAgentTools(true, [])).toEqual([]);
    expect(selectAgentTools(['lookup_order', 'get_time'], available)).toEqual([
      'lookup_order',
      'get_time',
    ]);
    expect(selectAgentTools([], available)).toEqual([]);
  });

  it('refuses a name the agent does not have, with Did you mean', () => {
    const e = refusal(() => selectAgentTools(['get_time', 'get_wether'], available));
    expect(e.option).toBe('agentTools[1]');
    expect(e.suggestion).toBe('get_weather');
    expect(e.message).toBe(
      'Invalid option agentTools[1]: received "get_wether" (the agent has no function tool of that name); expected the name of a function tool of the running agent (get_time, get_weather, lookup_order). Did you mean "get_weather"?',
    );
  });

  it('says when the agent has no function tool at all', () => {
    expect(refusal(() => selectAgentTools(['x'], [])).message).toMatch(/\(it has none\)/);
  });
});
