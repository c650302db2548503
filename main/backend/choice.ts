/**
 * Which backend a start asks for (architecture §2 "Backends"), decided in one place for the Electron app's
 * command line (main/app/args.ts), browser mode's (main/browser-bridge/web-args.ts) and the composition root
 * (main/core.ts): `--backend` when given, otherwise `--fachdienst URL` means an external simulator and nothing
 * means the embedded one. `--backend` must not contradict `--fachdienst`, and `--seed`/`--fixed-time` belong to
 * the embedded simulator (an external one is started with its own). `--backend ti` takes the three TI addresses
 * (`--fachdienst`, `--idp`, `--konnektor`); with every one on this machine it is the TI simulation (training mode),
 * anything else is the real TI, which this version does not run yet (`availableBackend`).
 */
import type { BackendKind } from '../../shared/ipc/contract';
import { isLoopbackHost, REAL_TI_NOT_AVAILABLE_MESSAGE } from './policy';

export interface BackendRequest {
  /** `--backend` */
  backend?: BackendKind;
  /** `--fachdienst URL` */
  fachdienstUrl?: string;
  /** `--idp URL`: the IDP's base (its discovery document is `<base>/.well-known/openid-configuration`) */
  idpUrl?: string;
  /** `--konnektor URL`: the Konnektor's base (`<base>/connector.sds`) */
  konnektorUrl?: string;
  /** `--seed` or `--fixed-time` was given (deterministic runs of the embedded simulator, docs/simulator.md) */
  deterministic?: boolean;
}

export type BackendRefusal =
  | 'simulator-without-url'
  | 'embedded-with-url'
  | 'deterministic-external'
  | 'ti-without-addresses'
  | 'ti-addresses-without-ti'
  | 'real-ti-not-available';

/**
 * A start the rule refuses. `message` is German (the Electron app's dialog, createCore); browser mode, which
 * speaks German and English on its command line, adds `english`.
 */
export class BackendChoiceError extends Error {
  constructor(
    readonly refusal: BackendRefusal,
    message: string,
    readonly english: string,
  ) {
    super(message);
    this.name = 'BackendChoiceError';
  }
}

const refusals: Record<BackendRefusal, { de: string; en: string }> = {
  'simulator-without-url': {
    de: '--backend simulator braucht die Adresse des Simulators (--fachdienst URL)',
    en: "needs the simulator's address (--fachdienst URL)",
  },
  'embedded-with-url': {
    de: '--backend embedded und --fachdienst schließen sich aus',
    en: 'exclude each other',
  },
  'deterministic-external': {
    de: '--seed und --fixed-time gelten nur für den eingebauten Simulator; ein externer wird mit eigenen Optionen gestartet',
    en: 'only for the embedded simulator: start the external one with its own options',
  },
  'ti-without-addresses': {
    de:
      '--backend ti braucht die Adressen von Fachdienst, IDP und Konnektor (--fachdienst URL --idp URL --konnektor URL); ' +
      'eine TI-Umgebung (RU oder PU) in den Einstellungen zu wählen, gibt es noch nicht',
    en: 'needs --fachdienst, --idp and --konnektor (choosing RU or PU in the settings does not exist yet)',
  },
  'ti-addresses-without-ti': {
    de: '--idp und --konnektor gelten nur mit --backend ti',
    en: 'only with --backend ti',
  },
  'real-ti-not-available': {
    de: REAL_TI_NOT_AVAILABLE_MESSAGE,
    en: 'the real TI is not available yet; for the TI simulation give addresses on this machine (127.0.0.1)',
  },
};

const refuse = (refusal: BackendRefusal): BackendChoiceError =>
  new BackendChoiceError(refusal, refusals[refusal].de, refusals[refusal].en);

/** Where the TI's three systems are (spec ti-transport §1.2, §2.2, §3.1). */
export interface TiAddresses {
  fachdienstUrl: string;
  idpUrl: string;
  konnektorUrl: string;
}

/** What a start asks for; an external simulator comes with its address, the TI with its three. */
export type BackendChoice =
  | { kind: 'embedded' }
  | { kind: 'simulator'; fachdienstUrl: string }
  | { kind: 'ti'; addresses: TiAddresses | undefined };

/**
 * The backends this version can run: the two simulators, and the TI when every address is on this machine —
 * the TI simulation (`npm run simulator -- --ti`), a training backend (architecture §2).
 */
export type AvailableBackend =
  | { kind: 'embedded' }
  | { kind: 'simulator'; fachdienstUrl: string }
  | { kind: 'ti'; addresses: TiAddresses; simulation: true };

/**
 * The backend a start asks for. `ti` is returned with whatever addresses were given: whether it may run is the
 * caller's step, `availableBackend`, so that browser mode can leave it to the core (exit code 1 like every failed
 * start). Throws BackendChoiceError for a contradiction.
 */
export function chooseBackend(request: BackendRequest): BackendChoice {
  const { fachdienstUrl, idpUrl, konnektorUrl } = request;
  if (request.backend === 'ti') {
    const addresses = fachdienstUrl !== undefined && idpUrl !== undefined && konnektorUrl !== undefined ? { fachdienstUrl, idpUrl, konnektorUrl } : undefined;
    if (addresses === undefined && (fachdienstUrl !== undefined || idpUrl !== undefined || konnektorUrl !== undefined)) throw refuse('ti-without-addresses');
    return { kind: 'ti', addresses };
  }
  if (idpUrl !== undefined || konnektorUrl !== undefined) throw refuse('ti-addresses-without-ti');
  const url = request.fachdienstUrl;
  if (request.backend === 'simulator' && url === undefined) throw refuse('simulator-without-url');
  if (request.backend === 'embedded' && url !== undefined) throw refuse('embedded-with-url');
  if (url !== undefined && request.deterministic === true) throw refuse('deterministic-external');
  return url !== undefined ? { kind: 'simulator', fachdienstUrl: url } : { kind: 'embedded' };
}

/**
 * The choice if this version can run it: `ti` without addresses (an environment chosen in the settings) and the
 * real TI are refused; with every address on loopback it is the TI simulation.
 */
export function availableBackend(choice: BackendChoice): AvailableBackend {
  if (choice.kind !== 'ti') return choice;
  if (choice.addresses === undefined) throw refuse('ti-without-addresses');
  const { addresses } = choice;
  const onThisMachine = [addresses.fachdienstUrl, addresses.idpUrl, addresses.konnektorUrl].every((url) => isLoopbackHost(new URL(url).hostname));
  if (!onThisMachine) throw refuse('real-ti-not-available');
  return { kind: 'ti', addresses, simulation: true };
}
