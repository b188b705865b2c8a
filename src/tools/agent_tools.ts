// The agent's own function tools (`llm.tool`) offered to a hosted character as backend_rpc tools. A call
// runs the tool's `execute` with a RunContext on the agent's session, as the agent's LLM would, and the
// call and its output are written to the session's history and announced as `function_tools_executed`.
import { randomUUID } from 'node:crypto';
import { llm, voice } from '@livekit/agents';
import { agentToolToRunway } from './json_schema_params.js';
import type { BackendRpcCall, BackendRpcTool } from './types.js';

/**
 * The agent's function tools named by `names` as backend_rpc tools of the character, each waiting
 * `timeoutSeconds`. Throws a RunwayOptionError naming the tool and the field when a tool cannot be
 * expressed in Runway's parameter schema.
 */
export function exposeAgentTools(
  session: voice.AgentSession,
  agent: voice.Agent,
  names: readonly string[],
  timeoutSeconds: number,
): BackendRpcTool[] {
  const all = agent.toolCtx.functionTools;
  return names.map((name) => {
    const tool = all[name]!;
    const definition = agentToolToRunway(name, tool);
    return {
      type: 'backend_rpc',
      ...definition,
      timeoutSeconds,
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
