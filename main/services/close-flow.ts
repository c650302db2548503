/**
 * $close (spec §3.5) and what happens when its answer does not prove the outcome (docs/reliability.md,
 * spec §3.6): submission and owed operation are written BEFORE the call; no answer or a 5xx → GET ?secret:
 * `completed` = it went through, the receipt in that answer is stored; still `in-progress` = it did not, and
 * $close is sent once more right away (the Fachdienst answered, so it is reachable); the read inconclusive =
 * it waits for the connection (A_23815). 429 → it waits an hour (A_25460).
 *
 * $close always carries the complete list (A_26481: it overwrites the stored dispense data): the
 * Fachdienst cannot give a pharmacy its list back (spec §3.10), so the app can never prove which list it
 * holds — a late $dispense that landed after the app's last confirmation must not decide what was dispensed.
 */
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import type { Secret } from '../../shared/erezept/identifiers';
import type { CaseDetail, StaffMember } from '../../shared/ipc/contract';
import type { CaseRecord } from '../store/cases';
import type { SubmissionRecord } from '../store/submissions';
import { owe } from './owed-operations';
import { preflight } from './preflight';
import { receiptRecord } from './receipts';
import { outcomeUnknown, readInconclusive } from './unknown-outcome';
import { lastHandoverDate, type WorkflowKit } from './workflow-kit';

export interface CloseAttempt {
  record: CaseRecord;
  secret: Secret;
  /** the complete list the receipt is for, sent as the body */
  list: readonly DispenseEntry[];
  staff: StaffMember;
  /** the pharmacist's list to keep as draft (absent when resuming) */
  draft?: readonly DispenseEntry[];
  resumeOperationId?: number;
}

export async function sendClose(kit: WorkflowKit, attempt: CloseAttempt, sentAgain = false): Promise<CaseDetail> {
  const { store } = kit;
  const { record, secret, list, staff } = attempt;
  const id = record.prescriptionId;
  const resumed = attempt.resumeOperationId !== undefined || sentAgain;
  const { parameters, overriddenRules } = await preflight(kit, 'close', record, list);
  const createdAt = kit.nowIso();
  const { submissionId, opId } = await store.transaction(async () => {
    const owed = store.pendingOperations;
    if (attempt.draft) await store.drafts.save({ prescriptionId: id, entries: [...attempt.draft], savedAt: createdAt, staff: staff.kuerzel });
    const submission = await store.submissions.createPending({ prescriptionId: id, operation: 'close', staff: staff.kuerzel, createdAt, entries: list, withBody: true });
    // Who sent past which safety rule (docs/checks.md): rule and staff only — the reason stays with the version.
    if (!resumed) for (const rule of overriddenRules) await kit.audit('override', id, staff, rule);
    const op =
      attempt.resumeOperationId ??
      (await owed.create({ operation: 'close', entries: list, prescriptionId: id, reason: 'outcome-unknown', staff: staff.kuerzel, createdAt }));
    await owed.attachSubmission(op, submission);
    return { submissionId: submission, opId: op };
  });

  let receipt: unknown;
  try {
    receipt = await kit.deps.fachdienst.close(id, secret, parameters);
  } catch (e) {
    const error = kit.appErrorOf(e);
    const now = kit.nowIso();
    if (error.httpStatus === 429) {
      await store.submissions.complete(submissionId, { state: 'failed', completedAt: now, httpStatus: 429, errorMessage: error.message });
      await kit.audit('close', id, staff, 'failed', 429);
      kit.changed(id);
      throw await owe(kit, opId, 'close', error);
    }
    if (outcomeUnknown(error)) {
      await kit.audit('close', id, staff, 'unknown', error.httpStatus);
      const submission = await store.submissions.latest(id, { operation: 'close', state: 'pending' });
      const state = submission ? await reconcileClose(kit, record, secret, submission, staff) : 'unknown';
      if (state === 'closed') return kit.detail(id);
      if (state === 'open' && !sentAgain) {
        // The Fachdienst says the Task is still open: this $close did not happen and may simply be repeated.
        return sendClose(kit, { ...attempt, draft: undefined, record: await kit.requireCase(id), resumeOperationId: opId }, true);
      }
      kit.changed(id);
      throw await owe(kit, opId, 'close', error);
    }
    if (error.httpStatus === 403) {
      // „Task has to be in progress, but is: completed“: an earlier $close (slow, or its answer lost) completed
      // it. GET ?secret holds the receipt — store it instead of leaving the case stuck (spec §3.6).
      const submission = await store.submissions.latest(id, { operation: 'close', state: 'pending' });
      const state = submission ? await reconcileClose(kit, record, secret, submission, staff) : 'unknown';
      if (state === 'closed') return kit.detail(id);
    }
    await store.transaction(async () => {
      await store.submissions.complete(submissionId, { state: 'failed', completedAt: now, httpStatus: error.httpStatus, errorMessage: error.message });
      await kit.audit('close', id, staff, 'failed', error.httpStatus);
    });
    await kit.settleOperation(opId, 'failed', resumed ? `Nicht abgeschlossen: ${error.message}` : undefined);
    await kit.refreshUnsentChanges(id);
    kit.changed(id);
    throw kit.failureOf(e);
  }
  await finishClose(kit, { record, submissionId, receiptBundle: receipt, staff, withBody: true, list });
  await kit.settleOperation(opId, 'done', resumed ? 'Rezept abgeschlossen (automatisch nachgeholt), Quittung gespeichert.' : undefined);
  return kit.detail(id);
}

/**
 * GET ?secret after a $close whose answer was lost (spec §3.6). 'closed' = it went through (receipt stored);
 * 'open' = it did not (the submission is failed); 'unknown' = the Fachdienst could not be asked.
 */
export async function reconcileClose(
  kit: WorkflowKit,
  record: CaseRecord,
  secret: Secret,
  submission: SubmissionRecord,
  staff: StaffMember,
): Promise<'closed' | 'open' | 'unknown'> {
  const { store } = kit;
  const owed = await store.pendingOperations.forSubmission(submission.id);
  let bundle: unknown;
  try {
    bundle = await kit.deps.fachdienst.getBySecret(record.prescriptionId, secret);
  } catch (e) {
    const error = kit.appErrorOf(e);
    if (readInconclusive(error)) return 'unknown';
    // The Fachdienst answered (e.g. 403/410): the pending $close is over; a new attempt reports the cause.
    await store.submissions.complete(submission.id, { state: 'failed', completedAt: kit.nowIso(), httpStatus: error.httpStatus, errorMessage: error.message });
    await kit.audit('reconcile-close', record.prescriptionId, staff, 'failed', error.httpStatus);
    return 'open';
  }
  const read = kit.deps.codecs.readTaskBundle(bundle);
  const found: { taskStatus?: string; receipt?: Record<string, unknown> } = read.ok ? read.data : {};
  if (found.taskStatus === 'completed' && found.receipt) {
    await finishClose(kit, { record, submissionId: submission.id, receiptBundle: found.receipt, staff, withBody: submission.withBody, list: submission.entries });
    await kit.audit('reconcile-close', record.prescriptionId, staff, 'ok', 200);
    if (owed) await kit.settleOperation(owed.id, 'done', 'Rezept abgeschlossen: Der Abschluss war beim E-Rezept-Fachdienst angekommen, nur die Antwort war verloren gegangen (oder kam als Fehler). Quittung gespeichert.');
    return 'closed';
  }
  if (found.taskStatus === 'in-progress') {
    await store.submissions.complete(submission.id, {
      state: 'failed',
      completedAt: kit.nowIso(),
      errorMessage: 'Nicht abgeschlossen: Der E-Rezept-Fachdienst führt das Rezept weiter als „in Bearbeitung“.',
    });
    await kit.audit('reconcile-close', record.prescriptionId, staff, 'failed', 200);
    return 'open';
  }
  return 'unknown';
}

export async function finishClose(
  kit: WorkflowKit,
  /** `withBody` false only for a $close of an earlier version that was sent without the list */
  done: { record: CaseRecord; submissionId: number; receiptBundle: unknown; staff: StaffMember; withBody: boolean; list: readonly DispenseEntry[] },
): Promise<void> {
  const { store } = kit;
  const { record, staff } = done;
  const now = kit.nowIso();
  const receipt = receiptRecord(kit, record.prescriptionId, done.receiptBundle, staff);
  await store.transaction(async () => {
    await store.receipts.save(receipt);
    await store.submissions.complete(done.submissionId, { state: 'confirmed', completedAt: now, httpStatus: 200 });
    await store.cases.updateStatus(record.prescriptionId, {
      status: 'closed',
      updatedAt: now,
      closedAt: now,
      lastConfirmedAt: now,
      // $close with a body replaces the stored dispense data and sets lastMedicationDispense (A_26337).
      lastDispenseAt: done.withBody ? now : undefined,
      lastHandoverDate: lastHandoverDate(done.list),
      unsentChanges: false,
    });
    await kit.audit('close', record.prescriptionId, staff, 'ok', 200);
  });
  kit.changed(record.prescriptionId);
}
