/**
 * Which backend a start asks for (architecture §2 "Backends"), decided in one place for the Electron app's
 * command line (main/app/args.ts), browser mode's (main/browser-bridge/web-args.ts) and the composition root
 * (main/core.ts): `--backend` when given, otherwise `--fachdienst URL` means an external simulator and nothing
 * means the embedded one. `--backend` must not contradict `--fachdienst`, and `--seed`/`--fixed-time` belong to
 * the embedded simulator (an external one is started with its own). `--backend ti` takes the three TI addresses
 * (`--fachdienst`, `--idp`, `--konnektor`); with every one on this machine it is the TI simulation (training mode),
 * anything else is the real TI; `--backend ti` alone is the real TI with the environment chosen in the settings
 * (`availableBackend`, docs/ti.md).
 */
import type { BackendKind } from '../../shared/ipc/contract';
import { isLoopbackHost } from './policy';

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
  | 'ti-addresses-without-ti';

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
      '--backend ti braucht alle drei Adressen (--fachdienst URL --idp URL --konnektor URL) oder keine: ohne Adressen gelten ' +
      'Umgebung (RU oder PU) und Konnektor aus den Einstellungen',
    en: 'needs all three of --fachdienst, --idp and --konnektor, or none (then the environment in the settings applies)',
  },
  'ti-addresses-without-ti': {
    de: '--idp und --konnektor gelten nur mit --backend ti',
    en: 'only with --backend ti',
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
 * The backend to run: the two simulators; the TI simulation when every TI address is on this machine (`npm run
 * simulator -- --ti`, a training backend, architecture §2); otherwise the real TI — its addresses from the start
 * or, without any, from the environment in the settings.
 */
export type AvailableBackend =
  | { kind: 'embedded' }
  | { kind: 'simulator'; fachdienstUrl: string }
  | { kind: 'ti'; addresses: TiAddresses; simulation: true }
  | { kind: 'ti'; addresses?: TiAddresses; simulation: false };

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

/** Decides between the TI simulation (every address on loopback) and the real TI. */
export function availableBackend(choice: BackendChoice): AvailableBackend {
  if (choice.kind !== 'ti') return choice;
  const { addresses } = choice;
  if (addresses === undefined) return { kind: 'ti', simulation: false };
  const onThisMachine = [addresses.fachdienstUrl, addresses.idpUrl, addresses.konnektorUrl].every((url) => isLoopbackHost(new URL(url).hostname));
  return onThisMachine ? { kind: 'ti', addresses, simulation: true } : { kind: 'ti', addresses, simulation: false };
}
