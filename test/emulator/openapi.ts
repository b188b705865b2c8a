// Runway's published OpenAPI (realtime part, fixture copy) as zod validators for fidelity tests.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

interface OpenApiDoc {
  paths: Record<string, Record<string, Record<string, unknown>>>;
}

const doc = JSON.parse(
  readFileSync(new URL('./fixtures/runway-openapi-realtime.json', import.meta.url), 'utf8'),
) as OpenApiDoc;

const at = (value: unknown, ...keys: string[]): Record<string, unknown> =>
  keys.reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], value) as Record<
    string,
    unknown
  >;

/** The JSON Schema of the create body, as Runway publishes it. */
export const createBodyJsonSchema = at(
  doc.paths['/v1/realtime_sessions'],
  'post',
  'requestBody',
  'content',
  'application/json',
  'schema',
);

/** The JSON Schema of `GET /v1/realtime_sessions/{id}` 200 (oneOf by status). */
export const retrieveJsonSchema = at(
  doc.paths['/v1/realtime_sessions/{id}'],
  'get',
  'responses',
  '200',
  'content',
  'application/json',
  'schema',
);

/** The JSON Schema of the create 200 response. */
export const createResponseJsonSchema = at(
  doc.paths['/v1/realtime_sessions'],
  'post',
  'responses',
  '200',
  'content',
  'application/json',
  'schema',
);

/** Runway's schemas converted by zod (validators independent of the emulator's own schemas). */
export const reference = {
  createBody: z.fromJSONSchema(createBodyJsonSchema as z.core.JSONSchema.JSONSchema),
  retrieve: z.fromJSONSchema(retrieveJsonSchema as z.core.JSONSchema.JSONSchema),
  createResponse: z.fromJSONSchema(createResponseJsonSchema as z.core.JSONSchema.JSONSchema),
};

const PROSE = new Set(['description', 'title', 'deprecated', 'x-stainless-model', 'discriminator']);

/** A JSON Schema without prose and annotations (`$schema` too): only the structural constraints. */
export function structural(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(structural);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !PROSE.has(k) && k !== '$schema')
      .map(([k, v]) => [k, structural(v)]),
  );
}

/** The variant of the retrieve schema for one status, its property names and required names. */
export function retrieveVariant(status: string): { properties: string[]; required: string[] } {
  const variants = retrieveJsonSchema.oneOf as Record<string, unknown>[];
  const v = variants.find(
    (x) => (at(x, 'properties', 'status') as { const?: string }).const === status,
  );
  if (!v) throw new Error(`no variant ${status}`);
  return { properties: Object.keys(at(v, 'properties')), required: v.required as string[] };
}
