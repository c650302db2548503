/**
 * Command line of browser mode (`npm run start:web -- --port P --data DIR --fachdienst URL --renderer DIR`).
 * Pure: the environment (home folder, working directory, ERX_RENDERER_DIR) is passed in.
 */
import { isAbsolute, join, resolve } from 'node:path';

export const DEFAULT_WEB_PORT = 5180;

export interface WebArgs {
  port: number;
  dataDir: string;
  fachdienstUrl?: string;
  rendererDir: string;
  /** timeouts and retry policy in milliseconds (tests, demos; issue 6 item 2) */
  network: Partial<Record<NetworkOption, number>>;
}

/** Command-line names of the network settings (main/services/settings.ts NetworkSettings). */
const networkOptions = {
  '--request-timeout-ms': 'requestTimeoutMs',
  '--retry-base-ms': 'retryBaseMs',
  '--retry-max-delay-ms': 'retryMaxDelayMs',
  '--max-attempts': 'maxAttempts',
  '--probe-interval-ms': 'probeIntervalMs',
} as const;
export type NetworkOption = (typeof networkOptions)[keyof typeof networkOptions];

export interface WebArgsEnvironment {
  homeDir: string;
  cwd: string;
  /** ERX_RENDERER_DIR, when set */
  rendererDirEnv?: string;
}

export type ParsedWebArgs = { kind: 'run'; args: WebArgs } | { kind: 'help' } | { kind: 'error'; message: string };

export const WEB_USAGE = [
  'Aufruf / usage: npm run start:web -- [--port P] [--data DIR] [--fachdienst URL] [--renderer DIR]',
  `  --port P          Port auf 127.0.0.1 (Standard ${DEFAULT_WEB_PORT}, 0 = freier Port) / loopback port (0 = any free port)`,
  '  --data DIR        Datenordner (Standard ~/.erx-counter/browser-mode) / data folder',
  '  --fachdienst URL  externer Simulator statt des eingebauten / external simulator instead of the embedded one',
  '  --renderer DIR    gebaute Oberfläche (Standard $ERX_RENDERER_DIR oder ./out/renderer) / built renderer',
  '  --request-timeout-ms N, --retry-base-ms N, --retry-max-delay-ms N, --max-attempts N (1–10), --probe-interval-ms N',
  '                    Zeitlimits und Wiederholungen (Tests, Vorführungen) / timeouts and retry policy',
].join('\n');

/**
 * The browser-mode data folder is deliberately separate from the Electron app's user data folder, so that a
 * demo or e2e run in the browser never touches the cases of a real installation.
 */
export const defaultWebDataDir = (homeDir: string): string => join(homeDir, '.erx-counter', 'browser-mode');

const valueOptions = new Set(['--port', '--data', '--fachdienst', '--renderer', ...Object.keys(networkOptions)]);

/** `argv` without node and script, i.e. `process.argv.slice(2)`. Accepts `--opt value` and `--opt=value`. */
export function parseWebArgs(argv: readonly string[], env: WebArgsEnvironment): ParsedWebArgs {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!valueOptions.has(name)) return error(`unbekannte Option / unknown option: ${arg}`);
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) {
      return error(`${name} braucht einen Wert / needs a value`);
    }
    if (values.has(name)) return error(`${name} ist doppelt angegeben / given twice`);
    values.set(name, value);
  }

  const portText = values.get('--port');
  let port = DEFAULT_WEB_PORT;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
      return error(`--port erwartet eine Zahl von 0 bis 65535 / expects a number from 0 to 65535: ${portText}`);
    }
    port = Number(portText);
  }

  let fachdienstUrl: string | undefined;
  const fachdienstText = values.get('--fachdienst');
  if (fachdienstText !== undefined) {
    let url: URL;
    try {
      url = new URL(fachdienstText);
    } catch {
      return error(`--fachdienst ist keine gültige URL / is not a valid URL: ${fachdienstText}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return error(`--fachdienst muss http(s) sein / must be http(s): ${fachdienstText}`);
    }
    fachdienstUrl = url.toString().replace(/\/$/, '');
  }

  const absolute = (dir: string): string => (isAbsolute(dir) ? dir : resolve(env.cwd, dir));
  const rendererDir = absolute(values.get('--renderer') ?? env.rendererDirEnv ?? join('out', 'renderer'));
  const dataDirText = values.get('--data');
  const dataDir = dataDirText === undefined ? defaultWebDataDir(env.homeDir) : absolute(dataDirText);

  const network: WebArgs['network'] = {};
  for (const [option, key] of Object.entries(networkOptions)) {
    const text = values.get(option);
    if (text === undefined) continue;
    const max = key === 'maxAttempts' ? 10 : 3_600_000;
    if (!/^\d{1,7}$/.test(text) || Number(text) < 1 || Number(text) > max) {
      return error(`${option} erwartet eine ganze Zahl von 1 bis ${max} / expects an integer from 1 to ${max}: ${text}`);
    }
    network[key] = Number(text);
  }

  return { kind: 'run', args: { port, dataDir, fachdienstUrl, rendererDir, network } };
}

const error = (message: string): ParsedWebArgs => ({ kind: 'error', message });
