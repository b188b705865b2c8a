// Create-body validation: Runway's exact 400 bodies, zod issue paths, and schema fidelity to the OpenAPI.
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createBodySchema,
  INSECURE_URL_MESSAGE,
  type RunningEmulator,
  startEmulator,
} from '../../src/emulator/index.js';
import { call, fastEmulator, LIVEKIT_CREDS, PRESET_BODY } from './helpers.js';
import { createBodyJsonSchema, reference, structural } from './openapi.js';

const DOC_URL = 'https://docs.dev.runwayml.com/api';
const AVATAR_ID = '550e8400-e29b-41d4-a716-446655440000';

const create = (emulator: RunningEmulator, body: unknown) =>
  call(emulator, 'POST', '/v1/realtime_sessions', {
    body: body === undefined ? '' : JSON.stringify(body),
  });

const tool = (name: string, extra: Record<string, unknown> = {}) => ({
  type: 'client_event',
  name,
  description: 'Show a thing',
  ...extra,
});

/** Bad bodies, each with the path and zod code of its one issue. */
const BAD: [string, unknown, (string | number)[], string][] = [
  ['missing model', { avatar: PRESET_BODY.avatar }, ['model'], 'invalid_value'],
  [
    'wrong preset id',
    { ...PRESET_BODY, avatar: { type: 'runway-preset', presetId: 'dog' } },
    ['avatar', 'presetId'],
    'invalid_value',
  ],
  [
    'non-UUID avatarId',
    { ...PRESET_BODY, avatar: { type: 'custom', avatarId: 'my-avatar' } },
    ['avatar', 'avatarId'],
    'invalid_format',
  ],
  [
    'UUID v1 avatarId',
    {
      ...PRESET_BODY,
      avatar: { type: 'custom', avatarId: '550e8400-e29b-11d4-a716-446655440000' },
    },
    ['avatar', 'avatarId'],
    'invalid_format',
  ],
  ['maxDuration 9', { ...PRESET_BODY, maxDuration: 9 }, ['maxDuration'], 'too_small'],
  ['maxDuration 1801', { ...PRESET_BODY, maxDuration: 1801 }, ['maxDuration'], 'too_big'],
  ['maxDuration 10.5', { ...PRESET_BODY, maxDuration: 10.5 }, ['maxDuration'], 'invalid_type'],
  ['maxDuration "300"', { ...PRESET_BODY, maxDuration: '300' }, ['maxDuration'], 'invalid_type'],
  [
    'personality 10001 chars',
    { ...PRESET_BODY, personality: 'p'.repeat(10001) },
    ['personality'],
    'too_big',
  ],
  ['empty personality', { ...PRESET_BODY, personality: '' }, ['personality'], 'too_small'],
  [
    'startScript 2001 chars',
    { ...PRESET_BODY, startScript: 's'.repeat(2001) },
    ['startScript'],
    'too_big',
  ],
  [
    '21 tools',
    { ...PRESET_BODY, tools: Array.from({ length: 21 }, (_, i) => tool(`t${i}`)) },
    ['tools'],
    'too_big',
  ],
  ['tools not an array', { ...PRESET_BODY, tools: {} }, ['tools'], 'invalid_type'],
  ['avatar a string', { ...PRESET_BODY, avatar: 'cat-character' }, ['avatar'], 'invalid_type'],
  [
    'tool name pattern',
    { ...PRESET_BODY, tools: [tool('1st')] },
    ['tools', 0, 'name'],
    'invalid_format',
  ],
  [
    'rpc timeout 9 s',
    { ...PRESET_BODY, tools: [tool('a', { type: 'backend_rpc', timeoutSeconds: 9 })] },
    ['tools', 0, 'timeoutSeconds'],
    'too_big',
  ],
  [
    'array parameter without items',
    {
      ...PRESET_BODY,
      tools: [tool('a', { parameters: [{ type: 'array', name: 'xs', description: 'd' }] })],
    },
    ['tools', 0, 'parameters', 0, 'items'],
    'invalid_type',
  ],
  [
    'duplicate tool names',
    { ...PRESET_BODY, tools: [tool('a'), tool('a')] },
    ['tools', 1, 'name'],
    'custom',
  ],
  [
    'integration without token',
    { ...PRESET_BODY, integration: { type: 'livekit', url: LIVEKIT_CREDS.url, roomName: 'r' } },
    ['integration', 'token'],
    'invalid_type',
  ],
  [
    'integration url not a URI',
    { ...PRESET_BODY, integration: { type: 'livekit', ...LIVEKIT_CREDS, url: 'not a url' } },
    ['integration', 'url'],
    'invalid_format',
  ],
  [
    'livekit roomName too long',
    { ...PRESET_BODY, livekit: { ...LIVEKIT_CREDS, roomName: 'r'.repeat(257) } },
    ['livekit', 'roomName'],
    'too_big',
  ],
  [
    'integration and livekit together',
    { ...PRESET_BODY, integration: { type: 'livekit', ...LIVEKIT_CREDS }, livekit: LIVEKIT_CREDS },
    ['livekit'],
    'custom',
  ],
  ['body an array', [PRESET_BODY], [], 'invalid_type'],
  ['empty body', undefined, [], 'invalid_type'],
];

describe('create body validation', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ provisioningMs: 60_000 });
    return () => emulator.close();
  });

  it.each(BAD)(
    '%s → 400 Validation of body failed at its path',
    async (_name, body, path, code) => {
      const res = await create(emulator, body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: 'Validation of body failed',
        issues: [expect.objectContaining({ code, path, message: expect.any(String) })],
        docUrl: DOC_URL,
      });
    },
  );

  it('sends zod issues whole (extra fields included)', async () => {
    expect((await create(emulator, { ...PRESET_BODY, maxDuration: 9 })).body).toEqual({
      error: 'Validation of body failed',
      issues: [
        {
          origin: 'number',
          code: 'too_small',
          minimum: 10,
          inclusive: true,
          path: ['maxDuration'],
          message: 'Too small: expected number to be >=10',
        },
      ],
      docUrl: DOC_URL,
    });
  });

  it('an unknown top-level key wins over other issues, and the first one is named', async () => {
    const body = { model: 'gwm2', zeta: 1, alpha: 2 };
    expect((await create(emulator, body)).body).toEqual({ error: 'Unrecognized key: zeta' });
  });

  it('unknown nested keys are stripped, limits are inclusive, defaults are applied', async () => {
    const res = await create(emulator, {
      ...PRESET_BODY,
      avatar: { type: 'custom', avatarId: AVATAR_ID, colour: 'red' },
      maxDuration: 1800,
      personality: 'p'.repeat(10000),
      startScript: 's'.repeat(2000),
      tools: [
        ...Array.from({ length: 19 }, (_, i) => tool(`t${i}`)),
        tool('rpc', {
          type: 'backend_rpc',
          parameters: [{ type: 'string', name: 'q', description: 'd' }],
        }),
      ],
    });
    expect(res.status).toBe(200);
    const session = emulator.session((res.body as { id: string }).id);
    expect(session?.avatar).toEqual({ type: 'custom', avatarId: AVATAR_ID });
    expect(session?.body.tools).toContainEqual(
      expect.objectContaining({
        name: 'rpc',
        timeoutSeconds: 4,
        parameters: [{ type: 'string', name: 'q', description: 'd', required: true }],
      }),
    );
  });
});

describe('modes', () => {
  const integration = { ...PRESET_BODY, integration: { type: 'livekit', ...LIVEKIT_CREDS } };
  const legacy = { ...PRESET_BODY, livekit: LIVEKIT_CREDS };

  it('hosted-only: livekit and integration are unknown keys', async () => {
    const emulator = await fastEmulator({ mode: 'hosted-only' });
    expect(await create(emulator, legacy)).toMatchObject({
      status: 400,
      body: { error: 'Unrecognized key: livekit' },
    });
    expect((await create(emulator, legacy)).body).toEqual({ error: 'Unrecognized key: livekit' });
    expect((await create(emulator, integration)).body).toEqual({
      error: 'Unrecognized key: integration',
    });
    expect((await create(emulator, PRESET_BODY)).status).toBe(200);
  });

  it.each([
    ['runway', { error: 'Unrecognized key: integration' }],
    ['zod4-quoted', { error: 'Unrecognized key: "integration"' }],
    ['zod4-list', { error: 'Unrecognized keys: "integration", "agentIdentity"' }],
    ['zod3', { error: "Unrecognized key(s) in object: 'integration'" }],
    [
      'issues',
      {
        error: 'Validation of body failed',
        issues: [
          {
            code: 'unrecognized_keys',
            keys: ['integration'],
            path: [],
            message: 'Unrecognized key: "integration"',
          },
        ],
        docUrl: DOC_URL,
      },
    ],
  ] as const)('refusalWording %s words the refusal of an unknown key', async (wording, body) => {
    const emulator = await fastEmulator({ mode: 'hosted-only', refusalWording: wording });
    expect(await create(emulator, integration)).toMatchObject({ status: 400, body });
    expect(emulator.refusalWording).toBe(wording);
    emulator.setRefusalWording('runway');
    expect((await create(emulator, integration)).body).toEqual({
      error: 'Unrecognized key: integration',
    });
    expect(() => emulator.setRefusalWording('nope' as never)).toThrow(TypeError);
  });

  it('legacy-livekit: livekit accepted, integration unknown', async () => {
    const emulator = await fastEmulator({ mode: 'legacy-livekit' });
    const ok = await create(emulator, legacy);
    expect(ok.status).toBe(200);
    expect(emulator.session((ok.body as { id: string }).id)?.via).toBe('livekit');
    expect((await create(emulator, integration)).body).toEqual({
      error: 'Unrecognized key: integration',
    });
  });

  it('integration (default) accepts both shapes; setMode switches at runtime', async () => {
    const emulator = await fastEmulator();
    expect(emulator.mode).toBe('integration');
    const a = await create(emulator, integration);
    const b = await create(emulator, legacy);
    const c = await create(emulator, {
      ...PRESET_BODY,
      integration: { type: 'elevenlabs', signedUrl: 'wss://api.elevenlabs.io/v1/convai?token=x' },
    });
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    expect(emulator.sessions().map((s) => s.via)).toEqual(['integration', 'livekit', 'elevenlabs']);
    emulator.setMode('hosted-only');
    expect((await create(emulator, legacy)).body).toEqual({ error: 'Unrecognized key: livekit' });
    expect(() => emulator.setMode('bogus' as 'integration')).toThrow(TypeError);
  });
});

describe('LiveKit URL rule', () => {
  const withUrl = (url: string) => ({
    ...PRESET_BODY,
    integration: { type: 'livekit', ...LIVEKIT_CREDS, url },
  });

  it('accepts ws:// loopback URLs by default', async () => {
    const emulator = await fastEmulator();
    expect((await create(emulator, withUrl('ws://127.0.0.1:7880'))).status).toBe(200);
  });

  it('allowInsecureLiveKitUrls: false refuses what real Runway refuses', async () => {
    const emulator = await fastEmulator({ allowInsecureLiveKitUrls: false });
    const refused = [
      'ws://127.0.0.1:7880',
      'http://example.com',
      'wss://localhost:7880',
      'https://10.1.2.3',
      'wss://172.20.0.1',
      'wss://192.168.1.10',
      'wss://[::1]:7880',
    ];
    for (const url of refused) {
      expect((await create(emulator, withUrl(url))).body, url).toEqual({
        error: 'Validation of body failed',
        issues: [{ code: 'custom', path: ['integration', 'url'], message: INSECURE_URL_MESSAGE }],
        docUrl: DOC_URL,
      });
    }
    const legacy = await create(emulator, { ...PRESET_BODY, livekit: LIVEKIT_CREDS });
    expect(legacy.body).toMatchObject({ issues: [{ path: ['livekit', 'url'] }] });
    const eleven = await create(emulator, {
      ...PRESET_BODY,
      integration: { type: 'elevenlabs', signedUrl: 'http://api.elevenlabs.io/x' },
    });
    expect(eleven.body).toMatchObject({ issues: [{ path: ['integration', 'signedUrl'] }] });
    for (const url of ['wss://demo.livekit.cloud', 'https://8.8.8.8:443']) {
      expect((await create(emulator, withUrl(url))).status, url).toBe(200);
    }
  });
});

describe('fidelity to Runway OpenAPI', () => {
  const omit = (schema: unknown, ...keys: string[]) => {
    const s = structuredClone(schema) as { properties: Record<string, unknown> };
    for (const k of keys) delete s.properties[k];
    return s;
  };

  it('the emulator schema, as JSON Schema, is exactly the published create body', () => {
    const mine = (mode: 'integration' | 'legacy-livekit' | 'hosted-only') =>
      structural(z.toJSONSchema(createBodySchema(mode), { io: 'input' }));
    expect(mine('integration')).toEqual(structural(createBodyJsonSchema));
    expect(mine('legacy-livekit')).toEqual(structural(omit(createBodyJsonSchema, 'integration')));
    expect(mine('hosted-only')).toEqual(
      structural(omit(createBodyJsonSchema, 'integration', 'livekit')),
    );
  });

  it('accepts exactly the bodies the published schema accepts', async () => {
    const emulator = await fastEmulator({ provisioningMs: 60_000 });
    const valid = [
      PRESET_BODY,
      { ...PRESET_BODY, avatar: { type: 'custom', avatarId: AVATAR_ID }, maxDuration: 10 },
      {
        ...PRESET_BODY,
        integration: { type: 'livekit', ...LIVEKIT_CREDS, agentIdentity: 'agent' },
      },
      {
        ...PRESET_BODY,
        tools: [
          tool('a', {
            parameters: [{ type: 'object', name: 'o', description: 'd', properties: [] }],
          }),
        ],
      },
    ];
    const skip = new Set([
      'duplicate tool names',
      'integration and livekit together',
      'empty body',
    ]);
    const bodies = [...valid, ...BAD.filter(([name]) => !skip.has(name)).map(([, body]) => body)];
    for (const body of bodies) {
      const expected = reference.createBody.safeParse(body).success;
      const res = await create(emulator, body);
      expect(res.status === 200, JSON.stringify(body).slice(0, 120)).toBe(expected);
      if (res.status === 200)
        expect(reference.createResponse.safeParse(res.body).success).toBe(true);
    }
  });
});
