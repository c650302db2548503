/**
 * Command line of browser mode (`npm run start:web -- --port P --data DIR --fachdienst URL --renderer DIR`), read
 * with the shared option table (main/cli-options.ts). Pure: the environment (home folder, working directory,
 * ERX_RENDERER_DIR) is passed in — except that `--store`'s CA file (`sslrootcert`, absolute or `~/` of the
 * process's home) is checked to be readable while the command line is read, so a wrong path fails at start.
 */
import { isAbsolute, join, resolve } from 'node:path';
import type { BackendKind } from '../../shared/ipc/contract';
import { BackendChoiceError, chooseBackend } from '../backend/choice';
import {
  formatBilingual,
  integerOption,
  partitionCommandLine,
  readCommandLine,
  sharedOptions,
  textOption,
  type OptionTable,
  type PostgresLocation,
} from '../cli-options';

export const DEFAULT_WEB_PORT = 5180;

export interface WebArgs {
  port: number;
  dataDir: string;
  fachdienstUrl?: string;
  /** `--idp`, `--konnektor`: the TI's other two addresses (`--backend ti`) */
  idpUrl?: string;
  konnektorUrl?: string;
  rendererDir: string;
  /** timeouts and retry policy in milliseconds (tests, demos; spec §8, A_25460) */
  network: Partial<Record<NetworkOption, number>>;
  /** `--backend`: `ti` is passed on; the core runs the TI simulation and refuses the real TI at start (exit code 1) */
  backend?: BackendKind;
  /** `--seed`: deterministic ids and fictional data of the embedded simulator (docs/simulator.md) */
  seed?: number;
  /** `--fixed-time`: the embedded simulator's base clock stands still at this instant (docs/simulator.md) */
  fixedTime?: Date;
  /**
   * `--store`: the shared PostgreSQL store (docs/multi-counter.md §2); absent = the SQLite store in the data folder.
   * Print it only through redactStoreUrl (main/store/store-location.ts).
   */
  store?: PostgresLocation;
  /** `--enrol-passphrase-file`, absolute: the enrolment passphrase (multi-counter §5); only with `--store` */
  enrolPassphraseFile?: string;
  /** `--enrol-code`: the one-time code of an enrolled counter (§5); only with `--store` */
  enrolCode?: string;
  /** `--import-local-store`: move the data folder's own SQLite store into the shared one (only with `--store`) */
  importLocalStore?: boolean;
  /** `--background-retry-ms`: how soon a counter tries to take over the background work (tests, demos; §4) */
  backgroundRetryMs?: number;
  /** `--import-articles FILE`, absolute: the article master imported before serving (docs/article-master.md) */
  importArticles?: string;
}

/** Command-line names of the network settings (main/services/settings.ts NetworkSettings). */
const networkOptions = [
  ['request-timeout-ms', 'requestTimeoutMs'],
  ['retry-base-ms', 'retryBaseMs'],
  ['retry-max-delay-ms', 'retryMaxDelayMs'],
  ['max-attempts', 'maxAttempts'],
  ['probe-interval-ms', 'probeIntervalMs'],
] as const;
export type NetworkOption = (typeof networkOptions)[number][1];

/** What browser mode understands: the shared options (main/cli-options.ts) plus its renderer and network settings. */
const webOptions = {
  help: sharedOptions.help,
  port: sharedOptions.port,
  data: sharedOptions.data,
  fachdienst: sharedOptions.fachdienst,
  idp: sharedOptions.idp,
  konnektor: sharedOptions.konnektor,
  renderer: textOption(),
  backend: sharedOptions.backend,
  seed: sharedOptions.seed,
  'fixed-time': sharedOptions['fixed-time'],
  store: sharedOptions.store,
  'enrol-passphrase-file': sharedOptions['enrol-passphrase-file'],
  'enrol-code': sharedOptions['enrol-code'],
  'import-local-store': sharedOptions['import-local-store'],
  'import-articles': sharedOptions['import-articles'],
  'request-timeout-ms': integerOption('--request-timeout-ms', 1, 3_600_000),
  'retry-base-ms': integerOption('--retry-base-ms', 1, 3_600_000),
  'retry-max-delay-ms': integerOption('--retry-max-delay-ms', 1, 3_600_000),
  'max-attempts': integerOption('--max-attempts', 1, 10),
  'probe-interval-ms': integerOption('--probe-interval-ms', 1, 3_600_000),
  'background-retry-ms': integerOption('--background-retry-ms', 10, 3_600_000),
} as const satisfies OptionTable;

export interface WebArgsEnvironment {
  homeDir: string;
  cwd: string;
  /** ERX_RENDERER_DIR, when set */
  rendererDirEnv?: string;
}

export type ParsedWebArgs = { kind: 'run'; args: WebArgs } | { kind: 'help' } | { kind: 'error'; message: string };

export const WEB_USAGE = [
  'Aufruf / usage: npm run start:web -- [--port P] [--data DIR] [--fachdienst URL] [--backend ti --idp URL --konnektor URL] [--renderer DIR]',
  '                           [--store URL [--enrol-passphrase-file DATEI] [--background-retry-ms N]]',
  `  --port P          Port auf 127.0.0.1 (Standard ${DEFAULT_WEB_PORT}, 0 = freier Port) / loopback port (0 = any free port)`,
  '  --data DIR        Datenordner (Standard ~/.erx-counter/browser-mode) / data folder',
  '  --fachdienst URL  externer Simulator statt des eingebauten / external simulator instead of the embedded one',
  '  --renderer DIR    gebaute Oberfläche (Standard $ERX_RENDERER_DIR oder ./out/renderer) / built renderer',
  '  --request-timeout-ms N, --retry-base-ms N, --retry-max-delay-ms N, --max-attempts N (1–10), --probe-interval-ms N',
  '                    Zeitlimits und Wiederholungen (Tests, Vorführungen) / timeouts and retry policy',
  '  --backend KIND    embedded (Standard), simulator (mit --fachdienst) oder ti / backend',
  '  --idp URL, --konnektor URL  TI: Basis des IDP und des Konnektors; alle drei auf 127.0.0.1 = TI-Simulation',
  '                    (npm run simulator -- --ti); ti ohne Adressen = echte TI mit der Umgebung aus den Einstellungen',
  '                    / TI addresses (loopback = simulation); ti without addresses = the real TI set up in the settings',
  '  --seed N          eingebauter Simulator: feste Ids und Testdaten (0–4294967295) / deterministic ids',
  '  --fixed-time ISO  eingebauter Simulator: Uhr steht bei diesem Zeitpunkt, z. B. 2026-10-05T09:00:00+02:00 / fixed clock',
  '  --store URL       gemeinsame PostgreSQL-Datenbank mehrerer Kassen, postgres://benutzer@host:port/datenbank; Passwort',
  '                    nur in der Passwortdatei (PGPASSFILE oder ~/.pgpass, chmod 600); außerhalb dieses Rechners nur mit',
  '                    ?sslmode=verify-full&sslrootcert=/pfad/ca.pem / shared PostgreSQL store (TLS verify-full off loopback)',
  '  --enrol-passphrase-file DATEI  Passphrase (mind. 16 Zeichen, chmod 600), mit der die Kassen die Schlüssel der',
  '                    Apotheke teilen; nur mit --store / enrolment passphrase file (with --store)',
  '  --enrol-code CODE  Einmal-Code einer eingebundenen Kasse („Kasse hinzufügen“) statt der Passphrase / one-time code',
  '  --import-local-store  die eigene Datenbank dieses Datenordners einmalig in die gemeinsame übernehmen',
  '                    / move this data folder\'s own store into the shared one, once',
  '  --import-articles DATEI  Artikelstamm (CSV, Format Version 1) vor dem Start einlesen; bei Fehlern Zeile und Feld,',
  '                    Exit-Code 1, nichts geändert / import an article master file before serving (exit code 1 on problems)',
  '  --background-retry-ms N  wie oft eine Kasse versucht, die Hintergrundarbeit zu übernehmen (Standard 30000; Tests)',
  '                    / how often a counter tries to take over the background work',
].join('\n');

/**
 * The browser-mode data folder is deliberately separate from the Electron app's user data folder, so that a
 * demo or e2e run in the browser never touches the cases of a real installation.
 */
export const defaultWebDataDir = (homeDir: string): string => join(homeDir, '.erx-counter', 'browser-mode');

/**
 * Splits a command line into what browser mode understands and what it does not: `npm start`
 * falls back to browser mode with the Electron app's command line (README "Run it"); unknown arguments are
 * named and ignored, never fatal. An option that takes a value keeps its value; a value-less unknown flag goes alone.
 */
export const partitionWebArgs = (argv: readonly string[]): { known: string[]; ignored: string[] } =>
  partitionCommandLine(argv, webOptions);

/** `argv` without node and script, i.e. `process.argv.slice(2)`. Accepts `--opt value` and `--opt=value`. */
export function parseWebArgs(argv: readonly string[], env: WebArgsEnvironment): ParsedWebArgs {
  const line = readCommandLine(argv, webOptions);
  if (line.kind === 'help') return line;
  if (line.kind === 'error') return error(formatBilingual(line.problem));
  const given = line.values;

  const absolute = (dir: string): string => (isAbsolute(dir) ? dir : resolve(env.cwd, dir));
  const rendererDir = absolute(given.renderer ?? env.rendererDirEnv ?? join('out', 'renderer'));
  const dataDir = given.data === undefined ? defaultWebDataDir(env.homeDir) : absolute(given.data);

  const network: WebArgs['network'] = {};
  for (const [option, key] of networkOptions) {
    const value = given[option];
    if (value !== undefined) network[key] = value;
  }

  // multi-counter §5: the passphrase enrols counters into a shared store; without one it would silently do nothing
  for (const option of ['enrol-passphrase-file', 'enrol-code', 'import-local-store'] as const) {
    if (given[option] !== undefined && given.store === undefined) {
      return error(formatBilingual({ de: `--${option} gilt nur zusammen mit --store`, en: `--${option} needs --store` }));
    }
  }

  const fachdienstUrl = given.fachdienst;
  const fixedTime = given['fixed-time'];
  // The backend rule (main/backend/choice.ts); whether `ti` may run is the core's (the real TI: exit code 1).
  try {
    chooseBackend({
      backend: given.backend,
      fachdienstUrl,
      idpUrl: given.idp,
      konnektorUrl: given.konnektor,
      deterministic: given.seed !== undefined || fixedTime !== undefined,
    });
  } catch (e) {
    if (e instanceof BackendChoiceError) return error(formatBilingual({ de: e.message, en: e.english }));
    throw e;
  }

  return {
    kind: 'run',
    args: {
      port: given.port ?? DEFAULT_WEB_PORT,
      dataDir,
      fachdienstUrl,
      ...(given.idp !== undefined ? { idpUrl: given.idp } : {}),
      ...(given.konnektor !== undefined ? { konnektorUrl: given.konnektor } : {}),
      rendererDir,
      network,
      ...(given.backend !== undefined ? { backend: given.backend } : {}),
      ...(given.seed !== undefined ? { seed: given.seed } : {}),
      ...(fixedTime !== undefined ? { fixedTime } : {}),
      ...(given.store !== undefined ? { store: given.store } : {}),
      ...(given['enrol-passphrase-file'] !== undefined ? { enrolPassphraseFile: absolute(given['enrol-passphrase-file']) } : {}),
      ...(given['background-retry-ms'] !== undefined ? { backgroundRetryMs: given['background-retry-ms'] } : {}),
      ...(given['enrol-code'] !== undefined ? { enrolCode: given['enrol-code'] } : {}),
      ...(given['import-local-store'] === true ? { importLocalStore: true } : {}),
      ...(given['import-articles'] !== undefined ? { importArticles: absolute(given['import-articles']) } : {}),
    },
  };
}

/** What `createCore` (main/core.ts CoreOptions) gets from the command line; options not given stay absent. */
export interface WebCoreOptions {
  dataDir: string;
  fachdienstUrl?: string;
  idpUrl?: string;
  konnektorUrl?: string;
  network?: WebArgs['network'];
  backend?: BackendKind;
  simulator?: { seed?: number; fixedTime?: Date };
  /** `--store`: the pharmacy's shared PostgreSQL (issue 18) */
  store?: PostgresLocation;
  enrolPassphraseFile?: string;
  enrolCode?: string;
  importLocalStore?: boolean;
  backgroundRetryMs?: number;
  importArticles?: string;
}

export function coreOptionsOf(args: WebArgs): WebCoreOptions {
  const simulator = {
    ...(args.seed !== undefined ? { seed: args.seed } : {}),
    ...(args.fixedTime !== undefined ? { fixedTime: args.fixedTime } : {}),
  };
  return {
    dataDir: args.dataDir,
    fachdienstUrl: args.fachdienstUrl,
    ...(args.idpUrl !== undefined ? { idpUrl: args.idpUrl } : {}),
    ...(args.konnektorUrl !== undefined ? { konnektorUrl: args.konnektorUrl } : {}),
    network: args.network,
    ...(args.backend !== undefined ? { backend: args.backend } : {}),
    ...(Object.keys(simulator).length > 0 ? { simulator } : {}),
    ...(args.store !== undefined ? { store: args.store } : {}),
    ...(args.enrolPassphraseFile !== undefined ? { enrolPassphraseFile: args.enrolPassphraseFile } : {}),
    ...(args.backgroundRetryMs !== undefined ? { backgroundRetryMs: args.backgroundRetryMs } : {}),
    ...(args.enrolCode !== undefined ? { enrolCode: args.enrolCode } : {}),
    ...(args.importLocalStore ? { importLocalStore: true } : {}),
    ...(args.importArticles !== undefined ? { importArticles: args.importArticles } : {}),
  };
}

const error = (message: string): ParsedWebArgs => ({ kind: 'error', message });
