// Sources of the temp consumer project that test/package/pack.test.ts installs the packed tarball into.

/** Runtime module formats a consumer script is written in. */
export type ScriptFormat = 'esm' | 'cjs';

/** Module preamble: imports in ESM, requires (and an async wrapper) in CJS. */
function wrap(format: ScriptFormat, imports: Record<string, string>, body: string): string {
  const lines = Object.entries(imports).map(([spec, names]) =>
    format === 'esm'
      ? `import { ${names} } from '${spec}';`
      : `const { ${names} } = require('${spec}');`,
  );
  const resolve =
    format === 'esm'
      ? 'const resolved = (s) => fileURLToPath(import.meta.resolve(s));'
      : 'const resolved = (s) => require.resolve(s);';
  const head = [...lines, resolve].join('\n');
  return format === 'esm' ? `${head}\n${body}\n` : `${head}\n(async () => {\n${body}\n})();\n`;
}

/**
 * The main entry (with the peer's logger initialised, as in an agent process): VERSION, a RunwayOptionError for a bad option (message checked by the test), and
 * RunwayAPIError extending the peer's APIStatusError (so @livekit/agents is not bundled). Prints JSON.
 */
export function mainScript(format: ScriptFormat): string {
  return wrap(
    format,
    {
      'node:url': 'fileURLToPath',
      'livekit-agents-runway':
        'AvatarSession, PACKAGE_NAME, PRESET_IDS, RunwayAPIError, RunwayOptionError, VERSION',
      '@livekit/agents': 'APIStatusError, initializeLogger',
    },
    `// As in an agent process: @livekit/agents' CLI initialises its logger before any plugin object.
initializeLogger({ pretty: false, level: 'silent' });
let err;
try {
  new AvatarSession({ apiKey: 'not-a-key', presetId: PRESET_IDS[0], strategy: 'sideways' });
} catch (e) {
  err = e;
}
process.stdout.write(JSON.stringify({
  version: VERSION,
  name: PACKAGE_NAME,
  errorName: err && err.name,
  message: err && err.message,
  option: err && err.option,
  isOptionError: err instanceof RunwayOptionError && RunwayOptionError.is(err),
  apiErrorExtendsPeer: RunwayAPIError.prototype instanceof APIStatusError,
  resolved: resolved('livekit-agents-runway'),
}));`,
  );
}

/**
 * The emulator subpath: one create request against an emulator on 127.0.0.1, then whether the
 * native WebRTC library was loaded, before and after an emulator with `worker: true` (the control
 * that makes the first answer meaningful). Prints JSON.
 */
export function emulatorScript(format: ScriptFormat): string {
  const cacheCheck =
    format === 'cjs'
      ? "Object.keys(require.cache).some((k) => k.includes('/@livekit/rtc-node/'))"
      : 'false';
  return wrap(
    format,
    {
      'node:url': 'fileURLToPath',
      'node:fs': 'readFileSync',
      'livekit-agents-runway/emulator': 'RUNWAY_API_VERSION, startEmulator',
    },
    `const nativeLoaded = () =>
  /rtc-ffi-bindings|rtc-node\\.[\\w-]+\\.node/.test(readFileSync('/proc/self/maps', 'utf8')) ||
  ${cacheCheck};
const emulator = await startEmulator({ host: '127.0.0.1', port: 0, provisioningMs: 20 });
const res = await fetch(emulator.url + '/v1/realtime_sessions', {
  method: 'POST',
  headers: {
    authorization: 'Bearer ' + emulator.apiKey,
    'x-runway-version': RUNWAY_API_VERSION,
    'content-type': 'application/json',
  },
  body: JSON.stringify({ model: 'gwm1_avatars', avatar: { type: 'runway-preset', presetId: 'cat-character' } }),
});
const body = await res.json();
await emulator.close();
const nativeAfterHttp = nativeLoaded();
const withWorker = await startEmulator({ host: '127.0.0.1', port: 0, worker: true });
await withWorker.close();
process.stdout.write(JSON.stringify({
  url: emulator.url,
  status: res.status,
  hasId: typeof body.id === 'string',
  nativeAfterHttp,
  nativeAfterWorker: nativeLoaded(),
  resolved: resolved('livekit-agents-runway/emulator'),
}));`,
  );
}

/**
 * A TypeScript consumer of both entries; checked as ESM (`.mts`) and as CJS (`.ts` in a
 * `"type": "commonjs"` package). The `@ts-expect-error` lines fail the check if types degrade to any.
 */
export const TYPES_SOURCE = `import {
  AvatarSession,
  type AvatarSessionOptions,
  RunwayAPIError,
  RunwayOptionError,
  VERSION,
} from 'livekit-agents-runway';
import {
  type EmulatorOptions,
  type RunningEmulator,
  startEmulator,
} from 'livekit-agents-runway/emulator';

const options: AvatarSessionOptions = { presetId: 'cat-character', maxDuration: 60 };
export const make = (): AvatarSession => new AvatarSession(options);
export const version: string = VERSION;
export const optionOf = (e: RunwayOptionError): string => e.option;
export const statusOf = (e: RunwayAPIError): number => e.statusCode;
const emulatorOptions: EmulatorOptions = { host: '127.0.0.1', port: 0 };
export const start = (): Promise<RunningEmulator> => startEmulator(emulatorOptions);
// @ts-expect-error strategy is a closed union
export const badStrategy: AvatarSessionOptions = { strategy: 'sideways' };
// @ts-expect-error port is a number
export const badPort: EmulatorOptions = { port: '80' };
`;

/** tsconfig of a TypeScript consumer: Node16 resolution, strict, the given files. */
export function consumerTsconfig(files: string[], skipLibCheck: boolean): object {
  return {
    compilerOptions: {
      target: 'es2022',
      lib: ['es2023'],
      module: 'node16',
      moduleResolution: 'node16',
      strict: true,
      noEmit: true,
      skipLibCheck,
      types: ['node'],
    },
    files,
  };
}
