// Runway's response bodies (success and error) as fetch Responses; the emulator's fixed error texts.
import type { RefusalWording } from './types.js';

/** `docUrl` of Runway's validation errors. @public */
export const DOC_URL = 'https://docs.dev.runwayml.com/api';

/**
 * The emulator's error texts. Those marked "observed" are Runway's own; the others are the
 * emulator's Runway-like choices (Runway does not document them).
 * @public
 */
export const ERROR_TEXT = {
  /** Observed. */
  invalidVersion: 'Invalid API Version',
  /** Observed. */
  validationBody: 'Validation of body failed',
  validationParams: 'Validation of params failed',
  /** Observed wording, e.g. "Unrecognized key: livekit". */
  unrecognizedKey: (key: string) => `Unrecognized key: ${key}`,
  /** Observed by a third party on consume without a JSON content type. */
  incorrectContentType: 'Incorrect content type',
  missingAuth: 'Missing Authorization header',
  invalidKey: 'Invalid API key',
  invalidJson: 'Invalid JSON in request body',
  sessionNotFound: 'Could not find realtime session',
  alreadyConsumed: 'Session has already been consumed',
  noLongerAvailable: 'Session is no longer available',
  backendNeedsHostedRoom:
    'connect_backend is only available for sessions hosted by Runway (not integration/livekit)',
  controlNeedsWorker: 'No hosted character is running for this session',
  routeNotFound: 'Not found',
  methodNotAllowed: 'Method not allowed',
} as const;

const JSON_TYPE = 'application/json; charset=utf-8';

/** A JSON response with Runway's content type. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': JSON_TYPE, ...headers },
  });
}

/** A Runway error: `{"error": text}` plus optional extra members (`issues`, `docUrl`). */
export function errorResponse(
  status: number,
  error: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  return jsonResponse(status, { error, ...extra }, headers);
}

/** 400 `Validation of … failed` with zod's issues and Runway's `docUrl`. */
export function validationResponse(what: 'body' | 'params', issues: readonly unknown[]): Response {
  const error = what === 'body' ? ERROR_TEXT.validationBody : ERROR_TEXT.validationParams;
  return errorResponse(400, error, { issues, docUrl: DOC_URL });
}

/**
 * 400 refusing the unknown top-level key `key`, worded as `wording` says (see `RefusalWording`):
 * Runway's observed text by default, or zod 4's, zod 3's, or a zod issue list.
 */
export function refusalResponse(key: string, wording: RefusalWording): Response {
  switch (wording) {
    case 'runway':
      return errorResponse(400, ERROR_TEXT.unrecognizedKey(key));
    case 'zod4-quoted':
      return errorResponse(400, `Unrecognized key: ${JSON.stringify(key)}`);
    case 'zod4-list':
      // The emulator's invention: a second key, so that the refusal is a list with the one key sent.
      return errorResponse(400, `Unrecognized keys: ${JSON.stringify(key)}, "agentIdentity"`);
    case 'zod3':
      return errorResponse(400, `Unrecognized key(s) in object: '${key}'`);
    case 'issues':
      return validationResponse('body', [
        {
          code: 'unrecognized_keys',
          keys: [key],
          path: [],
          message: `Unrecognized key: ${JSON.stringify(key)}`,
        },
      ]);
  }
}

/** 204 with no body (DELETE). */
export function noContent(): Response {
  return new Response(null, { status: 204 });
}
