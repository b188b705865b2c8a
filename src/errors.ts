// The plugin's error family: Runway API errors on top of the @livekit/agents API errors, and option errors.
// No message or enumerable field ever carries the API key, a sessionKey or a LiveKit token.
import { APIConnectionError, APIStatusError, APITimeoutError } from '@livekit/agents';

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
    const body =
      typeof args.body === 'object' && args.body !== null
        ? (args.body as Record<string, unknown>)
        : null;
    const runwayError = typeof body?.error === 'string' ? body.error : undefined;
    const issues = Array.isArray(body?.issues) ? (body.issues as RunwayIssue[]) : undefined;
    const detail =
      runwayError ?? (typeof args.body === 'string' ? args.body.slice(0, 200) : 'no error text');
    const issueText = issues?.length
      ? ` (${issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')})`
      : '';
    super({
      message: `Runway API ${args.request} failed with ${args.statusCode}: ${detail}${issueText}`,
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
    this.request = args.request;
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
    super({ message, options: { retryable: options.retryable ?? true } });
    this.name = 'RunwayConnectionError';
    if (options.cause !== undefined) this.cause = options.cause;
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
    super({ message, options: { retryable: options.retryable ?? true } });
    this.name = 'RunwayTimeoutError';
    if (options.cause !== undefined) this.cause = options.cause;
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
  /** The option (or environment variable) at fault. */
  readonly option: string;
  constructor(option: string, message: string) {
    super(message);
    this.name = 'RunwayOptionError';
    this.option = option;
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
 * hosted bridge joins refused the connect; `cause` holds the error), `READY_TIMEOUT`, `READY_EXPIRED`,
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
    super(message);
    this.name = 'RunwayAvatarError';
    this.code = code;
    this.sessionId = options.sessionId;
    this.failureCode = options.failureCode;
    if (options.cause !== undefined) this.cause = options.cause;
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
