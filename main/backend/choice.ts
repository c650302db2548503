/**
 * Which backend a start asks for (architecture §2 "Backends"), decided in one place for the Electron app's
 * command line (main/app/args.ts), browser mode's (main/browser-bridge/web-args.ts) and the composition root
 * (main/core.ts): `--backend` when given, otherwise `--fachdienst URL` means an external simulator and nothing
 * means the embedded one. `--backend` must not contradict `--fachdienst`, and `--seed`/`--fixed-time` belong to
 * the embedded simulator (an external one is started with its own). Whether the chosen backend may run is
 * policy.ts's (`ti` is refused until it exists; an external simulator must be on this machine).
 */
import type { BackendKind } from '../../shared/ipc/contract';
import { TI_NOT_AVAILABLE_MESSAGE } from './policy';

export interface BackendRequest {
  /** `--backend` */
  backend?: BackendKind;
  /** `--fachdienst URL` */
  fachdienstUrl?: string;
  /** `--seed` or `--fixed-time` was given (deterministic runs of the embedded simulator, docs/simulator.md) */
  deterministic?: boolean;
}

export type BackendRefusal = 'simulator-without-url' | 'embedded-with-url' | 'deterministic-external' | 'ti-not-available';

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
  'ti-not-available': {
    de: TI_NOT_AVAILABLE_MESSAGE,
    en: 'the TI connection does not exist yet',
  },
};

const refuse = (refusal: BackendRefusal): BackendChoiceError =>
  new BackendChoiceError(refusal, refusals[refusal].de, refusals[refusal].en);

/** What a start asks for; an external simulator comes with its address. */
export type BackendChoice = { kind: 'embedded' } | { kind: 'simulator'; fachdienstUrl: string } | { kind: 'ti' };

/** The backends this version can run: every one but the TI (architecture §2). */
export type AvailableBackend = Exclude<BackendChoice, { kind: 'ti' }>;

/**
 * The backend a start asks for. `ti` is returned as asked (whatever else was given): refusing it is the caller's
 * step, `assertBackendAvailable`, so that browser mode can leave it to the core (exit code 1 like every failed
 * start). Throws BackendChoiceError for a contradiction.
 */
export function chooseBackend(request: BackendRequest): BackendChoice {
  if (request.backend === 'ti') return { kind: 'ti' };
  const url = request.fachdienstUrl;
  if (request.backend === 'simulator' && url === undefined) throw refuse('simulator-without-url');
  if (request.backend === 'embedded' && url !== undefined) throw refuse('embedded-with-url');
  if (url !== undefined && request.deterministic === true) throw refuse('deterministic-external');
  return url !== undefined ? { kind: 'simulator', fachdienstUrl: url } : { kind: 'embedded' };
}

/** Refuses `ti` with „TI-Anbindung noch nicht verfügbar …“ until the TI backend exists. */
export function assertBackendAvailable(choice: BackendChoice): asserts choice is AvailableBackend {
  if (choice.kind === 'ti') throw refuse('ti-not-available');
}
