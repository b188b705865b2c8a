// Public entry: re-exports the plugin's API and registers the plugin with @livekit/agents.
import { Plugin } from '@livekit/agents';
import { PACKAGE_NAME, VERSION } from './version.js';

export type {
  ConsumeResult,
  PresetId,
  RealtimeSession,
  SessionStatus,
} from './api/types.js';
export { PRESET_IDS } from './api/types.js';
export {
  AvatarSession,
  type AvatarSessionEvents,
  type RunwayClientEvent,
  type RunwayTranscription,
} from './avatar_session.js';
export {
  RunwayAPIError,
  RunwayAvatarError,
  RunwayConnectionError,
  type RunwayIssue,
  RunwayOptionError,
  RunwayTimeoutError,
  RunwayUnreachableLiveKitError,
  RunwayUnsupportedShapeError,
} from './errors.js';
export type { EmitEvent, PluginEventName } from './events.js';
export { STATE_DIR_ENV } from './learning/store.js';
export type { StartOptions } from './livekit/credentials.js';
export type { AvatarSessionOptions, StrategyOption } from './options.js';
export type { OwnerState as AvatarState } from './session/owner.js';
export type {
  BridgeMilestones,
  BridgeStats,
  RunwayDataMessage,
  VideoAdaptation,
  VideoLimitation,
} from './strategies/bridge.js';
export { resetStrategyCache } from './strategies/detect.js';
export { prewarmStrategy } from './strategies/prewarm.js';
export { probeStrategy } from './strategies/probe.js';
export type { StrategyName } from './strategies/strategy.js';
export { CLIENT_EVENT_TOPIC } from './tools/definitions.js';
export type {
  BackendRpcCall,
  BackendRpcHandler,
  BackendRpcTool,
  ClientEventTool,
  RunwayScalarType,
  RunwayTool,
  RunwayToolParameter,
  RunwayToolWire,
} from './tools/types.js';
export { PACKAGE_NAME, VERSION } from './version.js';

class RunwayPlugin extends Plugin {
  constructor() {
    super({ title: 'runway', version: VERSION, package: PACKAGE_NAME });
  }
}

Plugin.registerPlugin(new RunwayPlugin());
