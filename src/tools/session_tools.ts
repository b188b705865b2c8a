// The tools one avatar session declares: the user's, plus the agent's own when exposed. Built once at
// start(), before any request, and reused by every Runway session of the avatar (renewal, respawn).
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
export function sessionTools(
  tools: readonly RunwayTool[],
  toWire: (tools: RunwayTool[]) => RunwayToolWire[],
): SessionTools {
  if (tools.length === 0) return NO_TOOLS;
  return {
    wire: toWire([...tools]),
    backend: tools.filter((t): t is BackendRpcTool => t.type === 'backend_rpc'),
  };
}
