/**
 * Command-line options of the Electron app: `npm start [-- --data DIR --fachdienst URL --backend KIND]`,
 * read with the shared option table (main/cli-options.ts) as browser mode reads them. Electron's and
 * Chromium's own switches and the app path share the command line, so what the table does not know is ignored.
 */
import { availableBackend, chooseBackend, type AvailableBackend } from '../backend/choice';
import { formatBilingual, readCommandLine, sharedOptions, type OptionValues, type PostgresLocation } from '../cli-options';

export interface AppArgs {
  dataDir?: string;
  fachdienstUrl?: string;
  /** `--idp`, `--konnektor`: with `--backend ti` (the TI simulation when all three addresses are on loopback, else the real TI) */
  idpUrl?: string;
  konnektorUrl?: string;
  /** `--backend` (checked against the addresses); `ti` alone is the real TI with the environment of its settings */
  backend?: AvailableBackend['kind'];
  /** `--store`, `--enrol-passphrase-file`: the shared store (issue 18); win over `<data dir>/shared-store.json` */
  store?: PostgresLocation;
  enrolPassphraseFile?: string;
  enrolCode?: string;
  importLocalStore?: boolean;
  /** `--import-articles FILE`: the article master imported before the window opens (docs/article-master.md) */
  importArticles?: string;
}

const appOptions = {
  data: sharedOptions.data,
  fachdienst: sharedOptions.fachdienst,
  idp: sharedOptions.idp,
  konnektor: sharedOptions.konnektor,
  backend: sharedOptions.backend,
  store: sharedOptions.store,
  'enrol-passphrase-file': sharedOptions['enrol-passphrase-file'],
  'enrol-code': sharedOptions['enrol-code'],
  'import-local-store': sharedOptions['import-local-store'],
  'import-articles': sharedOptions['import-articles'],
};

/** Throws an Error with the reason on a bad command line: the app refuses to start (index.ts shows it). */
export function parseAppArgs(argv: readonly string[]): AppArgs {
  const line = readCommandLine(argv, appOptions, { unknown: 'ignore' });
  if (line.kind === 'error') throw new Error(formatBilingual(line.problem));
  // the table has no --help: the Electron app has no usage text of its own
  const given: OptionValues<typeof appOptions> = line.kind === 'values' ? line.values : {};
  // Choosing the TI is an explicit action (architecture §2) — on the command line the flag itself is that
  // confirmed choice. `ti` alone is the real TI with the environment of its settings (docs/ti.md).
  const choice = availableBackend(
    chooseBackend({ backend: given.backend, fachdienstUrl: given.fachdienst, idpUrl: given.idp, konnektorUrl: given.konnektor }),
  );
  return {
    ...(given.data !== undefined ? { dataDir: given.data } : {}),
    ...(given.fachdienst !== undefined ? { fachdienstUrl: given.fachdienst } : {}),
    ...(given.idp !== undefined ? { idpUrl: given.idp } : {}),
    ...(given.konnektor !== undefined ? { konnektorUrl: given.konnektor } : {}),
    ...(given.backend !== undefined ? { backend: choice.kind } : {}),
    ...(given.store !== undefined ? { store: given.store } : {}),
    ...(given['enrol-passphrase-file'] !== undefined ? { enrolPassphraseFile: given['enrol-passphrase-file'] } : {}),
    ...(given['enrol-code'] !== undefined ? { enrolCode: given['enrol-code'] } : {}),
    ...(given['import-local-store'] === true ? { importLocalStore: true } : {}),
    ...(given['import-articles'] !== undefined ? { importArticles: given['import-articles'] } : {}),
  };
}
