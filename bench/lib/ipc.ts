// Parent/child calls over Node's IPC channel: benches run the emulator's workers, a bridge or a viewer in a
// process of their own, so each process's CPU, memory and handles are its own.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../../scripts/lib/livekit_server_binary.js';

const CHILD_ENTRY = fileURLToPath(new URL('./child_main.ts', import.meta.url));

interface CallMessage {
  kind: 'call';
  id: number;
  method: string;
  params: unknown;
}
interface ReplyMessage {
  kind: 'reply';
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}
interface EventMessage {
  kind: 'event';
  name: string;
  data: unknown;
}
type Message = CallMessage | ReplyMessage | EventMessage;

/** A forked bench process. */
export interface ChildHandle {
  readonly role: string;
  readonly pid: number;
  /** Calls `method` in the child; rejects with the child's error message, or after `timeoutMs`. */
  call<T = unknown>(method: string, params?: unknown, timeoutMs?: number): Promise<T>;
  /** Asks the child to clean up and exit (`shutdown`), then SIGKILLs it if it is still there after `graceMs`. */
  close(graceMs?: number): Promise<void>;
}

/** Default time a call may take, ms. */
const CALL_TIMEOUT_MS = 60_000;

/**
 * Forks `bench/lib/child_main.ts` running `role` (a module of bench/lib/roles.ts), through tsx, with the
 * rtc-node logs quiet (NODE_ENV=production). Resolves once the child says it is ready.
 */
export function forkRole(role: string, env: Record<string, string> = {}): Promise<ChildHandle> {
  const child: ChildProcess = fork(CHILD_ENTRY, [role], {
    cwd: REPO_ROOT,
    // BENCH_CHILD_NODE_ARGS (e.g. `--cpu-prof`) profiles or tunes the children.
    execArgv: ['--import', 'tsx', ...(process.env['BENCH_CHILD_NODE_ARGS']?.split(' ') ?? [])],
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      for (const p of pending.values()) {
        p.reject(new Error(`bench child ${role} exited (${signal ?? code}) during a call`));
      }
      pending.clear();
      resolve();
    });
  });
  return new Promise((resolveReady, rejectReady) => {
    const onExitEarly = () =>
      rejectReady(new Error(`bench child ${role} exited before it was ready`));
    child.once('exit', onExitEarly);
    child.on('message', (raw) => {
      const m = raw as Message;
      if (m.kind === 'reply') {
        const p = pending.get(m.id);
        if (!p) return;
        pending.delete(m.id);
        if (m.ok) p.resolve(m.result);
        else p.reject(new Error(`${role}: ${m.error}`));
      } else if (m.kind === 'event' && m.name === 'ready') {
        child.off('exit', onExitEarly);
        resolveReady(handle);
      }
    });
    const handle: ChildHandle = {
      role,
      pid: child.pid ?? -1,
      call<T>(method: string, params?: unknown, timeoutMs = CALL_TIMEOUT_MS): Promise<T> {
        if (exited) return Promise.reject(new Error(`bench child ${role} has exited`));
        const id = nextId++;
        return new Promise<T>((resolve, reject) => {
          const timer = setTimeout(() => {
            pending.delete(id);
            reject(new Error(`${role}.${method} took longer than ${timeoutMs} ms`));
          }, timeoutMs);
          pending.set(id, {
            resolve: (v) => {
              clearTimeout(timer);
              resolve(v as T);
            },
            reject: (e) => {
              clearTimeout(timer);
              reject(e);
            },
          });
          child.send({ kind: 'call', id, method, params } satisfies CallMessage);
        });
      },
      async close(graceMs = 15_000): Promise<void> {
        if (exited) return;
        const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await handle.call('shutdown', undefined, graceMs).catch(() => {});
        await exit;
        clearTimeout(kill);
      },
    };
  });
}

/** What a role module implements: its methods (params in, JSON-able result out) and its clean-up. */
export type RoleHandlers = Record<string, (params: never) => unknown> & {
  shutdown(): Promise<void> | void;
};

/**
 * Child side: answers the parent's calls with `handlers`, says `ready`, and exits after `shutdown` (or
 * when the parent goes away).
 */
export function serveParent(handlers: RoleHandlers): void {
  const send = (m: Message, then?: () => void) =>
    process.send?.(m, undefined, undefined, () => then?.());
  process.on('disconnect', () => process.exit(1));
  process.on('message', (raw) => {
    const m = raw as Message;
    if (m.kind !== 'call') return;
    const handler = handlers[m.method] as ((p: unknown) => unknown) | undefined;
    const then = m.method === 'shutdown' ? () => process.exit(0) : undefined;
    void (async () => {
      try {
        if (!handler) throw new Error(`no method ${m.method}`);
        const result = await handler(m.params);
        send({ kind: 'reply', id: m.id, ok: true, result }, then);
      } catch (error) {
        const message = (error as Error).stack ?? String(error);
        send({ kind: 'reply', id: m.id, ok: false, error: message }, then);
      }
    })();
  });
  send({ kind: 'event', name: 'ready', data: null });
}
