// Bench child role `bridge`: an agent in its own room running the plugin's hosted strategy (create → poll →
// consume → media bridge), alone in its process so the process's CPU is the bridge's.
import { voice } from '@livekit/agents';
import type { Room } from '@livekit/rtc-node';
import { SessionLedger } from '../../src/ending/ledger.js';
import type { BridgeStats } from '../../src/strategies/bridge.js';
import { HostedStrategy } from '../../src/strategies/hosted.js';
import type { ActiveAvatar, StrategyContext } from '../../src/strategies/strategy.js';
import { NativeLogCounter } from './ffi_logs.js';
import type { RoleHandlers } from './ipc.js';
import { connectRoom, type LiveKitCreds, monoMs } from './rooms.js';
import { pluginClient, pluginOptions } from './runway.js';

/** Parameters of `init`. */
export interface BridgeInit {
  livekit: LiveKitCreds;
  roomName: string;
  agentIdentity: string;
  api: { url: string; apiKey: string };
  /** The character's opening words (keeps it talking, for the picture–sound offset). */
  startScript?: string;
}

/** What `sample` answers: counters to difference between two samples. */
export interface ProcessSample {
  monoMs: number;
  /** `process.cpuUsage()`, µs. */
  cpu: NodeJS.CpuUsage;
  rss: number;
  /** rtc-node native log events that reached this process so far (see ffi_logs.ts). */
  nativeLogEvents: number;
  bridge?: Pick<
    BridgeStats,
    | 'videoFrames'
    | 'audioFrames'
    | 'userAudioFrames'
    | 'videoFramesScaled'
    | 'videoFramesStale'
    | 'audioFramesDropped'
    | 'videoWidth'
    | 'videoHeight'
    | 'videoAdaptation'
    | 'videoWaitMs'
  >;
}

/** The role's methods. */
export function handlers(): RoleHandlers {
  let init: BridgeInit | undefined;
  let room: Room | undefined;
  let active: ActiveAvatar | undefined;
  const agentSession = new voice.AgentSession({});
  const logs = new NativeLogCounter();
  return {
    async init(p: BridgeInit) {
      init = p;
      // The agent does not subscribe to anything: the figures are the bridge's, not the agent's.
      room = await connectRoom(p.livekit, {
        identity: p.agentIdentity,
        room: p.roomName,
        kind: 'agent',
        autoSubscribe: false,
      });
      return null;
    },
    async start() {
      if (!init || !room) throw new Error('init first');
      const options = pluginOptions(init.api, init.startScript);
      const lk = init.livekit;
      const client = pluginClient(options);
      const ctx: StrategyContext = {
        client,
        options,
        room,
        roomName: init.roomName,
        agentSession,
        agentIdentity: init.agentIdentity,
        livekit: () => lk,
        emit: () => {},
        signal: new AbortController().signal,
        sessions: new SessionLedger(client),
      };
      const t0 = monoMs();
      active = await new HostedStrategy().start(ctx);
      return { sessionId: active.sessionId, startMs: monoMs() - t0, t0 };
    },
    /** The first picture's milestones of the current bridge, on the shared monotonic clock (ms). */
    milestones(): Record<string, number> {
      const at = active?.bridge?.stats.firstPicture ?? {};
      const now = performance.now();
      const mono = monoMs();
      const out: Record<string, number> = {};
      for (const [k, v] of Object.entries(at)) if (v !== undefined) out[k] = mono - (now - v);
      return out;
    },
    sample(): ProcessSample {
      const stats = active?.bridge?.stats;
      return {
        monoMs: monoMs(),
        cpu: process.cpuUsage(),
        rss: process.memoryUsage().rss,
        nativeLogEvents: logs.events,
        ...(stats
          ? {
              bridge: {
                videoFrames: stats.videoFrames,
                audioFrames: stats.audioFrames,
                userAudioFrames: stats.userAudioFrames,
                videoFramesScaled: stats.videoFramesScaled,
                videoFramesStale: stats.videoFramesStale,
                audioFramesDropped: stats.audioFramesDropped,
                videoWidth: stats.videoWidth,
                videoHeight: stats.videoHeight,
                videoAdaptation: stats.videoAdaptation,
                videoWaitMs: stats.videoWaitMs,
              },
            }
          : {}),
      };
    },
    async stop() {
      await active?.end('bench over');
      active = undefined;
      return null;
    },
    async shutdown() {
      await active?.end('bench over');
      await room?.disconnect();
    },
  };
}
