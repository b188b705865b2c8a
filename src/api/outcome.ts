// Turns the final outcome of a Runway API request into its parsed value or the right Runway error.
// Messages name the request and what went wrong, never a credential nor a response body holding one.
import type { z } from 'zod';
import { RunwayAPIError, RunwayConnectionError, RunwayTimeoutError } from '../errors.js';
import {
  BODY_TOO_LARGE_CODE,
  MAX_BODY_BYTES,
  type RawResponse,
  type SendResult,
} from './dispatcher.js';
import {
  type AttemptFailure,
  isRetryable,
  mayHaveTakenEffect,
  type RouteKind,
  type TransportFailure,
} from './retry_policy.js';
import { describeIssues, runwayErrorBodySchema } from './schemas.js';

/** What {@link settle} needs to know about the request. */
export interface RequestContext {
  kind: RouteKind;
  /** `METHOD /path`, ids included, no credentials. */
  label: string;
  origin: string;
  timeoutMs: number;
}

/**
 * The parsed 2xx body (`undefined` when `schema` is null), or throws: an `AbortError` (caller abort),
 * `RunwayTimeoutError`, `RunwayConnectionError`, or `RunwayAPIError` (error status, or a 2xx whose body
 * is not JSON or not of the documented shape).
 */
export function settle<T>(ctx: RequestContext, result: SendResult, schema: z.ZodType<T> | null): T {
  const { outcome, attempts } = result;
  if (outcome.type === 'aborted') throw abortError(ctx.label);
  if (outcome.type === 'failure')
    throw transportError(ctx, outcome.failure, outcome.cause, attempts);
  const { response } = outcome;
  if (response.statusCode < 200 || response.statusCode > 299) throw statusError(ctx, response);
  if (schema === null) return undefined as T;
  return parseBody(ctx, response, schema);
}

/** Like a DOM `AbortError` (`name` 'AbortError', `code` 'ABORT_ERR'). */
function abortError(label: string): Error {
  const err = new Error(`Runway API ${label} aborted by the caller`);
  err.name = 'AbortError';
  Object.assign(err, { code: 'ABORT_ERR' });
  return err;
}

/** Sentence appended to a create/consume failure message: may the request have taken effect? */
function effectNote(kind: RouteKind, failure: AttemptFailure): string {
  if (kind === 'create')
    return mayHaveTakenEffect(failure)
      ? '; a session may have been created (and billed): create is not retried because it is not idempotent'
      : '; no session was created';
  if (kind === 'consume' && mayHaveTakenEffect(failure))
    return '; the session may have been consumed: consume is one-shot and is not retried';
  return '';
}

function transportError(
  ctx: RequestContext,
  failure: TransportFailure,
  cause: unknown,
  attempts: number,
): Error {
  const tries = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
  const effect = effectNote(ctx.kind, failure);
  const retryable = isRetryable(ctx.kind, failure);
  if (failure.kind === 'timeout') {
    return new RunwayTimeoutError(
      `Runway API ${ctx.label} timed out after ${ctx.timeoutMs} ms per attempt (${tries})${effect}`,
      { retryable },
    );
  }
  if (failure.kind === 'connection' && failure.code === BODY_TOO_LARGE_CODE) {
    // Not a lost connection: the server answered, with more than any Runway answer holds.
    const message = `Runway API ${ctx.label} answered with a response body over ${MAX_BODY_BYTES} bytes, which was cut off unread (${tries})${effect}`;
    return new RunwayConnectionError(message, {
      retryable,
      ...(cause === undefined ? {} : { cause }),
    });
  }
  const what = failure.reachedServer ? 'lost the connection' : `could not connect to ${ctx.origin}`;
  const code = failure.code ? ` (${failure.code})` : '';
  const message = `Runway API ${ctx.label} ${what}${code} after ${tries}${effect}`;
  return new RunwayConnectionError(message, {
    retryable,
    ...(cause instanceof Error ? { cause } : {}),
  });
}

function requestIdOf(response: RawResponse): string | null {
  for (const name of ['x-request-id', 'request-id', 'x-amzn-requestid']) {
    const value = response.headers[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return null;
}

function statusError(ctx: RequestContext, response: RawResponse): RunwayAPIError {
  const text = response.body.toString('utf8');
  let body: unknown = text.trim() === '' ? 'no body' : text;
  try {
    const json: unknown = JSON.parse(text);
    const parsed = runwayErrorBodySchema.safeParse(json);
    body = parsed.success ? parsed.data : json;
  } catch {
    // Not JSON: RunwayAPIError keeps the first 200 characters of the text.
  }
  const failure: AttemptFailure = { kind: 'status', statusCode: response.statusCode };
  const err = new RunwayAPIError({
    statusCode: response.statusCode,
    request: ctx.label,
    body,
    retryable: isRetryable(ctx.kind, failure),
    requestId: requestIdOf(response),
  });
  err.message += effectNote(ctx.kind, failure);
  return err;
}

function parseBody<T>(ctx: RequestContext, response: RawResponse, schema: z.ZodType<T>): T {
  let json: unknown;
  const text = response.body.toString('utf8');
  try {
    json = JSON.parse(text);
  } catch {
    const what = text.trim() === '' ? 'the body is empty' : 'the body is not JSON';
    throw unexpected(ctx, response, what);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw unexpected(ctx, response, describeIssues(parsed.error));
  return parsed.data;
}

/** What an accepted (2xx) request whose answer cannot be read has nevertheless done on Runway's side. */
const ACCEPTED_NOTE: Partial<Record<RouteKind, string>> = {
  create:
    '; Runway accepted the create, so a billed session may exist whose id could not be read: it cannot be cancelled from here and runs until its maxDuration (check the Runway dashboard)',
  consume: '; Runway accepted the consume, so the session is consumed and cannot be consumed again',
};

/** A 2xx whose body does not have the documented shape: never echoes the body (it may hold a sessionKey). */
function unexpected(ctx: RequestContext, response: RawResponse, detail: string): RunwayAPIError {
  const err = new RunwayAPIError({
    statusCode: response.statusCode,
    request: ctx.label,
    body: `unexpected response shape: ${detail}`,
    retryable: false,
    requestId: requestIdOf(response),
  });
  err.message += ACCEPTED_NOTE[ctx.kind] ?? '';
  return err;
}
