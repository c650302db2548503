/**
 * Which backend the app may talk to (architecture §2): training mode is any backend but the real TI — the TI
 * simulation included. The real TI is chosen at start (`--backend ti`, choice.ts), never by switching a running
 * training app (its store, clock and trust differ), and nothing in training mode may reach a real Fachdienst: an
 * external simulator (`--fachdienst URL`) must run on this machine (loopback).
 */
import { failure, type AppFailure } from '../errors';
import type { BackendKind } from '../../shared/ipc/contract';

/** `selectBackend('ti')` in a training app: the real TI is a start of its own (production store, own clock). */
export const TI_AT_START_MESSAGE =
  'Die echte TI wird beim Start gewählt: bitte die App mit „--backend ti“ starten (z. B. über eine eigene Programmverknüpfung). ' +
  'Umgebung (RU oder PU), Konnektor und SMC-B werden dann unter „Einstellungen & Info“ eingerichtet. Bis dahin bleibt die App im ' +
  'Trainingsmodus; es wird nichts an die echte Telematikinfrastruktur gesendet.';

export const NOT_TRAINING_MESSAGE =
  'Nur im Trainingsmodus verfügbar: Trainerfunktionen arbeiten ausschließlich mit dem Simulator, nie mit der echten Telematikinfrastruktur.';

/** A training backend other than the running one: chosen at start, not while cases are open. */
export const TRAINING_BACKEND_AT_START_MESSAGE =
  'Der Trainings-Simulator wird beim Start gewählt: ohne weitere Angabe der eingebaute Simulator, mit „--fachdienst URL“ ' +
  'ein externer Simulator auf diesem Rechner. Bitte die App mit der gewünschten Angabe neu starten.';

/** `selectBackend` for `ti` in a training app: a restart with `--backend ti`. */
export const tiAtStart = (at?: Date): AppFailure => failure('restart-required', TI_AT_START_MESSAGE, { at });

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
 * Nothing in training mode may reach a real Fachdienst: `--fachdienst URL` without `--backend ti` names a
 * simulator, which must run on this machine. Throws a German Error (the app refuses to start).
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
        'So kann nichts an einen echten E-Rezept-Fachdienst gelangen. Die echte TI wird mit „--backend ti“ gestartet.',
    );
  }
}
