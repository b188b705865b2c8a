// Zod v4 schemas of the create body per mode (written from Runway's OpenAPI) and Runway's exact 400s.
import { isIP } from 'node:net';
import { z } from 'zod';
import { refusalResponse, validationResponse } from './responses.js';
import type { EmulatorMode, RefusalWording } from './types.js';

/** Runway's preset avatar ids, in the order of the OpenAPI enum. @public */
export const EMULATOR_PRESET_IDS = [
  'game-character',
  'music-superstar',
  'game-character-man',
  'cat-character',
  'influencer',
  'tennis-coach',
  'human-resource',
  'fashion-designer',
  'cooking-teacher',
] as const;

/** Issue message for a LiveKit / ElevenLabs URL real Runway would refuse. @public */
export const INSECURE_URL_MESSAGE =
  'Must be a wss:// or https:// URL that resolves to a public host';

const identifier = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
const description = z.string().min(1).max(1024);
const paramBase = { name: identifier, description, required: z.boolean().default(true) };

const toolParameter = z.discriminatedUnion('type', [
  z.object({
    ...paramBase,
    type: z.literal('string'),
    enum: z.array(z.string().max(64)).max(20).optional(),
  }),
  z.object({ ...paramBase, type: z.literal('integer') }),
  z.object({ ...paramBase, type: z.literal('number') }),
  z.object({ ...paramBase, type: z.literal('boolean') }),
  z.object({
    ...paramBase,
    type: z.literal('array'),
    items: z.object({ type: z.enum(['string', 'integer', 'number', 'boolean']) }),
  }),
  z.object({ ...paramBase, type: z.literal('object'), properties: z.array(z.unknown()).max(20) }),
]);

const toolBase = {
  name: identifier,
  description,
  parameters: z.array(toolParameter).max(20).default([]),
};

const tool = z.discriminatedUnion('type', [
  z.object({ type: z.literal('client_event'), ...toolBase }),
  z.object({
    type: z.literal('backend_rpc'),
    ...toolBase,
    timeoutSeconds: z.number().min(1).max(8).default(4),
  }),
]);

const tools = z
  .array(tool)
  .max(20)
  .superRefine((list, ctx) => {
    // [DOC] tool names are unique per session.
    const seen = new Set<string>();
    list.forEach((t, i) => {
      if (seen.has(t.name)) {
        ctx.addIssue({ code: 'custom', message: 'Duplicate tool name', path: [i, 'name'] });
      }
      seen.add(t.name);
    });
  })
  .default([]);

const avatar = z.discriminatedUnion('type', [
  z.object({ type: z.literal('runway-preset'), presetId: z.enum(EMULATOR_PRESET_IDS) }),
  z.object({ type: z.literal('custom'), avatarId: z.uuidv4() }),
]);

const PRIVATE_V4 = [/^10\./, /^127\./, /^0\./, /^169\.254\./, /^192\.168\./];

function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')) return true;
  const family = isIP(host);
  if (family === 4) {
    const [a = 0, b = 0] = host.split('.').map(Number);
    if (a === 172 && b >= 16 && b <= 31) return true;
    if (a === 100 && b >= 64 && b <= 127) return true;
    return PRIVATE_V4.some((re) => re.test(host));
  }
  if (family === 6) {
    if (host === '::' || host === '::1' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host))
      return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
    return mapped ? isPrivateHost(mapped[1] as string) : false;
  }
  return false;
}

/**
 * Real Runway's URL rule: `wss:` or `https:` and a public host. Only literal hosts are checked
 * (no DNS offline). Unparseable strings pass here: zod's own `url` check reports them.
 */
export function isPublicSecureUrl(value: string): boolean {
  if (!URL.canParse(value)) return true;
  const url = new URL(value);
  return (url.protocol === 'wss:' || url.protocol === 'https:') && !isPrivateHost(url.hostname);
}

function urlField(allowInsecure: boolean) {
  const url = z.url();
  return allowInsecure ? url : url.refine(isPublicSecureUrl, { message: INSECURE_URL_MESSAGE });
}

function livekitFields(allowInsecure: boolean) {
  return {
    url: urlField(allowInsecure),
    token: z.string().min(1).max(2048),
    roomName: z.string().min(1).max(256),
    agentIdentity: z.string().min(1).max(256).optional(),
  };
}

function buildSchema(mode: EmulatorMode, allowInsecure: boolean) {
  const base = {
    model: z.literal('gwm1_avatars'),
    avatar,
    maxDuration: z.int().min(10).max(1800).default(300),
    personality: z.string().min(1).max(10000).optional(),
    startScript: z.string().min(1).max(2000).optional(),
    tools,
  };
  const integration = z.discriminatedUnion('type', [
    z.object({ type: z.literal('elevenlabs'), signedUrl: urlField(allowInsecure) }),
    z.object({ type: z.literal('livekit'), ...livekitFields(allowInsecure) }),
  ]);
  const livekit = z.object(livekitFields(allowInsecure));
  if (mode === 'hosted-only') return z.object(base);
  if (mode === 'legacy-livekit') return z.object({ ...base, livekit: livekit.optional() });
  return z
    .object({ ...base, integration: integration.optional(), livekit: livekit.optional() })
    .superRefine((body, ctx) => {
      // Unknown upstream whether both may be sent together: the emulator refuses the ambiguity.
      if (body.integration !== undefined && body.livekit !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: 'Use either integration or livekit, not both',
          path: ['livekit'],
        });
      }
    });
}

/** The create body as the emulator stores it: the full (integration-mode) shape after defaults. @public */
export type CreateBody = z.output<ReturnType<typeof buildSchema>> & {
  integration?:
    | { type: 'elevenlabs'; signedUrl: string }
    | {
        type: 'livekit';
        url: string;
        token: string;
        roomName: string;
        agentIdentity?: string;
      };
  livekit?: { url: string; token: string; roomName: string; agentIdentity?: string };
};

const cache = new Map<string, ReturnType<typeof buildSchema>>();

/** The zod schema of the create body in a mode (cached). Exposed for schema-fidelity tests. @public */
export function createBodySchema(mode: EmulatorMode, allowInsecureUrls = true) {
  const key = `${mode}|${allowInsecureUrls}`;
  let schema = cache.get(key);
  if (!schema) {
    schema = buildSchema(mode, allowInsecureUrls);
    cache.set(key, schema);
  }
  return schema;
}

/** Result of {@link validateCreateBody}. */
export type CreateValidation = { ok: true; body: CreateBody } | { ok: false; response: Response };

/**
 * Validates a parsed create body as Runway does: first an unknown top-level key answers
 * `{"error":"Unrecognized key: <key>"}` (the first one; nested unknown keys are stripped, as
 * zod's default object does; `wording` picks another zod's words for it), then zod's issues answer
 * `Validation of body failed`.
 */
export function validateCreateBody(
  raw: unknown,
  mode: EmulatorMode,
  allowInsecureUrls: boolean,
  wording: RefusalWording = 'runway',
): CreateValidation {
  const schema = createBodySchema(mode, allowInsecureUrls);
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const known = Object.keys(schema.shape);
    const unknownKey = Object.keys(raw).find((k) => !known.includes(k));
    if (unknownKey !== undefined) {
      return { ok: false, response: refusalResponse(unknownKey, wording) };
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    return { ok: false, response: validationResponse('body', parsed.error.issues) };
  return { ok: true, body: parsed.data as CreateBody };
}

const params = z.object({ id: z.uuidv4() });

/** 400 `Validation of params failed` unless `id` is a UUID v4; undefined when it is. */
export function validateSessionId(id: string): Response | undefined {
  const parsed = params.safeParse({ id });
  return parsed.success ? undefined : validationResponse('params', parsed.error.issues);
}
