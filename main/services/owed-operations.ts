/**
 * What happens to an operation the Fachdienst did not complete (docs/reliability.md, spec §8, A_25460,
 * A_23814–A_23816): it stays in the store's pending operations and the pharmacist gets a German message that
 * says what the app will do on its own. One place for these decisions and texts, used by claim, $dispense and
 * $close.
 */
import type { AppError } from '../../shared/ipc/contract';
import { failure, type AppFailure } from '../errors';
// 429: not retried at the counter; the operation waits at least an hour (spec §8, A_25460).
import { RATE_LIMIT_DELAY_MS } from '../fachdienst/retry-policy';
import type { PendingReason } from '../store/pending-operations';
import type { WorkflowKit } from './workflow-kit';


export type OwedOperation = 'accept' | 'dispense' | 'close';
export type ReconciledOperation = OwedOperation | 'reject' | 'abort';

/** `will`: the auxiliary that agrees with `nominative` („Die Abgabedaten werden …“, „Das Rezept wird …“). */
const texts: Record<ReconciledOperation, { subject: string; nominative: string; will: 'wird' | 'werden'; done: string }> = {
  accept: { subject: 'der Abruf des Rezepts', nominative: 'Das Rezept', will: 'wird', done: 'abgerufen' },
  dispense: { subject: 'die Abgabedaten', nominative: 'Die Abgabedaten', will: 'werden', done: 'übermittelt' },
  close: { subject: 'der Abschluss', nominative: 'Das Rezept', will: 'wird', done: 'abgeschlossen' },
  reject: { subject: 'die Rückgabe', nominative: 'Das Rezept', will: 'wird', done: 'zurückgegeben' },
  abort: { subject: 'die Löschung', nominative: 'Das Rezept', will: 'wird', done: 'gelöscht' },
};

/** What the answer was, in words, for „… lässt offen, ob …“ (a timeout, no connection, or a 5xx). */
function unclearAnswer(cause: AppError): string {
  // the status itself goes to „Technische Details“ (httpStatus, detail), not into the counter's sentence
  if (cause.httpStatus !== undefined) return 'Der E-Rezept-Fachdienst hat mit einem Fehler geantwortet';
  return cause.code === 'timeout' || cause.code === 'cancelled' ? 'Der E-Rezept-Fachdienst hat nicht rechtzeitig geantwortet' : 'Die Verbindung zum E-Rezept-Fachdienst ist abgerissen';
}

const WHERE = 'Der Stand ist unter „Ausstehende Vorgänge“ zu sehen.';

/** Berlin wall-clock time, e.g. „14:05“ (the pharmacist's clock, A_27660). */
export function berlinTime(at: Date): string {
  return new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' }).format(at);
}

/**
 * The operation waits: 429 → rate-limited until an hour from now; no answer at all → offline (or
 * outcome-unknown after a timeout). Returns the failure to throw or report, carrying the cause's detail.
 */
export async function owe(kit: WorkflowKit, opId: number, operation: OwedOperation, cause: AppError): Promise<AppFailure> {
  const rateLimited = cause.httpStatus === 429;
  const reason: PendingReason = rateLimited ? 'rate-limited' : cause.code === 'network' ? 'offline' : 'outcome-unknown';
  const notBefore = rateLimited ? new Date(kit.now().getTime() + RATE_LIMIT_DELAY_MS) : undefined;
  await kit.store.pendingOperations.setWaiting(opId, reason, notBefore?.toISOString());
  kit.pendingChanged();
  const { subject, nominative, will, done } = texts[operation];
  const message =
    reason === 'rate-limited'
      ? `Der E-Rezept-Fachdienst meldet zu viele Anfragen. ${nominative} ${will} frühestens um ${berlinTime(notBefore ?? kit.now())} Uhr automatisch ${done} – nicht früher, so verlangt es der Fachdienst. ${WHERE}`
      : reason === 'offline'
        ? `Der E-Rezept-Fachdienst ist nicht erreichbar (keine Verbindung). ${nominative} ${will} automatisch ${done}, sobald die Verbindung zurück ist; vorher gleicht die App ab, was dort schon angekommen ist. Bitte Netzwerk und TI-Zugang prüfen. ${WHERE}`
        : `${unclearAnswer(cause)}; ob ${subject} dort angekommen ${will === 'werden' ? 'sind' : 'ist'}, ist noch unklar. Die App gleicht den Stand automatisch ab, sobald der Fachdienst wieder antwortet, und sendet nur, wenn nötig. ${WHERE}`;
  return failure('queued', message, {
    detail: cause.detail,
    retry: rateLimited ? 'hourly' : 'reconcile',
    httpStatus: cause.httpStatus,
    system: cause.system,
    at: kit.now(),
  });
}

/**
 * A $reject/$abort whose outcome is unknown and could not be read back yet (docs/reliability.md): it stays owed as
 * `outcome-unknown`; the runner reads again (GET ?secret) and never sends it again on its own.
 */
export async function oweReconciliation(kit: WorkflowKit, opId: number, operation: 'reject' | 'abort', cause: AppError): Promise<AppFailure> {
  await kit.store.pendingOperations.setWaiting(opId, 'outcome-unknown');
  kit.pendingChanged();
  const { subject, done } = texts[operation];
  return failure(
    'queued',
    `${unclearAnswer(cause)}; ob ${subject} dort angekommen ist, ist noch unklar. Das Rezept bleibt hier unverändert, bis das geklärt ist: Die App fragt den Fachdienst automatisch, sobald er wieder antwortet, und sendet nichts ohne Ihre Bestätigung erneut. Ob es ${done} wurde, steht dann unter „Ausstehende Vorgänge“.`,
    { detail: cause.detail, retry: 'reconcile', httpStatus: cause.httpStatus, system: cause.system, at: kit.now() },
  );
}

/** True when the answer says the Fachdienst did not act and the operation should wait (429 or no answer). */
export function mustWait(error: AppError): boolean {
  return error.httpStatus === 429 || (error.system === 'network' && error.code !== 'cancelled');
}
