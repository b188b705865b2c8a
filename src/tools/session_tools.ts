// The tools one avatar session declares: the user's, plus the agent's own when exposed. Built once at
// start(), before any request, and reused by every Runway session of the avatar (renewal, respawn).
import type { voice } from '@livekit/agents';
import type { ResolvedOptions } from '../options.js';
import { exposeAgentTools } from './agent_tools.js';
import { mergeTools, toolError, toWireTools } from './definitions.js';
import { selectAgentTools } from './selection.js';
import type { BackendRpcTool, RunwayTool, RunwayToolWire } from './types.js';

/** The tools of an avatar session, as sent and as served. */
export interface SessionTools {
  /** Sent in the create body of every hosted session. */
  readonly wire: readonly RunwayToolWire[];
  /** Answered by the plugin's handler participant, one per Runway session. */
  readonly backend: readonly BackendRpcTool[];
}

/** No tools: nothing sent, no handler joined. */
export const NO_TOOLS: SessionTools = { wire: [], backend: [] };

/** The session's tools from an already validated, merged list (see definitions.ts). */
export function sessionTools(tools: readonly RunwayTool[]): SessionTools {
  if (tools.length === 0) return NO_TOOLS;
  return {
    wire: toWireTools(tools),
    backend: tools.filter((t): t is BackendRpcTool => t.type === 'backend_rpc'),
  };
}

/**
 * The avatar session's tools, resolved at `start()` before any request: the user's `tools` plus the
 * agent's own ones `agentTools` names. Throws a RunwayOptionError naming the option and the tool.
 */
export function resolveSessionTools(
  options: Pick<ResolvedOptions, 'tools' | 'agentTools' | 'agentToolTimeoutSeconds'>,
  agentSession: voice.AgentSession,
): SessionTools {
  const { agentTools } = options;
  if (agentTools === false) return sessionTools(options.tools);
  const list = Array.isArray(agentTools) ? (agentTools as readonly string[]) : undefined;
  const agent =
    agentTools === true || list ? runningAgent(agentSession) : (agentTools as voice.Agent);
  const available = Object.keys(agent.toolCtx.functionTools);
  const names = selectAgentTools(list ?? true, available);
  const exposed = exposeAgentTools(agentSession, agent, names, options.agentToolTimeoutSeconds);
  return sessionTools(mergeTools(options.tools, exposed));
}

/** The agent the AgentSession runs; a clear error when it runs none yet. */
function runningAgent(agentSession: voice.AgentSession): voice.Agent {
  try {
    return agentSession.currentAgent;
  } catch {
    throw toolError(
      'agentTools',
      'true or a list of names while the AgentSession runs no agent yet',
      'a voice.Agent (agentTools: agent) when avatar.start() comes before session.start(), or true / a list once the session has started',
      { problem: 'the tools of the running agent are not known before session.start()' },
    );
  }
}
