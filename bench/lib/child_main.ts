// Entry of a forked bench process: quiets the logs, loads the role named on its command line and serves it.
import { dropNativeLogEvents } from './ffi_logs.js';
import { serveParent } from './ipc.js';

const ROLES = {
  world: () => import('./role_world.js'),
  bridge: () => import('./role_bridge.js'),
  viewer: () => import('./role_viewer.js'),
} as const;

const role = process.argv[2] as keyof typeof ROLES | undefined;
const load = role ? ROLES[role] : undefined;
if (!load) {
  process.stderr.write(`bench child: unknown role ${role}\n`);
  process.exit(2);
}
// The emulator's and the viewers' processes stand in for Runway and for users: spare them rtc-node's
// native log events (ffi_logs.ts). The bridge's process is the plugin's and keeps them, as in production.
if (role !== 'bridge') dropNativeLogEvents();
// Loaded after NODE_ENV is set (forkRole sets it), so rtc-node's own logger stays at info.
const { initializeLogger } = await import('@livekit/agents');
initializeLogger({ pretty: false, level: process.env.LOG_LEVEL ?? 'silent' });
const mod = await load();
serveParent(mod.handlers());
