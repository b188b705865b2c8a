// The plugin's error family: Runway API errors on top of the @livekit/agents API errors, and option errors.
// No message or enumerable field ever carries the API key, a sessionKey or a LiveKit token.
import { APIConnectionError, APIStatusError, APITimeoutError } from '@livekit/agents';
import { redact, redactDeep } from './api/redact.js';

/** One field-level issue from Runway's `{"error":"Validation of body failed","issues":[…]}` bodies. @public */
export interface RunwayIssue {
  code: string;
  path: (string | number)[];
  message: string;
  [extra: string]: unknown;
}

const brand = (name: string) => Symbol.for(`livekit-agents-runway.error.${name}`);
const API_ERROR = brand('RunwayAPIError');
const CONNECTION_ERROR = brand('RunwayConnectionError');
const TIMEOUT_ERROR = brand('RunwayTimeoutError');
const OPTION_ERROR = brand('RunwayOptionError');
const AVATAR_ERROR = brand('RunwayAvatarError');
const UNSUPPORTED_SHAPE_ERROR = brand('RunwayUnsupportedShapeError');
const UNREACHABLE_LIVEKIT_ERROR = brand('RunwayUnreachableLiveKitError');

function hasBrand(value: unknown, symbol: symbol): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[symbol] === true
  );
}

function defineBrand(target: object, symbol: symbol): void {
  Object.defineProperty(target, symbol, { value: true, enumerable: false });
}

/**
 * Runway answered with an HTTP error status. `runwayError` is Runway's `error` text, `issues` its
 * field-level validation issues (400 only). `retryable` says whether sending the same request again
 * could help: set by the client's retry policy for the route (a create answered 500 is not retryable,
 * since a session may have been created), else as `@livekit/agents` does (4xx except 408/429 are not).
 * @public
 */
export class RunwayAPIError extends APIStatusError {
  readonly code = 'RUNWAY_API_ERROR';
  /** Runway's `error` member, e.g. `Unrecognized key: livekit`. */
  readonly runwayError: string | undefined;
  /** Field-level validation issues, when Runway sent them. */
  readonly issues: RunwayIssue[] | undefined;
  /** The request that failed, as `METHOD /path` (ids included, never credentials). */
  readonly request: string;

  constructor(args: {
    statusCode: number;
    request: string;
    body: unknown;
    retryable?: boolean;
    requestId?: string | null;
  }) {
    // Server-supplied text may echo a credential (a proxy quoting the Authorization header): every string
    // of the body is redacted before it reaches the message, a field, a log line or JSON.stringify.
    const safeBody = redactDeep(args.body);
    const body =
      typeof safeBody === 'object' && safeBody !== null
        ? (safeBody as Record<string, unknown>)
        : null;
    const runwayError = typeof body?.error === 'string' ? body.error : undefined;
    const issues = Array.isArray(body?.issues) ? (body.issues as RunwayIssue[]) : undefined;
    const detail =
      runwayError ?? (typeof safeBody === 'string' ? safeBody.slice(0, 200) : 'no error text');
    const issueText = issues?.length
      ? ` (${issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')})`
      : '';
    super({
      message: redact(
        `Runway API ${args.request} failed with ${args.statusCode}: ${detail}${issueText}`,
      ),
      options: {
        statusCode: args.statusCode,
        body,
        requestId: args.requestId ?? null,
        ...(args.retryable === undefined ? {} : { retryable: args.retryable }),
      },
    });
    this.name = 'RunwayAPIError';
    this.runwayError = runwayError;
    this.issues = issues;
    this.request = redact(args.request);
    defineBrand(this, API_ERROR);
  }

  /** True for any `RunwayAPIError`, even from another copy of this package. */
  static is(value: unknown): value is RunwayAPIError {
    return hasBrand(value, API_ERROR);
  }
}

/** The Runway API could not be reached (after retries). `cause` holds the last low-level error. @public */
export class RunwayConnectionError extends APIConnectionError {
  readonly code = 'RUNWAY_CONNECTION_ERROR';
  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super({ message: redact(message), options: { retryable: options.retryable ?? true } });
    this.name = 'RunwayConnectionError';
    if (options.cause !== undefined) this.cause = sanitizeCause(options.cause);
    defineBrand(this, CONNECTION_ERROR);
  }
  static is(value: unknown): value is RunwayConnectionError {
    return hasBrand(value, CONNECTION_ERROR);
  }
}

/** A Runway API request ran past its total timeout. @public */
export class RunwayTimeoutError extends APITimeoutError {
  readonly code = 'RUNWAY_TIMEOUT';
  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super({ message: redact(message), options: { retryable: options.retryable ?? true } });
    this.name = 'RunwayTimeoutError';
    if (options.cause !== undefined) this.cause = sanitizeCause(options.cause);
    defineBrand(this, TIMEOUT_ERROR);
  }
  static is(value: unknown): value is RunwayTimeoutError {
    return hasBrand(value, TIMEOUT_ERROR);
  }
}

/**
 * An option (or environment variable) is invalid. Thrown before any network call; names the option,
 * what was received and what is allowed.
 * @public
 */
export class RunwayOptionError extends TypeError {
  readonly code = 'RUNWAY_INVALID_OPTION';
  /** The option (`connOptions.timeoutMs`) or environment variable (`RUNWAYML_API_SECRET`) at fault. */
  readonly option: string;
  /** What was received, described without echoing a secret or a long string (e.g. `3000000000`). */
  readonly received: string | undefined;
  /** What is allowed (e.g. `an integer number of milliseconds from 1 to 600000`). */
  readonly allowed: string | undefined;
  /** The likely intended value or option name, when one is close (the message says "Did you mean"). */
  readonly suggestion: string | undefined;
  constructor(
    option: string,
    message: string,
    details: { received?: string; allowed?: string; suggestion?: string } = {},
  ) {
    super(message);
    this.name = 'RunwayOptionError';
    this.option = option;
    this.received = details.received;
    this.allowed = details.allowed;
    this.suggestion = details.suggestion;
    defineBrand(this, OPTION_ERROR);
  }
  static is(value: unknown): value is RunwayOptionError {
    return hasBrand(value, OPTION_ERROR);
  }
}

/**
 * The avatar session could not be brought up or was used wrongly. `code` is one of `ALREADY_STARTED`
 * (start() called while a start is running or done), `CLOSED` (closed while starting, or start() after
 * close), `UNSUPPORTED_SHAPE` ({@link RunwayUnsupportedShapeError}), `ROOM_CONNECT_FAILED` (a room the
 * hosted bridge joins refused the connect; `cause` holds the error), `AVATAR_JOIN_TIMEOUT` (a replacement
 * avatar did not show video in time), `UNSUPPORTED_AGENTS_VERSION` (the installed @livekit/agents lacks
 * internals this package relies on), `READY_TIMEOUT`, `READY_EXPIRED`,
 * `SESSION_FAILED` (with `failureCode`, e.g. `TALKING_AVATAR.NO_PARTICIPANT` or `SESSION.EXPIRED`) and
 * `SESSION_ENDED` (COMPLETED or CANCELLED before READY). A failed consume is a `RunwayAPIError`.
 * @public
 */
export class RunwayAvatarError extends Error {
  readonly code: string;
  readonly sessionId: string | undefined;
  readonly failureCode: string | undefined;
  constructor(
    code: string,
    message: string,
    options: { sessionId?: string; failureCode?: string; cause?: unknown } = {},
  ) {
    super(redact(message));
    this.name = 'RunwayAvatarError';
    this.code = code;
    this.sessionId = options.sessionId;
    this.failureCode = options.failureCode;
    if (options.cause !== undefined) this.cause = sanitizeCause(options.cause);
    defineBrand(this, AVATAR_ERROR);
  }
  static is(value: unknown): value is RunwayAvatarError {
    return hasBrand(value, AVATAR_ERROR);
  }
}

/**
 * The Runway API does not know the request shape of a bring-your-own-room strategy (it refused the
 * `integration` or `livekit` key). `auto` falls through to the next strategy on this error alone; with an
 * explicit strategy it reaches the caller. `cause` is Runway's `RunwayAPIError`. Nothing was created.
 * @public
 */
export class RunwayUnsupportedShapeError extends RunwayAvatarError {
  /** The strategy whose shape was refused. */
  readonly strategy: string;
  constructor(strategy: string, cause: unknown) {
    super('UNSUPPORTED_SHAPE', `the Runway API does not accept the ${strategy} request shape`, {
      cause,
    });
    this.name = 'RunwayUnsupportedShapeError';
    this.strategy = strategy;
    defineBrand(this, UNSUPPORTED_SHAPE_ERROR);
  }
  static override is(value: unknown): value is RunwayUnsupportedShapeError {
    return hasBrand(value, UNSUPPORTED_SHAPE_ERROR);
  }
}

/**
 * The agent's LiveKit URL cannot be reached by Runway's cloud worker (not TLS, or a local or private
 * address), so no bring-your-own-room strategy can work; `auto` goes straight to `hosted`. Thrown
 * before any request.
 * @public
 */
export class RunwayUnreachableLiveKitError extends RunwayOptionError {
  constructor(message: string) {
    super('livekitUrl', message);
    this.name = 'RunwayUnreachableLiveKitError';
    defineBrand(this, UNREACHABLE_LIVEKIT_ERROR);
  }
  static override is(value: unknown): value is RunwayUnreachableLiveKitError {
    return hasBrand(value, UNREACHABLE_LIVEKIT_ERROR);
  }
}

/** The error a `start()` (or an operation inside it) rejects with when the avatar session is closed. */
export function closedError(reason: string): RunwayAvatarError {
  return new RunwayAvatarError('CLOSED', `the avatar session was closed (${reason})`);
}

/** True for every documented error class of this package (any copy of it). */
export function isRunwayError(value: unknown): boolean {
  return (
    RunwayAPIError.is(value) ||
    RunwayConnectionError.is(value) ||
    RunwayTimeoutError.is(value) ||
    RunwayOptionError.is(value) ||
    RunwayAvatarError.is(value)
  );
}

/**
 * A secret-free copy of a low-level error for `cause`: name, redacted message and the descriptive fields
 * (`code`, `errno`, `syscall`, `address`, `port`) only, so no request option, header or room handle is
 * reachable from it. One of this package's errors is kept as it is (already sanitized); a non-Error
 * becomes an Error describing it.
 */
export function sanitizeCause(err: unknown): Error {
  if (isRunwayError(err)) return err as Error;
  if (!(err instanceof Error)) return new Error(redact(String(err)).slice(0, 500));
  const copy = new Error(redact(err.message));
  copy.name = err.name;
  for (const key of ['code', 'errno', 'syscall', 'address', 'port'] as const) {
    const value = (err as unknown as Record<string, unknown>)[key];
    if (typeof value === 'string' || typeof value === 'number')
      Object.assign(copy, { [key]: typeof value === 'string' ? redact(value) : value });
  }
  copy.stack = `${copy.name}: ${copy.message}`;
  return copy;
}

/**
 * Wraps a failure that would otherwise leave the public API as a raw `Error` (an rtc-node connect or
 * RPC failure, a timer's `Error`): one of this package's errors is returned unchanged, an `AbortError`
 * too (callers test its name); anything else becomes a {@link RunwayAvatarError} with `code`, the
 * message `message: <redacted original message>` and the sanitized original as `cause`.
 */
export function toAvatarError(
  error: unknown,
  code: string,
  message: string,
  options: { sessionId?: string } = {},
): Error {
  if (isRunwayError(error)) return error as Error;
  if (error instanceof Error && error.name === 'AbortError') return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new RunwayAvatarError(code, `${message}: ${detail}`.slice(0, 1000), {
    ...options,
    cause: error,
  });
}
