// Scripted faults per route (latency, status replies, resets, hangs, slow bodies) and the CLI grammar.
import { ROUTE_NAMES, type RouteName } from './types.js';

/** A route name, or `*` for every emulated route (unknown paths never fault). @public */
export type FaultRoute = RouteName | '*';

/** Fields every fault has. @public */
export interface FaultBase {
  route: FaultRoute;
  /** How many matching requests it hits; default 1; `Infinity` for ever. ("fail N times then succeed") */
  times?: number;
  /** Let this many matching requests through untouched first; default 0. */
  after?: number;
  /** Latency added before the fault's effect; default 0. */
  delayMs?: number;
}

/**
 * One fault script. Which of them run the request ("processed": a create makes a session):
 * - `latency`: waits `delayMs`, then processes normally. Processed.
 * - `status`: answers `status` with a Runway body (`{"error": …}` unless `body` is given), optional
 *   `Retry-After: retryAfterS` and extra `headers`. Not processed.
 * - `reset`: destroys the socket (TCP RST). `when`: `before-body` (default; the body is never
 *   read), `after-body` (body read, not processed) or `after-processing` (processed, e.g. a
 *   session created, then the reply is lost: the nasty case for a non-idempotent create).
 * - `hang`: never sends headers until the client gives up or the emulator closes. Not processed.
 * - `slow-body`: processes, sends the headers, then the body `chunkBytes` (default 1) at a time,
 *   `chunkDelayMs` (default 50) apart.
 * @public
 */
export type FaultSpec =
  | (FaultBase & { kind: 'latency'; delayMs: number })
  | (FaultBase & {
      kind: 'status';
      status: number;
      body?: unknown;
      headers?: Record<string, string>;
      retryAfterS?: number;
    })
  | (FaultBase & { kind: 'reset'; when?: 'before-body' | 'after-body' | 'after-processing' })
  | (FaultBase & { kind: 'hang' })
  | (FaultBase & { kind: 'slow-body'; chunkDelayMs?: number; chunkBytes?: number });

/** The kinds of {@link FaultSpec}. @public */
export type FaultKind = FaultSpec['kind'];

/** A fault with its counters, as `faults.list()` shows it. @public */
export interface FaultState {
  spec: FaultSpec;
  fired: number;
  remaining: number;
}

const DEFAULT_ERRORS: Record<number, string> = {
  400: 'Bad request',
  401: 'Invalid API key',
  403: 'Forbidden',
  404: 'Not found',
  408: 'Request timeout',
  409: 'Conflict',
  422: 'Unprocessable entity',
  429: 'Too many requests',
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
  504: 'Gateway timeout',
};

/** The Runway-like `{"error": …}` body a status fault sends when it has no `body`. @public */
export function defaultFaultBody(status: number): { error: string } {
  return { error: DEFAULT_ERRORS[status] ?? `HTTP ${status}` };
}

/** A short label of a fault for logs and the request log, e.g. `status:429`, `reset:after-body`. */
export function faultLabel(spec: FaultSpec): string {
  switch (spec.kind) {
    case 'status':
      return `status:${spec.status}`;
    case 'reset':
      return `reset:${spec.when ?? 'before-body'}`;
    default:
      return spec.kind;
  }
}

function checkCount(value: number | undefined, name: string, allowInfinity: boolean): void {
  if (value === undefined) return;
  const ok = allowInfinity && value === Number.POSITIVE_INFINITY;
  if (!ok && !(Number.isInteger(value) && value >= 0)) {
    throw new TypeError(`fault ${name} must be a non-negative integer, got ${String(value)}`);
  }
}

/** Throws a TypeError naming the first invalid field of a fault spec. */
export function checkFaultSpec(spec: FaultSpec): void {
  if (spec.route !== '*' && !ROUTE_NAMES.includes(spec.route)) {
    throw new TypeError(`fault route must be one of ${ROUTE_NAMES.join(', ')}, *`);
  }
  checkCount(spec.times, 'times', true);
  checkCount(spec.after, 'after', false);
  checkCount(spec.delayMs, 'delayMs', false);
  if (spec.kind === 'status' && !(Number.isInteger(spec.status) && spec.status >= 200)) {
    throw new TypeError(`fault status must be an integer HTTP status >= 200, got ${spec.status}`);
  }
  if (spec.kind === 'status') checkCount(spec.retryAfterS, 'retryAfterS', false);
  if (spec.kind === 'slow-body') {
    checkCount(spec.chunkDelayMs, 'chunkDelayMs', false);
    checkCount(spec.chunkBytes, 'chunkBytes', false);
  }
  const kinds: FaultKind[] = ['latency', 'status', 'reset', 'hang', 'slow-body'];
  if (!kinds.includes(spec.kind))
    throw new TypeError(`fault kind must be one of ${kinds.join(', ')}`);
}

interface Entry {
  spec: FaultSpec;
  remaining: number;
  skip: number;
  fired: number;
}

/** The installed faults; each request takes at most one, the first that matches, in order added. @public */
export class FaultBook {
  readonly #entries: Entry[] = [];

  /** Installs a fault (validated; throws TypeError on a bad spec). */
  add(spec: FaultSpec): void {
    checkFaultSpec(spec);
    this.#entries.push({ spec, remaining: spec.times ?? 1, skip: spec.after ?? 0, fired: 0 });
  }

  /** Removes every fault. */
  clear(): void {
    this.#entries.length = 0;
  }

  /** Installed faults with counters (spent ones included). */
  list(): FaultState[] {
    return this.#entries.map((e) => ({ spec: e.spec, fired: e.fired, remaining: e.remaining }));
  }

  /** The fault for one request on `route`, consuming one of its `times`; undefined if none. */
  take(route: RouteName): FaultSpec | undefined {
    for (const e of this.#entries) {
      if (e.remaining <= 0 || (e.spec.route !== '*' && e.spec.route !== route)) continue;
      if (e.skip > 0) {
        e.skip--;
        continue;
      }
      e.remaining--;
      e.fired++;
      return e.spec;
    }
    return undefined;
  }
}

/** The `--fault` grammar, printed by `runway-emulator --help`. @public */
export const FAULT_GRAMMAR = `--fault ROUTE:KIND[=ARG][xN]   (repeatable; first matching fault wins)
  ROUTE  create | retrieve | cancel | consume | *
  KIND   <status>                 reply that status with a Runway body; ARG = Retry-After seconds
         reset                    destroy the socket before reading the body (nothing processed)
         reset-after-body         read the body, then destroy the socket (nothing processed)
         reset-after-processing   process (a create makes a session), then destroy the socket
         hang                     never answer (until the client gives up)
         slow                     answer, dribbling the body one byte per ARG ms (default 50)
         delay                    add ARG ms of latency (ARG required), then answer normally
  xN     hit N matching requests (default 1), then succeed; xinf = every request
  e.g.   --fault create:429=1x2   --fault retrieve:503xinf   --fault create:reset-after-processing`;

const FLAG_RE =
  /^(create|retrieve|cancel|consume|\*):(\d{3}|reset-after-processing|reset-after-body|reset|hang|slow|delay)(?:=(\d+))?(?:x(\d+|inf))?$/;

/** Parses one `--fault` value (see {@link FAULT_GRAMMAR}); throws an Error with a one-line reason. @public */
export function parseFaultFlag(text: string): FaultSpec {
  const m = FLAG_RE.exec(text.trim());
  if (!m) throw new Error(`invalid --fault '${text}': expected ROUTE:KIND[=ARG][xN]`);
  const route = m[1] as FaultRoute;
  const kind = m[2] as string;
  const arg = m[3] === undefined ? undefined : Number(m[3]);
  const times = m[4] === undefined ? 1 : m[4] === 'inf' ? Number.POSITIVE_INFINITY : Number(m[4]);
  if (times < 1) throw new Error(`invalid --fault '${text}': xN needs N >= 1`);
  let spec: FaultSpec;
  if (/^\d{3}$/.test(kind)) {
    const status = Number(kind);
    if (status < 200 || status > 599) throw new Error(`invalid --fault '${text}': status 200..599`);
    spec = {
      route,
      kind: 'status',
      status,
      times,
      ...(arg === undefined ? {} : { retryAfterS: arg }),
    };
  } else if (kind === 'delay') {
    if (arg === undefined) throw new Error(`invalid --fault '${text}': delay needs =MS`);
    spec = { route, kind: 'latency', delayMs: arg, times };
  } else if (kind === 'slow') {
    spec = { route, kind: 'slow-body', times, ...(arg === undefined ? {} : { chunkDelayMs: arg }) };
  } else if (kind === 'hang') {
    spec = { route, kind: 'hang', times };
  } else {
    const when = kind === 'reset' ? 'before-body' : (kind.slice('reset-'.length) as 'after-body');
    spec = { route, kind: 'reset', when, times };
  }
  if (arg !== undefined && (kind === 'hang' || kind.startsWith('reset'))) {
    throw new Error(`invalid --fault '${text}': ${kind} takes no =ARG`);
  }
  return spec;
}
