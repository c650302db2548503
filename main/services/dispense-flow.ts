/**
 * Sending the complete dispense list with $dispense (spec §3.4, A_26482) so that nothing is lost (issue 6
 * item 1): submission and owed operation are written BEFORE the call; afterwards the answer decides —
 * 204 confirmed; 429 the list waits an hour (A_25460); no answer → GET ?secret right away: arrived = confirmed,
 * not arrived = the same list is sent once more, no answer again = the list waits for the connection
 * (A_23815). Any other answer fails the submission with the Fachdienst's reason.
 */
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import type { Secret } from '../../shared/erezept/identifiers';
import type { CaseDetail, StaffMember } from '../../shared/ipc/contract';
import { AppFailure } from '../errors';
import type { CaseRecord } from '../store/cases';
import { reconcilePendingDispense } from './dispense-reconcile';
import { owe } from './owed-operations';
import { preflight } from './preflight';
import { lastHandoverDate, type WorkflowKit } from './workflow-kit';

export interface DispenseAttempt {
  record: CaseRecord;
  secret: Secret;
  entries: readonly DispenseEntry[];
  staff: StaffMember;
  /** an owed operation being resumed (runner); absent = the pharmacist pressed „Abgabe übermitteln“ */
  resumeOperationId?: number;
}

const REPLACED = 'Durch eine neuere Abgabe ersetzt (der E-Rezept-Fachdienst speichert immer nur die vollständige letzte Liste).';

export async function sendDispense(kit: WorkflowKit, attempt: DispenseAttempt, sentAgain = false): Promise<CaseDetail> {
  const { store } = kit;
  const { record, secret, entries, staff } = attempt;
  const id = record.prescriptionId;
  const parameters = preflight(kit, 'dispense', record, entries);
  const createdAt = kit.nowIso();
  // Written as pending BEFORE the call: the Fachdienst cannot give the list back (spec §3.10).
  const { submissionId, opId } = store.transaction(() => {
    const owed = store.pendingOperations;
    // A newer list replaces any list still waiting for this prescription (A_26482: the Fachdienst overwrites).
    for (const older of owed.pendingFor(id, 'dispense')) {
      if (older.id !== attempt.resumeOperationId) owed.finish(older.id, { state: 'cancelled', completedAt: createdAt, message: REPLACED });
    }
    if (attempt.resumeOperationId === undefined) store.drafts.save({ prescriptionId: id, entries: [...entries], savedAt: createdAt, staff: staff.kuerzel });
    const submission = store.submissions.createPending({ prescriptionId: id, operation: 'dispense', staff: staff.kuerzel, createdAt, entries });
    const op =
      attempt.resumeOperationId ??
      owed.create({ operation: 'dispense', entries, prescriptionId: id, reason: 'outcome-unknown', staff: staff.kuerzel, createdAt });
    owed.attachSubmission(op, submission);
    return { submissionId: submission, opId: op };
  });
  try {
    await kit.deps.fachdienst.dispense(id, secret, parameters);
  } catch (e) {
    const resumed = attempt.resumeOperationId !== undefined || sentAgain;
    const outcome = await afterFailedDispense(kit, { ...attempt, resumeOperationId: opId }, submissionId, e, { sentAgain, resumed });
    if (outcome instanceof AppFailure) throw outcome;
    return outcome;
  }
  const at = kit.nowIso();
  store.transaction(() => {
    store.submissions.complete(submissionId, { state: 'confirmed', completedAt: at, httpStatus: 204 });
    store.cases.updateStatus(id, {
      status: 'dispensed',
      updatedAt: at,
      lastDispenseAt: at,
      lastConfirmedAt: at,
      lastHandoverDate: lastHandoverDate(entries),
      unsentChanges: false,
    });
    kit.audit('dispense', id, staff, 'ok', 204);
    // One fsync for the whole confirmation (issue 8): the pending row was durable before the call; what the
    // answer settles — submission, case, inbox flag, owed operation, audit — is all or nothing after it.
    kit.refreshUnsentChanges(id);
    kit.settleOperation(opId, 'done', attempt.resumeOperationId !== undefined || sentAgain ? 'Abgabedaten übermittelt (automatisch nachgeholt).' : undefined);
  });
  kit.changed(id);
  return kit.detail(id);
}

async function afterFailedDispense(
  kit: WorkflowKit,
  attempt: DispenseAttempt & { resumeOperationId: number },
  submissionId: number,
  e: unknown,
  { sentAgain, resumed }: { sentAgain: boolean; resumed: boolean },
): Promise<AppFailure | CaseDetail> {
  const { store } = kit;
  const id = attempt.record.prescriptionId;
  const opId = attempt.resumeOperationId;
  const error = kit.appErrorOf(e);
  const now = kit.nowIso();

  if (error.httpStatus === 429) {
    store.submissions.complete(submissionId, { state: 'failed', completedAt: now, httpStatus: 429, errorMessage: error.message });
    kit.audit('dispense', id, attempt.staff, 'failed', 429);
    kit.changed(id);
    return owe(kit, opId, 'dispense', error);
  }
  if (error.system !== 'network') {
    store.transaction(() => {
      store.submissions.complete(submissionId, { state: 'failed', completedAt: now, httpStatus: error.httpStatus, errorMessage: error.message });
      kit.audit('dispense', id, attempt.staff, 'failed', error.httpStatus);
    });
    kit.settleOperation(opId, 'failed', resumed ? `Nicht übermittelt: ${error.message}` : undefined);
    kit.refreshUnsentChanges(id);
    kit.changed(id);
    return kit.failureOf(e);
  }

  // No answer: the list may or may not be stored.
  kit.audit('dispense', id, attempt.staff, 'unknown', error.httpStatus);
  if (error.code === 'cancelled') {
    // The pharmacist stopped the retries: the attempt stays pending and is reconciled later, not now.
    kit.changed(id);
    kit.pendingChanged();
    return kit.failureOf(e);
  }
  const result = await reconcilePendingDispense(kit, kit.requireCase(id), attempt.secret, attempt.staff);
  if (result.outcome === 'arrived') return kit.detail(id);
  if (result.outcome === 'lost' && !sentAgain) {
    // The Fachdienst answered the GET, so it is reachable: a plain resend of the same list is safe (A_26482).
    return sendDispense(kit, { ...attempt, record: kit.requireCase(id) }, true).catch((again: unknown) => kit.failureOf(again));
  }
  kit.changed(id);
  return owe(kit, opId, 'dispense', error);
}
