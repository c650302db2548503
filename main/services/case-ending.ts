/**
 * „Rezept zurückgeben“ ($reject, spec §3.7) and „Rezept löschen“ ($abort, spec §3.8). The renderer asks for
 * confirmation first (A_19241/A_19242); here the Fachdienst is called, and only after it confirmed are token,
 * AccessCode, Secret, QES, prescription, draft and dispensed lists erased locally (A_19245, A_19251) — a
 * failed call must not leave a prescription the pharmacy still holds without its Secret. PrescriptionID,
 * status, times and staff stay for the audit trail.
 *
 * An answer that does not prove the outcome (5xx, timeout, cut connection — unknown-outcome.ts) is
 * journaled as an owed operation and reconciled with GET ?secret before anything final is said: $reject done
 * = 403 (our Secret is void), $abort done = 410 (deleted); 200 in-progress = not done, and the pharmacist is
 * asked to confirm again — the app never repeats a $reject/$abort on its own (spec §9.3).
 */
import type { PrescriptionId, Secret } from '../../shared/erezept/identifiers';
import type { AppError, CaseDetail, StaffMember } from '../../shared/ipc/contract';
import { failure, type AppFailure } from '../errors';
import type { CaseRecord } from '../store/cases';
import { oweReconciliation } from './owed-operations';
import { outcomeUnknown, readInconclusive } from './unknown-outcome';
import type { WorkflowKit } from './workflow-kit';

export type EndKind = 'reject' | 'abort';

const words: Record<EndKind, { done: string; action: string; button: string }> = {
  reject: { done: 'zurückgegeben', action: 'Rückgabe', button: 'Rezept zurückgeben' },
  abort: { done: 'gelöscht', action: 'Löschung', button: 'Rezept löschen' },
};

/**
 * A repeated call whose first answer was lost finds the Task already where we wanted it:
 * after our $reject it is `ready` (only the Secret holder can reject, so nobody else did); after an $abort it
 * is deleted (410) — also when the patient deleted it meanwhile, which leaves the same result for us.
 */
export function alreadyEnded(kind: EndKind, error: AppError): boolean {
  if (kind === 'abort') return error.httpStatus === 410;
  return error.httpStatus === 403 && /is: ready\b/.test(error.detail ?? '');
}

/** What GET ?secret says about a $reject/$abort whose answer did not prove its outcome. */
export function endedByRead(kind: EndKind, error: AppError): boolean {
  return kind === 'abort' ? error.httpStatus === 410 : error.httpStatus === 403;
}

export async function endCase(kit: WorkflowKit, id: PrescriptionId, kind: EndKind, staff: StaffMember): Promise<CaseDetail> {
  await kit.deps.syncClock?.();
  const record = await kit.requireCase(id);
  // A closed Task cannot be rejected or aborted by the pharmacy (spec §3.12: 403).
  kit.requireEditable(record);
  const secret = kit.requireSecret(record);
  // Journaled BEFORE the call, like $accept/$dispense/$close: a crash or a lost answer leaves it to reconcile.
  const opId = await kit.store.pendingOperations.create({ operation: kind, prescriptionId: id, reason: 'outcome-unknown', staff: staff.kuerzel, createdAt: kit.nowIso() });
  try {
    if (kind === 'reject') await kit.deps.fachdienst.reject(id, secret);
    else await kit.deps.fachdienst.abort(id, secret);
  } catch (e) {
    const error = kit.appErrorOf(e);
    if (alreadyEnded(kind, error)) return finishEnd(kit, record, kind, staff, opId, error.httpStatus ?? 204);
    if (outcomeUnknown(error)) {
      await kit.audit(kind, id, staff, 'unknown', error.httpStatus);
      return reconcileEnd(kit, record, secret, kind, staff, opId, error);
    }
    await kit.audit(kind, id, staff, 'failed', error.httpStatus);
    await kit.settleOperation(opId, 'failed');
    throw kit.failureOf(e);
  }
  return finishEnd(kit, record, kind, staff, opId, 204);
}

/** The owed-operation runner: GET ?secret only — a $reject/$abort is never sent again without the pharmacist. */
export async function resumeEnd(kit: WorkflowKit, opId: number, kind: EndKind, staff: StaffMember): Promise<void> {
  const op = await kit.store.pendingOperations.get(opId);
  if (!op) return;
  const record = await kit.store.cases.get(op.prescriptionId);
  if (!record?.secret || (record.status !== 'accepted' && record.status !== 'dispensed')) {
    await kit.settleOperation(opId, 'cancelled', `Verworfen: Das Rezept wird nicht mehr von dieser Apotheke bearbeitet.`);
    return;
  }
  await kit.store.pendingOperations.recordAttempt(opId);
  await reconcileEnd(kit, record, record.secret, kind, staff, opId).catch(() => undefined);
}

async function reconcileEnd(
  kit: WorkflowKit,
  record: CaseRecord,
  secret: Secret,
  kind: EndKind,
  staff: StaffMember,
  opId: number,
  cause?: AppError,
): Promise<CaseDetail> {
  const id = record.prescriptionId;
  const { done, action, button } = words[kind];
  let taskStatus: string | undefined;
  try {
    const read = kit.deps.codecs.readTaskBundle(await kit.deps.fachdienst.getBySecret(id, secret));
    taskStatus = read.ok ? read.data.taskStatus : undefined;
  } catch (e) {
    const error = kit.appErrorOf(e);
    if (endedByRead(kind, error)) {
      await kit.audit(`reconcile-${kind}`, id, staff, 'ok', error.httpStatus);
      return finishEnd(kit, record, kind, staff, opId, error.httpStatus ?? 200, `Rezept ${done}: Der Abgleich mit dem E-Rezept-Fachdienst hat gezeigt, dass die ${action} angekommen war, nur die Antwort fehlte.`);
    }
    if (readInconclusive(error)) throw await oweReconciliation(kit, opId, kind, cause ?? error);
    await kit.audit(`reconcile-${kind}`, id, staff, 'failed', error.httpStatus);
    throw await settleNotDone(kit, id, opId, `Ob das Rezept ${done} wurde, konnte nicht geklärt werden: ${error.message}`, error);
  }
  await kit.audit(`reconcile-${kind}`, id, staff, 'failed', 200);
  if (taskStatus === 'in-progress') {
    // Not done — and not repeated on its own: the pharmacist decides again (spec §9.3).
    throw await settleNotDone(
      kit,
      id,
      opId,
      `Das Rezept wurde nicht ${done}: Der Abgleich mit dem E-Rezept-Fachdienst zeigt es weiter als „in Bearbeitung“ bei dieser Apotheke. Soll es ${done} werden, bitte erneut „${button}“ wählen.`,
      cause,
    );
  }
  throw await settleNotDone(kit, id, opId, `Das Rezept wurde nicht ${done}: Der E-Rezept-Fachdienst meldet den Status „${taskStatus ?? 'unbekannt'}“.`, cause);
}

async function settleNotDone(kit: WorkflowKit, id: PrescriptionId, opId: number, message: string, cause?: AppError): Promise<AppFailure> {
  await kit.settleOperation(opId, 'failed', message);
  kit.changed(id);
  return failure('state', message, { detail: cause?.detail, httpStatus: cause?.httpStatus, system: cause?.system, at: kit.now() });
}

async function finishEnd(kit: WorkflowKit, record: CaseRecord, kind: EndKind, staff: StaffMember, opId: number, httpStatus: number, reconciledMessage?: string): Promise<CaseDetail> {
  const { store } = kit;
  const id = record.prescriptionId;
  const now = kit.nowIso();
  await store.transaction(async () => {
    for (const pending of (await store.submissions.listFor(id)).filter((s) => s.state === 'pending')) {
      await store.submissions.complete(pending.id, {
        state: 'failed',
        completedAt: now,
        errorMessage: kind === 'reject' ? 'Rezept wurde zurückgegeben.' : 'Rezept wurde gelöscht.',
      });
    }
    // This operation is done; nothing else may be sent for this prescription, and queued lists are personal
    // data (A_19251).
    await kit.settleOperation(opId, 'done', reconciledMessage);
    for (const owed of await store.pendingOperations.pendingFor(id)) {
      await store.pendingOperations.finish(owed.id, {
        state: 'cancelled',
        completedAt: now,
        message: kind === 'reject' ? 'Verworfen: Das Rezept wurde zurückgegeben.' : 'Verworfen: Das Rezept wurde gelöscht.',
      });
    }
    await store.pendingOperations.eraseFor(id);
    await store.cases.erasePersonalData(id, kind === 'reject' ? 'rejected' : 'aborted', now, staff.kuerzel);
    await store.submissions.eraseEntries(id);
    await store.messages.eraseFor(id);
    await kit.audit(kind, id, staff, 'ok', httpStatus);
  });
  kit.changed(id);
  kit.pendingChanged();
  kit.deps.events.emit({ type: 'cases-changed' });
  kit.deps.afterErasure?.();
  return kit.detail(id);
}
