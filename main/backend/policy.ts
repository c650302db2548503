/**
 * Which backend the app may talk to (architecture §2): training mode is any backend but the real TI — the TI
 * simulation included. Switching to the TI in the settings is refused (its settings do not exist yet), the real TI
 * is refused at start (choice.ts), and nothing in training mode may reach a real Fachdienst: an external simulator
 * (`--fachdienst URL`) must run on this machine (loopback).
 */
import { failure, type AppFailure } from '../errors';
import type { BackendKind } from '../../shared/ipc/contract';

export const TI_NOT_AVAILABLE_MESSAGE =
  'TI-Anbindung noch nicht verfügbar. Die App bleibt im Trainingsmodus; es wird nichts an die echte Telematikinfrastruktur gesendet.';

/**
 * The real TI is not run by this version: its Konnektor access (TLS, client certificate) and trust are set up in
 * settings that do not exist yet. The TI simulation runs.
 */
export const REAL_TI_NOT_AVAILABLE_MESSAGE =
  'Die Anbindung an die echte TI (RU oder PU) ist noch nicht freigegeben: Konnektor-Zugang und Vertrauensanker werden in ' +
  'den Einstellungen eingerichtet, die es noch nicht gibt. Für die TI-Simulation alle drei Adressen auf diesem Rechner ' +
  'angeben (127.0.0.1).';

export const NOT_TRAINING_MESSAGE =
  'Nur im Trainingsmodus verfügbar: Trainerfunktionen arbeiten ausschließlich mit dem Simulator, nie mit der echten Telematikinfrastruktur.';

/** A training backend other than the running one: chosen at start, not while cases are open. */
export const TRAINING_BACKEND_AT_START_MESSAGE =
  'Der Trainings-Simulator wird beim Start gewählt: ohne weitere Angabe der eingebaute Simulator, mit „--fachdienst URL“ ' +
  'ein externer Simulator auf diesem Rechner. Bitte die App mit der gewünschten Angabe neu starten.';

/** `selectBackend` for `ti`: refused until the TI backend exists. */
export const tiNotAvailable = (at?: Date): AppFailure => failure('not-available', TI_NOT_AVAILABLE_MESSAGE, { at });

/** Every trainer channel refuses outside training mode (architecture §2: dedicated channels, training only). */
export function requireTraining(info: { training: boolean }, at?: Date): void {
  if (!info.training) throw failure('not-training', NOT_TRAINING_MESSAGE, { at });
}

/** What `selectBackend` answers for a backend other than the running one (and other than `ti`). */
export const trainingBackendAtStart = (wanted: BackendKind, at?: Date): AppFailure =>
  failure('restart-required', TRAINING_BACKEND_AT_START_MESSAGE, { detail: `gewünscht: ${wanted}`, at });

/**
 * 127.0.0.0/8, ::1 and localhost. A name other than `localhost` could resolve anywhere, so it does not count,
 * even if it happens to point here today.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost' || host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return octets !== null && octets.slice(1).every((o) => Number(o) <= 255) && octets[1] === '127';
}

/**
 * Nothing in training mode may reach a real Fachdienst. Every backend of this version is a
 * training backend, so `--fachdienst URL` may only name a simulator on this machine. Throws a German Error (the
 * app refuses to start).
 */
export function assertTrainingFachdienstUrl(url: string): void {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    throw new Error(`Ungültige Fachdienst-Adresse: ${url}`);
  }
  if (!isLoopbackHost(host)) {
    throw new Error(
      `Im Trainingsmodus darf die Fachdienst-Adresse nur auf diesen Rechner zeigen (127.0.0.1, ::1 oder localhost), nicht auf „${host}“. ` +
        'So kann nichts an einen echten E-Rezept-Fachdienst gelangen. Die Anbindung an die Telematikinfrastruktur gibt es noch nicht.',
    );
  }
}
