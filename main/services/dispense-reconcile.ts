/**
 * A $dispense whose answer was lost (timeout, cut connection, crash) is reconciled, not refused (issue 5 item 5,
 * issue 6): GET Task?secret (spec §3.6) tells when the Fachdienst last stored a dispense list
 * (lastMedicationDispense, A_24285-01). If that is not older than the pending attempt, the attempt arrived and
 * its list is what the Fachdienst holds; otherwise it never arrived. The Fachdienst cannot give the list back
 * (spec §3.10), so the decision rests on the timestamp alone.
 */
import type { Secret } from '../../shared/erezept/identifiers';
import type { StaffMember } from '../../shared/ipc/contract';
import type { CaseRecord } from '../store/cases';
import type { SubmissionRecord } from '../store/submissions';
import { lastHandoverDate, type WorkflowKit } from './workflow-kit';

/**
 * The app's clock follows the simulator's only to within a second in training (simulator-clock.ts), and a real
 * Fachdienst's clock is not ours either: an attempt counts as arrived when the Fachdienst's timestamp is at
 * most this much earlier than the moment we recorded the attempt.
 */
export const CLOCK_TOLERANCE_MS = 1000;

const SUPERSEDED = 'Durch eine spätere Übermittlung ersetzt (der E-Rezept-Fachdienst speichert immer nur die vollständige letzte Liste).';

export type ReconcileOutcome = 'arrived' | 'lost' | 'unknown';

/** Did the attempt recorded at `attemptCreatedAt` reach the Fachdienst? */
export function dispenseArrived(lastMedicationDispense: string | undefined, attemptCreatedAt: string): boolean {
  if (!lastMedicationDispense) return false;
  const stored = Date.parse(lastMedicationDispense);
  const attempt = Date.parse(attemptCreatedAt);
  if (Number.isNaN(stored) || Number.isNaN(attempt)) return false;
  return stored >= attempt - CLOCK_TOLERANCE_MS;
}

/**
 * Reconciles the newest pending $dispense of the case. Older pending ones are superseded by it either way.
 * 'unknown' = the Fachdienst could not be asked; the attempt stays pending.
 */
export async function reconcilePendingDispense(
  kit: WorkflowKit,
  record: CaseRecord,
  secret: Secret,
  staff: StaffMember,
): Promise<{ outcome: ReconcileOutcome; submission?: SubmissionRecord }> {
  const [pending, ...older] = kit.pendingSubmissions(record, 'dispense');
  if (!pending) return { outcome: 'lost' };
  const { store } = kit;
  const id = record.prescriptionId;

  let taskStatus: string | undefined;
  let lastMedicationDispense: string | undefined;
  let answerStatus: number | undefined = 200;
  try {
    const read = kit.deps.codecs.readTaskBundle(await kit.deps.fachdienst.getBySecret(id, secret));
    if (!read.ok) return { outcome: 'unknown', submission: pending };
    taskStatus = read.data.taskStatus;
    lastMedicationDispense = read.data.lastMedicationDispense;
  } catch (e) {
    const error = kit.appErrorOf(e);
    if (error.system === 'network') return { outcome: 'unknown', submission: pending };
    // The Fachdienst answered with an error (e.g. 410 deleted, 403 secret): the attempt is over either way;
    // the next call reports the cause.
    taskStatus = undefined;
    answerStatus = error.httpStatus;
  }

  const now = kit.nowIso();
  const arrived = (taskStatus === 'in-progress' || taskStatus === 'completed') && dispenseArrived(lastMedicationDispense, pending.createdAt);
  const owed = store.pendingOperations;
  store.transaction(() => {
    for (const superseded of older) {
      store.submissions.complete(superseded.id, {
        state: 'failed',
        completedAt: now,
        errorMessage: SUPERSEDED,
      });
      const op = owed.forSubmission(superseded.id);
      if (op) owed.finish(op.id, { state: 'cancelled', completedAt: now, message: SUPERSEDED });
    }
    // The operation owed for this attempt: done when it arrived; when it did not, it stays owed (the list is
    // sent again by whoever resumes it — the runner, or the pharmacist's next „Abgabe übermitteln“).
    const op = owed.forSubmission(pending.id);
    if (op && arrived) {
      owed.finish(op.id, {
        state: 'done',
        completedAt: now,
        message: 'Abgabedaten bestätigt: Sie waren beim E-Rezept-Fachdienst angekommen, nur die Antwort war verloren gegangen.',
      });
    } else if (op) {
      owed.setWaiting(op.id, 'outcome-unknown');
    }
    if (arrived) {
      store.submissions.complete(pending.id, { state: 'confirmed', completedAt: now });
      store.cases.updateStatus(id, {
        status: record.status === 'accepted' ? 'dispensed' : record.status,
        updatedAt: now,
        lastDispenseAt: lastMedicationDispense,
        lastConfirmedAt: now,
        lastHandoverDate: lastHandoverDate(pending.entries),
      });
    } else {
      store.submissions.complete(pending.id, {
        state: 'failed',
        completedAt: now,
        errorMessage:
          'Nicht beim E-Rezept-Fachdienst angekommen: Der Abgleich hat gezeigt, dass diese Liste dort nicht gespeichert wurde.',
      });
    }
    kit.audit('reconcile-dispense', id, staff, arrived ? 'ok' : 'failed', answerStatus);
  });
  kit.refreshUnsentChanges(id);
  kit.changed(id);
  kit.pendingChanged();
  return { outcome: arrived ? 'arrived' : 'lost', submission: pending };
}
