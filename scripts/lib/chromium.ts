// Dev tooling: finds headless Chromium for the browser e2e tests and benches; installs Debian's package if missing.
import { spawn } from 'node:child_process';
import { isExecutable } from './files.js';

/** The Debian package installed when no Chromium is found: the headless build, lighter than `chromium`. */
export const CHROMIUM_PACKAGE = 'chromium-headless-shell';

/** A Chromium binary and how puppeteer must launch it. */
export interface ChromiumBinary {
  path: string;
  /** `'shell'` for chromium-headless-shell, `true` for a full Chromium run headless. */
  headless: 'shell' | true;
}

/**
 * Candidates in order: `CHROMIUM_BIN`, Debian's headless shell, Debian's full Chromium (its real
 * binary, not the `/usr/bin/chromium` wrapper script, which prints shell noise).
 */
const CANDIDATES: readonly ChromiumBinary[] = [
  { path: '/usr/lib/chromium/chromium-headless-shell', headless: 'shell' },
  { path: '/usr/lib/chromium/chromium', headless: true },
];

/** How to get Chromium; appended to every error saying it is missing. */
export const HOW_TO_PROVIDE_CHROMIUM = [
  'The browser e2e tests need headless Chromium. Provide it in any of these ways:',
  `  1. as root: apt-get update && apt-get install -y --no-install-recommends ${CHROMIUM_PACKAGE}`,
  '     (`npm test` does this by itself when it runs as root and apt-get exists);',
  '  2. set CHROMIUM_BIN=/path/to/chromium (a Chromium or Chrome binary, 120 or newer);',
  '  3. set BROWSER_E2E=0 to leave the browser tests out explicitly (the run then says so).',
].join('\n');

/** No Chromium could be found or installed. */
export class ChromiumUnavailableError extends Error {
  constructor(reason: string) {
    super(`${reason}\n${HOW_TO_PROVIDE_CHROMIUM}`);
    this.name = 'ChromiumUnavailableError';
  }
}

/** The Chromium to use, or undefined. `CHROMIUM_BIN` that is not executable is an error. */
export async function findChromium(
  env: NodeJS.ProcessEnv = process.env,
): Promise<ChromiumBinary | undefined> {
  const given = env['CHROMIUM_BIN'];
  if (given) {
    if (!(await isExecutable(given))) {
      throw new ChromiumUnavailableError(`CHROMIUM_BIN=${given} is not an executable file.`);
    }
    return { path: given, headless: given.includes('headless-shell') ? 'shell' : true };
  }
  for (const c of CANDIDATES) if (await isExecutable(c.path)) return c;
  return undefined;
}

const run = (cmd: string, args: string[]): Promise<number> =>
  new Promise((resolve) => {
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    child.on('error', () => resolve(127));
    child.on('close', (code) => resolve(code ?? 1));
  });

/**
 * Finds Chromium; if there is none and this process is root with apt-get, installs
 * {@link CHROMIUM_PACKAGE} from Debian's archive (`apt-get update` first: a fresh machine has no
 * package lists). `log` receives one line per step.
 * @throws ChromiumUnavailableError with how to fix it.
 */
export async function ensureChromium(
  log: (line: string) => void = () => {},
): Promise<ChromiumBinary> {
  const found = await findChromium();
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new ChromiumUnavailableError('No Chromium found, and installing one needs root.');
  }
  if (!(await isExecutable('/usr/bin/apt-get'))) {
    throw new ChromiumUnavailableError('No Chromium found, and apt-get is not available here.');
  }
  log(`no Chromium found: installing Debian's ${CHROMIUM_PACKAGE} (apt-get, about 100 MB)`);
  if ((await run('/usr/bin/apt-get', ['update', '-qq'])) !== 0) {
    throw new ChromiumUnavailableError('`apt-get update` failed (see its output above).');
  }
  const code = await run('/usr/bin/apt-get', [
    'install',
    '-y',
    '-qq',
    '--no-install-recommends',
    CHROMIUM_PACKAGE,
  ]);
  if (code !== 0) {
    throw new ChromiumUnavailableError(
      `\`apt-get install ${CHROMIUM_PACKAGE}\` failed (exit ${code}).`,
    );
  }
  const installed = await findChromium();
  if (!installed) {
    throw new ChromiumUnavailableError(
      `${CHROMIUM_PACKAGE} was installed but its binary is not where expected.`,
    );
  }
  return installed;
}

/**
 * Chromium's command-line flags for a receive-only LiveKit page in a private network namespace or on
 * loopback: no sandbox (root), audio without a user gesture, loopback ICE, no mDNS candidates, and
 * no background network traffic of the browser's own.
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--no-sandbox',
  '--autoplay-policy=no-user-gesture-required',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns,MediaRouter,OptimizationHints,Translate',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-sync',
  '--no-first-run',
  '--no-default-browser-check',
  '--metrics-recording-only',
  '--use-fake-ui-for-media-stream',
];
