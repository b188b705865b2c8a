// Bench child role `world`: the Runway emulator with its avatar workers in real rooms, in a process of its
// own, so the plugin's process (concurrency, soak) holds only the plugin's side.
import type { EmulatorMode, RunningEmulator } from '../../src/emulator/index.js';
import { startEmulator } from '../../src/emulator/index.js';
import {
  createLiveKitWorkerDriver,
  type LiveKitWorkerDriver,
} from '../../src/emulator/worker/livekit_driver.js';
import type { WorkerAudioOptions, WorkerVideoOptions } from '../../src/emulator/worker/types.js';
import type { RoleHandlers } from './ipc.js';

/** Parameters of `init`. */
export interface WorldInit {
  mode?: EmulatorMode;
  provisioningMs: number;
  video: WorkerVideoOptions;
  audio?: WorkerAudioOptions;
}

/** What `billing` answers: sessions billing now, not ended, and counts by status. */
export interface WorldBilling {
  sessions: number;
  sessionsBilling: number;
  notEnded: number;
  byStatus: Record<string, number>;
  workersRunning: number;
}

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

/** The role's methods. */
export function handlers(): RoleHandlers {
  let emulator: RunningEmulator | undefined;
  let driver: LiveKitWorkerDriver | undefined;
  return {
    async init(p: WorldInit) {
      driver = createLiveKitWorkerDriver({
        video: p.video,
        ...(p.audio ? { audio: p.audio } : {}),
      });
      emulator = await startEmulator({
        mode: p.mode ?? 'integration',
        provisioningMs: p.provisioningMs,
        queuedMs: 0,
        driver,
        maxRequestLog: 1000,
      });
      return { url: emulator.url, apiKey: emulator.apiKey };
    },
    billing(): WorldBilling {
      const sessions = emulator?.sessions() ?? [];
      const byStatus: Record<string, number> = {};
      for (const s of sessions) byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
      return {
        sessions: sessions.length,
        sessionsBilling: emulator?.billing().sessionsBilling ?? 0,
        notEnded: sessions.filter((s) => !TERMINAL.has(s.status)).length,
        byStatus,
        workersRunning: driver?.workers.size ?? 0,
      };
    },
    /** This process's memory and CPU (the emulator's and its workers' cost, for the notes). */
    usage() {
      return { memory: process.memoryUsage(), cpu: process.cpuUsage() };
    },
    async shutdown() {
      await emulator?.close();
    },
  };
}
