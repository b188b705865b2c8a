// Dev tooling: runs a command inside a private network namespace holding only loopback and a veth pair it made.
import { spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/**
 * Address given to the namespace's own veth interface (RFC 2544 benchmarking range). libwebrtc
 * ignores loopback adapters, so rtc-node clients need one non-loopback interface to gather host
 * candidates on; this one exists only inside the namespace, which has no route anywhere else.
 */
export const NETNS_HOST_ADDRESS = '198.18.0.1';

/** Set by {@link privateNetnsCommand} in the command's environment. */
export const NETNS_ENV_FLAG = 'LIVEKIT_E2E_NETNS';

const SETUP_SCRIPT = [
  'set -e',
  'ip link set lo up',
  'ip link add lkv0 type veth peer name lkv1',
  // No IPv6 on the pair: not even link-local housekeeping packets between its two ends.
  'for i in lkv0 lkv1; do echo 1 > /proc/sys/net/ipv6/conf/$i/disable_ipv6 2>/dev/null || true; done',
  `ip addr add ${NETNS_HOST_ADDRESS}/32 dev lkv0`,
  'ip link set lkv1 up',
  'ip link set lkv0 up',
  'exec "$@"',
].join('\n');

const findTool = async (name: string): Promise<string | undefined> => {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    try {
      await access(join(dir, name), fsConstants.X_OK);
      return join(dir, name);
    } catch {
      // Not here.
    }
  }
  return undefined;
};

/** A command line prefixed so that it runs in a fresh private network namespace. */
export interface NetnsCommand {
  cmd: string;
  args: string[];
  /** PATH extended with the folder of `ip`, plus {@link NETNS_ENV_FLAG}=1. */
  env: NodeJS.ProcessEnv;
}

/**
 * Wraps `cmd args` so it runs in a new network namespace (`unshare --net`; as non-root also a user
 * namespace, `--map-root-user`) in which only `lo` and a veth pair exist. The namespace disappears
 * with the command. Nothing inside can reach any other host.
 *
 * @throws Error when `unshare` or `ip` is missing.
 */
export async function privateNetnsCommand(cmd: string, args: string[]): Promise<NetnsCommand> {
  const unshare = await findTool('unshare');
  const ip = await findTool('ip');
  if (!unshare || !ip) {
    throw new Error(
      `cannot create a private network namespace: ${unshare ? '' : '`unshare` (util-linux) '}` +
        `${ip ? '' : '`ip` (iproute2) '}not found`,
    );
  }
  const userns = process.getuid?.() === 0 ? [] : ['--user', '--map-root-user'];
  const ipDir = ip.slice(0, ip.lastIndexOf('/'));
  return {
    cmd: unshare,
    args: [...userns, '--net', '/bin/sh', '-c', SETUP_SCRIPT, 'netns-setup', cmd, ...args],
    env: {
      ...process.env,
      PATH: `${process.env['PATH'] ?? ''}${delimiter}${ipDir}`,
      [NETNS_ENV_FLAG]: '1',
    },
  };
}

/** Resolves true when a private network namespace can be created here (runs the setup once). */
export async function canUsePrivateNetns(): Promise<{ ok: boolean; reason?: string }> {
  let wrapped: NetnsCommand;
  try {
    wrapped = await privateNetnsCommand('true', []);
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
  return new Promise((done) => {
    let stderr = '';
    const child = spawn(wrapped.cmd, wrapped.args, {
      env: wrapped.env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    child.on('error', (err) => done({ ok: false, reason: err.message }));
    child.on('close', (code) =>
      done(code === 0 ? { ok: true } : { ok: false, reason: stderr.trim() || `exit ${code}` }),
    );
  });
}

/**
 * Runs the TypeScript `script` again (through tsx, stdio inherited) inside a fresh private network
 * namespace and resolves with its exit code. SIGTERM and SIGHUP are passed on; Ctrl-C reaches the child
 * through the terminal's process group, and the child cleans up.
 */
export async function rerunInPrivateNetns(
  script: string,
  argv: string[],
  opts: { cwd: string; label: string; env?: NodeJS.ProcessEnv },
): Promise<number> {
  const wrapped = await privateNetnsCommand(process.execPath, ['--import', 'tsx', script, ...argv]);
  return new Promise((done) => {
    const child = spawn(wrapped.cmd, wrapped.args, {
      cwd: opts.cwd,
      env: { ...wrapped.env, ...opts.env },
      stdio: 'inherit',
    });
    const onInt = () => {};
    const onTerm = () => child.kill('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    process.on('SIGHUP', onTerm);
    child.on('error', (err) => {
      process.stderr.write(`${opts.label}: cannot start the namespace: ${err.message}\n`);
      done(1);
    });
    child.on('close', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      process.off('SIGHUP', onTerm);
      done(code ?? (signal === 'SIGINT' ? 130 : 1));
    });
  });
}
