/** Command-line options of the Electron app: `npm start [-- --data DIR --fachdienst URL --backend KIND]` (issue 2 item 2). */
import type { BackendKind } from '../../shared/ipc/contract';
import { assertBackendAvailable, chooseBackend, type AvailableBackend } from '../backend/choice';

export interface AppArgs {
  dataDir?: string;
  fachdienstUrl?: string;
  /** `--backend embedded|simulator` (checked against `--fachdienst`); `ti` never gets here */
  backend?: AvailableBackend['kind'];
}

export function parseAppArgs(argv: readonly string[]): AppArgs {
  const args: AppArgs = {};
  let requested: BackendKind | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === '--data' && value) {
      args.dataDir = value;
      i++;
    } else if (arg === '--fachdienst' && value) {
      const url = new URL(value); // throws on garbage: the app refuses to start with a broken backend URL
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--fachdienst: unsupported URL ${value}`);
      args.fachdienstUrl = url.toString().replace(/\/$/, '');
      i++;
    } else if (arg === '--backend' && value) {
      if (value !== 'embedded' && value !== 'simulator' && value !== 'ti') {
        throw new Error(`--backend: „${value}“ gibt es nicht (embedded, simulator oder ti)`);
      }
      requested = value;
      i++;
    }
  }
  // Issue 7 item 1: choosing the TI is an explicit action — on the command line the flag itself is that
  // confirmed choice. Until the TI backend exists the app refuses to start (index.ts shows it, exit code 1).
  const choice = chooseBackend({ backend: requested, fachdienstUrl: args.fachdienstUrl });
  assertBackendAvailable(choice);
  if (requested !== undefined) args.backend = choice.kind;
  return args;
}
