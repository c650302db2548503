/**
 * A $dispense whose answer did not prove the outcome (timeout, cut connection, 5xx, crash) is reconciled, not
 * refused and not sent again blindly (docs/reliability.md, decision table): GET Task?secret (spec §3.6) tells when
 * the Fachdienst last stored a dispense list (lastMedicationDispense, A_24285-01). If that is not older than the
 * attempt — both in the Fachdienst's time — the attempt arrived and its list is what the Fachdienst holds;
 * otherwise it never arrived. The Fachdienst cannot give the list back (spec §3.10), so the decision rests on
 * the timestamp alone.
 *
 * - `probeDispense`: the read and the decision, writes nothing — the retry loop asks it before it repeats a
 *   $dispense (dispense-flow.ts → `beforeRepeat`).
 * - `reconcilePendingDispense`: the same probe for the newest pending attempt of a case, and the store written
 *   accordingly (before the next submit/close, after the retry loop gave up, by the owed-operation runner).
 */
import type { PrescriptionId, Secret } from '../../shared/erezept/identifiers';
import type { StaffMember } from '../../shared/ipc/contract';
import type { CaseRecord } from '../store/cases';
import type { SubmissionRecord } from '../store/submissions';
import { readInconclusive } from './unknown-outcome';
import { lastHandoverDate, type WorkflowKit } from './workflow-kit';

/**
 * How much earlier than the attempt (both in the Fachdienst's time) lastMedicationDispense may be and the
 * attempt still counts as arrived. Fixed 2 s, because two clocks are read to whole seconds:
 * - the offset comes from the `Date` header (fachdienst-clock.ts), which has 1-second resolution — the offset
 *   can be up to 1 s (plus the answer's travel time) off; and
 * - a Fachdienst may store lastMedicationDispense to the second, up to 1 s before the moment it committed.
 * The travel time is not added: it only makes the measured offset smaller, which errs towards "arrived" — and
 * so does the request's own travel time (the attempt is recorded before the call leaves). A fixed bound does
 * not depend on how long one particular call took (a timed-out call took the whole request timeout). The price:
 * a list stored less than 2 s before the next attempt cannot be told apart from it.
 */
export const CLOCK_TOLERANCE_MS = 2000;

const SUPERSEDED = 'Durch eine spätere Übermittlung ersetzt (der E-Rezept-Fachdienst speichert immer nur die vollständige letzte Liste).';

/** The owed operation's message when a list whose answer was lost turned out to have arrived. */
export const ARRIVED_MESSAGE = 'Abgabedaten bestätigt: Sie waren beim E-Rezept-Fachdienst angekommen, nur die Antwort war verloren gegangen.';

export type ReconcileOutcome = 'arrived' | 'lost' | 'unknown';

/**
 * Did the attempt recorded at `attemptCreatedAt` (the app's clock) reach the Fachdienst? `offsetMs` = the
 * Fachdienst's clock − the app's (Date header of the latest answer; 0 when none was seen): the attempt is
 * converted to the Fachdienst's time before it is compared with lastMedicationDispense (the Fachdienst's clock).
 */
export function dispenseArrived(lastMedicationDispense: string | undefined, attemptCreatedAt: string, offsetMs = 0): boolean {
  if (!lastMedicationDispense) return false;
  const stored = Date.parse(lastMedicationDispense);
  const attempt = Date.parse(attemptCreatedAt);
  if (Number.isNaN(stored) || Number.isNaN(attempt)) return false;
  const offset = Number.isFinite(offsetMs) ? offsetMs : 0;
  return stored >= attempt + offset - CLOCK_TOLERANCE_MS;
}

export interface DispenseProbe {
  /** arrived / lost (not stored, or the Task is gone — the next call names the cause) / unknown (no reading) */
  outcome: ReconcileOutcome;
  taskStatus?: string;
  lastMedicationDispense?: string;
  /** of the GET: 200, or the Fachdienst's error status */
  answerStatus?: number;
}

/**
 * GET ?secret and the decision for an attempt made at `attemptCreatedAt` — nothing is written. `unknown` when
 * the read could not tell (no answer, 5xx, 429, an unreadable answer); an error that proves something (403
 * Secret, 410 deleted) means the attempt is over either way: `lost`.
 */
export async function probeDispense(kit: WorkflowKit, id: PrescriptionId, secret: Secret, attemptCreatedAt: string): Promise<DispenseProbe> {
  let bundle: unknown;
  try {
    bundle = await kit.deps.fachdienst.getBySecret(id, secret);
  } catch (e) {
    const error = kit.appErrorOf(e);
    if (readInconclusive(error) || error.httpStatus === undefined) return { outcome: 'unknown', answerStatus: error.httpStatus };
    return { outcome: 'lost', answerStatus: error.httpStatus };
  }
  const read = kit.deps.codecs.readTaskBundle(bundle);
  if (!read.ok) return { outcome: 'unknown', answerStatus: 200 };
  const { taskStatus, lastMedicationDispense } = read.data;
  // Read right after the GET: its own answer's Date header is the newest.
  const offsetMs = kit.deps.fachdienst.clockOffsetMs?.() ?? 0;
  const arrived = (taskStatus === 'in-progress' || taskStatus === 'completed') && dispenseArrived(lastMedicationDispense, attemptCreatedAt, offsetMs);
  return { outcome: arrived ? 'arrived' : 'lost', taskStatus, lastMedicationDispense, answerStatus: 200 };
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
  const [pending, ...older] = await kit.pendingSubmissions(record, 'dispense');
  if (!pending) return { outcome: 'lost' };
  const { store } = kit;
  const id = record.prescriptionId;
  const probe = await probeDispense(kit, id, secret, pending.createdAt);
  if (probe.outcome === 'unknown') return { outcome: 'unknown', submission: pending };

  const now = kit.nowIso();
  const arrived = probe.outcome === 'arrived';
  const owed = store.pendingOperations;
  await store.transaction(async () => {
    for (const superseded of older) {
      await store.submissions.complete(superseded.id, {
        state: 'failed',
        completedAt: now,
        errorMessage: SUPERSEDED,
      });
      const op = await owed.forSubmission(superseded.id);
      if (op) await owed.finish(op.id, { state: 'cancelled', completedAt: now, message: SUPERSEDED });
    }
    // The operation owed for this attempt: done when it arrived; when it did not, it stays owed (the list is
    // sent again by whoever resumes it — the runner, or the pharmacist's next „Abgabe übermitteln“).
    const op = await owed.forSubmission(pending.id);
    if (op && arrived) {
      await owed.finish(op.id, {
        state: 'done',
        completedAt: now,
        message: ARRIVED_MESSAGE,
      });
    } else if (op) {
      await owed.setWaiting(op.id, 'outcome-unknown');
    }
    if (arrived) {
      await store.submissions.complete(pending.id, { state: 'confirmed', completedAt: now });
      await store.cases.updateStatus(id, {
        status: record.status === 'accepted' ? 'dispensed' : record.status,
        updatedAt: now,
        lastDispenseAt: probe.lastMedicationDispense,
        lastConfirmedAt: now,
        lastHandoverDate: lastHandoverDate(pending.entries),
      });
    } else {
      await store.submissions.complete(pending.id, {
        state: 'failed',
        completedAt: now,
        errorMessage:
          'Nicht beim E-Rezept-Fachdienst angekommen: Der Abgleich hat gezeigt, dass diese Liste dort nicht gespeichert wurde.',
      });
    }
    await kit.audit('reconcile-dispense', id, staff, arrived ? 'ok' : 'failed', probe.answerStatus);
  });
  await kit.refreshUnsentChanges(id);
  kit.changed(id);
  kit.pendingChanged();
  return { outcome: arrived ? 'arrived' : 'lost', submission: pending };
}
