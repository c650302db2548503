/**
 * Command line of browser mode (`npm run start:web -- --port P --data DIR --fachdienst URL --renderer DIR`).
 * Pure: the environment (home folder, working directory, ERX_RENDERER_DIR) is passed in.
 */
import { isAbsolute, join, resolve } from 'node:path';
import type { BackendKind } from '../../shared/ipc/contract';
import { BackendChoiceError, chooseBackend } from '../backend/choice';

export const DEFAULT_WEB_PORT = 5180;

export interface WebArgs {
  port: number;
  dataDir: string;
  fachdienstUrl?: string;
  rendererDir: string;
  /** timeouts and retry policy in milliseconds (tests, demos; issue 6 item 2) */
  network: Partial<Record<NetworkOption, number>>;
  /** `--backend`: `ti` is passed on and refused by the core at start (issue 7 item 1, exit code 1) */
  backend?: BackendKind;
  /** `--seed`: deterministic ids and fictional data of the embedded simulator (issue 7 item 5) */
  seed?: number;
  /** `--fixed-time`: the embedded simulator's base clock stands still at this instant (issue 7 item 5) */
  fixedTime?: Date;
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
  '  --backend KIND    embedded (Standard), simulator (mit --fachdienst) oder ti (noch nicht verfügbar) / backend',
  '  --seed N          eingebauter Simulator: feste Ids und Testdaten (0–4294967295) / deterministic ids',
  '  --fixed-time ISO  eingebauter Simulator: Uhr steht bei diesem Zeitpunkt, z. B. 2026-10-05T09:00:00+02:00 / fixed clock',
].join('\n');

/**
 * The browser-mode data folder is deliberately separate from the Electron app's user data folder, so that a
 * demo or e2e run in the browser never touches the cases of a real installation.
 */
export const defaultWebDataDir = (homeDir: string): string => join(homeDir, '.erx-counter', 'browser-mode');

const valueOptions = new Set([
  '--port',
  '--data',
  '--fachdienst',
  '--renderer',
  '--backend',
  '--seed',
  '--fixed-time',
  ...Object.keys(networkOptions),
]);
const backendKinds: readonly BackendKind[] = ['embedded', 'simulator', 'ti'];

/**
 * Splits a command line into what browser mode understands and what it does not (issue 12 item 5: `npm start`
 * falls back to browser mode with the Electron app's command line; unknown arguments are named and ignored,
 * never fatal). An option that takes a value keeps its value; a value-less unknown flag goes alone.
 */
export function partitionWebArgs(argv: readonly string[]): { known: string[]; ignored: string[] } {
  const known: string[] = [];
  const ignored: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (arg === '--help' || arg === '-h') known.push(arg);
    else if (valueOptions.has(name)) {
      known.push(arg);
      const value = argv[i + 1];
      if (eq < 0 && value !== undefined && !value.startsWith('--')) {
        known.push(value);
        i++;
      }
    } else ignored.push(arg);
  }
  return { known, ignored };
}

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

  const backendText = values.get('--backend');
  const backend = backendKinds.find((kind) => kind === backendText);
  if (backendText !== undefined && backend === undefined) {
    return error(`--backend erwartet embedded, simulator oder ti / expects embedded, simulator or ti: ${backendText}`);
  }
  const seedText = values.get('--seed');
  if (seedText !== undefined && (!/^\d{1,10}$/.test(seedText) || Number(seedText) > 0xffff_ffff)) {
    return error(`--seed erwartet eine ganze Zahl von 0 bis 4294967295 / expects an integer from 0 to 4294967295: ${seedText}`);
  }
  const fixedTimeText = values.get('--fixed-time');
  const fixedTime = fixedTimeText === undefined ? undefined : new Date(fixedTimeText);
  if (fixedTimeText !== undefined && (!/^\d{4}-\d{2}-\d{2}T/.test(fixedTimeText) || Number.isNaN(fixedTime?.getTime()))) {
    return error(`--fixed-time erwartet einen ISO-8601-Zeitpunkt wie 2026-10-05T09:00:00+02:00 / expects an ISO 8601 instant: ${fixedTimeText}`);
  }
  // The backend rule (main/backend/choice.ts); `ti` goes on to the core, which refuses it at start (exit code 1).
  try {
    chooseBackend({ backend, fachdienstUrl, deterministic: seedText !== undefined || fixedTimeText !== undefined });
  } catch (e) {
    if (e instanceof BackendChoiceError) return error(`${e.message} / ${e.english}`);
    throw e;
  }

  return {
    kind: 'run',
    args: {
      port,
      dataDir,
      fachdienstUrl,
      rendererDir,
      network,
      ...(backend !== undefined ? { backend } : {}),
      ...(seedText !== undefined ? { seed: Number(seedText) } : {}),
      ...(fixedTime !== undefined ? { fixedTime } : {}),
    },
  };
}

/** What `createCore` (main/core.ts CoreOptions) gets from the command line; options not given stay absent. */
export interface WebCoreOptions {
  dataDir: string;
  fachdienstUrl?: string;
  network?: WebArgs['network'];
  backend?: BackendKind;
  simulator?: { seed?: number; fixedTime?: Date };
}

export function coreOptionsOf(args: WebArgs): WebCoreOptions {
  const simulator = {
    ...(args.seed !== undefined ? { seed: args.seed } : {}),
    ...(args.fixedTime !== undefined ? { fixedTime: args.fixedTime } : {}),
  };
  return {
    dataDir: args.dataDir,
    fachdienstUrl: args.fachdienstUrl,
    network: args.network,
    ...(args.backend !== undefined ? { backend: args.backend } : {}),
    ...(Object.keys(simulator).length > 0 ? { simulator } : {}),
  };
}

const error = (message: string): ParsedWebArgs => ({ kind: 'error', message });
