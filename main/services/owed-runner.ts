/**
 * Completes the operations the app owes the Fachdienst (docs/reliability.md, A_23815/A_23816): after a
 * crash or restart, when the connection returns, when a 429 wait is over, or on „Jetzt erneut versuchen“.
 * Each is reconciled before anything is sent again:
 * - $accept: GET ?ac → 200 stores the Secret; 412 → one new $accept (claim.ts);
 * - $dispense: GET ?secret → the same complete list is resent only if lastMedicationDispense is older than
 *   the pending attempt (dispense-reconcile.ts);
 * - $close: GET ?secret → completed: store the receipt; otherwise $close again with the complete list
 *   (close-flow.ts);
 * - $reject/$abort: GET ?secret → 403/410: done, erase (A_19251); in-progress: not done — never sent
 *   again without the pharmacist (case-ending.ts).
 */
import type { PendingOperation, StaffMember } from '../../shared/ipc/contract';
import type { PendingOperationRecord } from '../store/pending-operations';
import { editableStatuses } from './case-views';
import { resumeEnd } from './case-ending';
import { claimPrescription } from './claim';
import { reconcileClose, sendClose } from './close-flow';
import { reconcilePendingDispense } from './dispense-reconcile';
import { sendDispense } from './dispense-flow';
import { sameEntries } from '../../shared/erezept/dispense-list-equality';
import type { WorkflowKit } from './workflow-kit';

export function toPendingOperation(record: PendingOperationRecord): PendingOperation {
  return {
    id: record.id,
    prescriptionId: record.prescriptionId,
    operation: record.operation,
    reason: record.reason,
    state: record.state,
    staff: record.staff,
    createdAt: record.createdAt,
    notBefore: record.notBefore,
    attempts: record.attempts,
    completedAt: record.completedAt,
    message: record.message,
  };
}

export function isDue(record: PendingOperationRecord, now: Date): boolean {
  return record.notBefore === undefined || Date.parse(record.notBefore) <= now.getTime();
}

/**
 * A submission left `pending` by a crash in the middle of a call (or by a version before migration 4) gets an
 * owed operation, so it is reconciled like any other.
 */
export async function adoptOrphanSubmissions(kit: WorkflowKit): Promise<number> {
  const { store } = kit;
  let adopted = 0;
  await store.transaction(async () => {
    for (const submission of await store.submissions.pending()) {
      // only a submission that never had an operation (a crash between writes, a version before migration 4);
      // one whose operation was cancelled by the pharmacist („Abbrechen“) waits for the pharmacist
      if (await store.pendingOperations.attachedTo(submission.id)) continue;
      const common = { prescriptionId: submission.prescriptionId, reason: 'outcome-unknown' as const, staff: submission.staff, createdAt: submission.createdAt };
      const op =
        submission.operation === 'close'
          ? await store.pendingOperations.create({ ...common, operation: 'close', entries: submission.entries })
          : await store.pendingOperations.create({ ...common, operation: 'dispense', entries: submission.entries });
      await store.pendingOperations.attachSubmission(op, submission.id);
      adopted += 1;
    }
  });
  return adopted;
}

/** Resumes one owed operation; never throws — the outcome is in the store (state, message). */
export async function resumeOperation(kit: WorkflowKit, op: PendingOperationRecord): Promise<void> {
  const staff = kit.staffOf(op.staff);
  try {
    if (op.operation === 'accept') {
      if (!op.accessCode) return kit.settleOperation(op.id, 'failed', 'Nicht abgerufen: Der Zugangscode ist nicht mehr gespeichert. Bitte den Code des Rezepts erneut scannen.');
      await claimPrescription(kit, { prescriptionId: op.prescriptionId, accessCode: op.accessCode, staff, resumeOperationId: op.id });
      return;
    }
    if (op.operation === 'dispense' || op.operation === 'close') await resumeSubmission(kit, op, staff);
    else await resumeEnd(kit, op.id, op.operation, staff);
  } catch (e) {
    const error = kit.appErrorOf(e);
    const still = await kit.store.pendingOperations.get(op.id);
    // A queued failure leaves the operation owed (it says so itself); anything else ends it with its reason.
    if (still?.state === 'pending' && error.code !== 'queued' && error.system !== 'network') {
      await kit.settleOperation(op.id, 'failed', `Nicht nachgeholt: ${error.message}`);
    }
  } finally {
    kit.pendingChanged();
  }
}

async function resumeSubmission(kit: WorkflowKit, op: Extract<PendingOperationRecord, { operation: 'dispense' | 'close' }>, staff: StaffMember): Promise<void> {
  const record = await kit.store.cases.get(op.prescriptionId);
  if (!record || !editableStatuses.includes(record.status)) {
    const why = record?.status === 'closed' ? 'Das Rezept ist bereits abgeschlossen.' : 'Das Rezept wird nicht mehr von dieser Apotheke bearbeitet.';
    return kit.settleOperation(op.id, 'cancelled', `Verworfen: ${why}`);
  }
  if (!record.secret) {
    return kit.settleOperation(op.id, 'failed', 'Nicht nachgeholt: Zu diesem Rezept ist kein Secret gespeichert. Bitte „Verordnung erneut abrufen“ wählen.');
  }
  const secret = record.secret;

  if (op.operation === 'close') {
    const pendingClose = await kit.store.submissions.latest(op.prescriptionId, { operation: 'close', state: 'pending' });
    if (pendingClose) {
      const state = await reconcileClose(kit, record, secret, pendingClose, staff);
      if (state !== 'open') return; // closed: settled by reconcileClose; unknown: still owed
    }
    const current = await kit.requireCase(op.prescriptionId);
    // Rows of earlier versions may hold no list ($close without body): the last confirmed list is sent then.
    const list = op.entries ?? (await kit.lastConfirmedList(current))?.entries;
    if (!list) return kit.settleOperation(op.id, 'failed', 'Nicht abgeschlossen: Es sind keine Abgabedaten gespeichert.');
    await sendClose(kit, { record: current, secret, list, staff, resumeOperationId: op.id });
    return;
  }

  if ((await kit.pendingSubmissions(record, 'dispense')).length > 0) {
    const result = await reconcilePendingDispense(kit, record, secret, staff);
    if (result.outcome !== 'lost') return; // arrived: settled; unknown: still owed
  }
  if ((await kit.store.pendingOperations.get(op.id))?.state !== 'pending') return;
  if (!op.entries) return kit.settleOperation(op.id, 'failed', 'Nicht übermittelt: Die Liste ist nicht mehr gespeichert.');
  const current = await kit.requireCase(op.prescriptionId);
  const confirmed = await kit.lastConfirmedList(current);
  if (confirmed && sameEntries(confirmed.entries, op.entries)) {
    return kit.settleOperation(op.id, 'done', 'Nichts zu tun: Der E-Rezept-Fachdienst hält bereits genau diese Abgabedaten.');
  }
  await sendDispense(kit, { record: current, secret, entries: op.entries, staff, resumeOperationId: op.id });
}
