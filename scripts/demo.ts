// `npm run demo`: one-command offline demo of a LiveKit agent with a Runway avatar (local server, emulator, simulated user).
import { fileURLToPath } from 'node:url';
import { DEMO_HELP, parseDemoArgs } from './demo/args.js';
import { Progress, seconds } from './demo/progress.js';
import {
  ensureLiveKitServerBinary,
  LIVEKIT_SERVER_VERSION,
  liveKitServerCacheDir,
  REPO_ROOT,
} from './lib/livekit_server.js';
import { canUsePrivateNetns, NETNS_ENV_FLAG, rerunInPrivateNetns } from './lib/netns.js';

/*
 * Environment:
 *   DEMO_NETNS=0             same as --no-netns: stay on the host network.
 *   DEMO_AGENT_LOG_LEVEL     log level of the agent worker (default info; its output goes to agent.log).
 * Inside a private network namespace already (LIVEKIT_E2E_NETNS=1, as in `npm test`), the demo runs
 * there directly. Otherwise it provides the livekit-server binary (which may need the Go module
 * proxy) and re-runs itself in a fresh namespace, so no packet leaves the machine.
 */

/** Set in the re-executed demo: the parent's start time, so step times continue. */
const START_ENV = 'DEMO_STARTED_AT_MS';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  let args: ReturnType<typeof parseDemoArgs>;
  try {
    args = parseDemoArgs(argv, process.env);
  } catch (err) {
    process.stderr.write(`demo: ${(err as Error).message} (see --help)\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${DEMO_HELP}\n`);
    return 0;
  }
  const inherited = Number(process.env[START_ENV]);
  const progress = new Progress(
    Number.isFinite(inherited) && inherited > 0 ? inherited : undefined,
  );
  const inNetns = process.env[NETNS_ENV_FLAG] === '1';

  if (!process.env[START_ENV]) {
    progress.step(
      `Runway avatar demo: strategy ${args.strategy}, emulator mode ${args.mode}, ` +
        `${seconds(args.conversationMs, 0)} of conversation (offline: no keys, no internet)`,
    );
    const started = Date.now();
    const bin = await ensureLiveKitServerBinary();
    const built = Date.now() - started > 5000;
    progress.step(
      bin.startsWith(liveKitServerCacheDir())
        ? `livekit-server ${LIVEKIT_SERVER_VERSION} binary ${built ? `built in ${seconds(Date.now() - started, 0)}` : 'found'} (${bin})`
        : `livekit-server binary: ${bin}`,
    );
    if (!inNetns && args.netns) {
      const probe = await canUsePrivateNetns();
      if (probe.ok) {
        progress.step('re-running inside a private network namespace (lo + veth only)');
        return rerunInPrivateNetns(fileURLToPath(import.meta.url), argv, {
          cwd: REPO_ROOT,
          label: 'demo',
          env: { [START_ENV]: String(progress.startEpochMs) },
        });
      }
      progress.step(
        `note: cannot create a private network namespace (${probe.reason}); using the host ` +
          'network (servers listen on 127.0.0.1 only)',
      );
    } else if (!inNetns && args.web) {
      progress.step(
        'note: --web: using the host network, so that a browser on this machine reaches the page ' +
          "(every server listens on 127.0.0.1 only; WebRTC may still gather the host's interface addresses)",
      );
    } else if (!inNetns) {
      progress.step(
        'note: --no-netns: using the host network (servers listen on 127.0.0.1 only; WebRTC may ' +
          "still gather the host's interface addresses)",
      );
    }
  }
  const network = inNetns ? 'private network namespace' : 'host network (loopback only)';
  // rtc-node logs at debug level unless NODE_ENV=production; it reads that when first loaded.
  process.env['NODE_ENV'] ??= 'production';
  const { runDemo } = await import('./demo/run.js');
  return runDemo(args, progress, network);
}

main().then(
  (code) => {
    // rtc-node keeps native handles alive: exit explicitly once the demo is done.
    process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(
      `demo: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
