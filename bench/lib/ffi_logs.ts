// rtc-node 0.13 asks its native SDK for every log record (debug and trace included) and hands each to
// JS as an FFI event, which every connected Room of the process then takes a lock to inspect; nothing
// reads them. The benches count them in the plugin's process, and drop them in the emulator's and the
// viewers' processes (which stand in for Runway and for users, and must not be starved by them).

/** The part of rtc-node's FfiClient singleton used here. */
interface FfiClientLike {
  emit(name: string | symbol, ...args: unknown[]): boolean;
  on(name: string, listener: (event: FfiEventLike) => void): unknown;
  off(name: string, listener: (event: FfiEventLike) => void): unknown;
}

interface FfiEventLike {
  message?: { case?: string; value?: { records?: unknown[] } };
}

const KEY = '_ffiClientInstance';
const FFI_EVENT = 'ffi_event';
const pending: ((client: FfiClientLike) => void)[] = [];

/** Calls `fn` with rtc-node's FfiClient: now if it exists, else as soon as rtc-node creates it. */
function withFfiClient(fn: (client: FfiClientLike) => void): void {
  const g = globalThis as Record<string, unknown>;
  const existing = g[KEY] as FfiClientLike | undefined;
  if (existing) {
    fn(existing);
    return;
  }
  pending.push(fn);
  if (pending.length > 1) return; // the trap below is set already
  Object.defineProperty(globalThis, KEY, {
    configurable: true,
    get: () => undefined,
    set(client: FfiClientLike) {
      Object.defineProperty(globalThis, KEY, { value: client, writable: true, configurable: true });
      for (const f of pending.splice(0)) f(client);
    },
  });
}

const isLogs = (event: unknown): boolean => (event as FfiEventLike)?.message?.case === 'logs';

let dropping = false;
let installed = false;
const counters = new Set<NativeLogCounter>();

/** Wraps the client's `emit` once: counts every native log event, and drops it while `dropping`. */
function install(): void {
  if (installed) return;
  installed = true;
  withFfiClient((client) => {
    const emit = client.emit.bind(client);
    client.emit = (name, ...args) => {
      if (name !== FFI_EVENT || !isLogs(args[0])) return emit(name, ...args);
      const records = (args[0] as FfiEventLike).message?.value?.records?.length ?? 0;
      for (const c of counters) {
        c.events++;
        c.records += records;
      }
      return dropping ? false : emit(name, ...args);
    };
  });
}

/**
 * Drops the native log events before any Room sees them (`on`), or lets them through again. The
 * emulator's and viewers' processes drop them for good; the concurrency bench measures the plugin's
 * process both ways.
 */
export function dropNativeLogEvents(on = true): void {
  dropping = on;
  install();
}

/** Counts the native log events (and the records they carry) the process receives, dropped or not. */
export class NativeLogCounter {
  events = 0;
  records = 0;

  constructor() {
    install();
    counters.add(this);
  }

  /** Stops counting. */
  close(): void {
    counters.delete(this);
  }
}
