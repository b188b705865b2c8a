// The agent's own function tools (`llm.tool`) offered to a hosted character as backend_rpc tools. A call
// runs the tool's `execute` with a RunContext on the agent's session, as the agent's LLM would, and the
// call and its output are written to the session's history and announced as `function_tools_executed`.
import { randomUUID } from 'node:crypto';
import { llm, voice } from '@livekit/agents';
import { RunwayOptionError } from '../errors.js';
import { agentToolToRunway } from './json_schema_params.js';
import type { BackendRpcCall, BackendRpcTool } from './types.js';

/** Which of an agent's tools to expose, and how long the character waits for each. */
export interface AgentToolsSelection {
  /** The agent whose tools are offered. */
  agent: voice.Agent;
  /** Only these tools (default: all of them). */
  names?: readonly string[];
  /** Runway's `timeoutSeconds` for each: 1..8. */
  timeoutSeconds: number;
}

/**
 * The agent's function tools as backend_rpc tools of the character. Throws a RunwayOptionError naming
 * the tool and the field when a tool cannot be expressed in Runway's parameter schema, or when a named
 * tool is not one of the agent's.
 */
export function exposeAgentTools(
  session: voice.AgentSession,
  selection: AgentToolsSelection,
): BackendRpcTool[] {
  const all = selection.agent.toolCtx.functionTools;
  const names = selection.names ?? Object.keys(all);
  return names.map((name) => {
    const tool = all[name];
    if (!tool) {
      const known = Object.keys(all);
      throw new RunwayOptionError(
        'agentTools',
        `Invalid agentTools: "${name}" is not a function tool of the agent; its tools are ${
          known.length > 0 ? known.map((n) => `"${n}"`).join(', ') : 'none'
        }.`,
      );
    }
    const definition = agentToolToRunway(name, tool);
    return {
      type: 'backend_rpc',
      ...definition,
      timeoutSeconds: selection.timeoutSeconds,
      handler: (args, call) => runAgentTool(session, name, tool, args, call),
    } satisfies BackendRpcTool;
  });
}

/** Runs one call of an agent tool as the agent would, recording it in the session's history. */
async function runAgentTool(
  session: voice.AgentSession,
  name: string,
  tool: llm.FunctionTool,
  args: Record<string, unknown>,
  call: BackendRpcCall,
): Promise<unknown> {
  const functionCall = llm.FunctionCall.create({
    callId: `runway_${randomUUID()}`,
    name,
    args: JSON.stringify(args),
  });
  let output: llm.FunctionCallOutput | undefined;
  try {
    const params = await parseArguments(tool, args);
    // The call has no speech of its own: Runway's character speaks. The handle only completes the
    // context a tool expects (userData, session, functionCall).
    const speech = voice.SpeechHandle.create({ allowInterruptions: false });
    const ctx = new voice.RunContext(session, speech, functionCall);
    // The arguments came from JSON and passed the tool's schema: they are JSON values.
    const result = await tool.execute(params as Parameters<typeof tool.execute>[0], {
      ctx,
      toolCallId: functionCall.callId,
      abortSignal: call.signal,
    });
    output = llm.FunctionCallOutput.create({
      callId: functionCall.callId,
      name,
      output: JSON.stringify(result ?? null),
      isError: false,
    });
    return result;
  } catch (error) {
    output = llm.FunctionCallOutput.create({
      callId: functionCall.callId,
      name,
      // What agents-js shows the LLM: a ToolError's message is meant for the model; anything else is not.
      output: error instanceof llm.ToolError ? error.message : 'Tool execution failed',
      isError: true,
    });
    throw error;
  } finally {
    if (output) record(session, functionCall, output);
  }
}

/** Validates the character's arguments with the tool's schema (and its defaults), as the agent would. */
async function parseArguments(
  tool: llm.FunctionTool,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const schema = tool.parameters as { safeParseAsync?: (v: unknown) => Promise<ParseResult> };
  if (typeof schema.safeParseAsync !== 'function') return args;
  const parsed = await schema.safeParseAsync(args);
  if (!parsed.success) throw new llm.ToolError('The arguments do not match the tool’s parameters.');
  return parsed.data as Record<string, unknown>;
}

interface ParseResult {
  success: boolean;
  data?: unknown;
}

/** Writes the call and its output to the agent's history and tells the session's listeners. */
function record(
  session: voice.AgentSession,
  functionCall: llm.FunctionCall,
  output: llm.FunctionCallOutput,
): void {
  session.history.insert([functionCall, output]);
  session.emit(
    voice.AgentSessionEventTypes.FunctionToolsExecuted,
    voice.createFunctionToolsExecutedEvent({
      functionCalls: [functionCall],
      functionCallOutputs: [output],
    }),
  );
}
