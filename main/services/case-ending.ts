/**
 * „Rezept zurückgeben“ ($reject, spec §3.7) and „Rezept löschen“ ($abort, spec §3.8). The renderer asks for
 * confirmation first (A_19241/A_19242); here the Fachdienst is called, and only after it confirmed are token,
 * AccessCode, Secret, QES, prescription, draft and dispensed lists erased locally (A_19245, A_19251) — a
 * failed call must not leave a prescription the pharmacy still holds without its Secret. PrescriptionID,
 * status, times and staff stay for the audit trail.
 */
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import type { AppError, CaseDetail, StaffMember } from '../../shared/ipc/contract';
import type { WorkflowKit } from './workflow-kit';

export type EndKind = 'reject' | 'abort';

/**
 * A repeated call whose first answer was lost finds the Task already where we wanted it:
 * after our $reject it is `ready` (only the Secret holder can reject, so nobody else did); after an $abort it
 * is deleted (410) — also when the patient deleted it meanwhile, which leaves the same result for us.
 */
export function alreadyEnded(kind: EndKind, error: AppError): boolean {
  if (kind === 'abort') return error.httpStatus === 410;
  return error.httpStatus === 403 && /is: ready\b/.test(error.detail ?? '');
}

export async function endCase(kit: WorkflowKit, id: PrescriptionId, kind: EndKind, staff: StaffMember): Promise<CaseDetail> {
  await kit.deps.syncClock?.();
  const record = kit.requireCase(id);
  // A closed Task cannot be rejected or aborted by the pharmacy (spec §3.12: 403).
  kit.requireEditable(record);
  const secret = kit.requireSecret(record);
  let httpStatus = 204;
  try {
    if (kind === 'reject') await kit.deps.fachdienst.reject(id, secret);
    else await kit.deps.fachdienst.abort(id, secret);
  } catch (e) {
    const error = kit.appErrorOf(e);
    if (!alreadyEnded(kind, error)) {
      kit.audit(kind, id, staff, error.system === 'network' ? 'unknown' : 'failed', error.httpStatus);
      throw kit.failureOf(e);
    }
    httpStatus = error.httpStatus ?? httpStatus;
  }

  const { store } = kit;
  const now = kit.nowIso();
  store.transaction(() => {
    for (const pending of store.submissions.listFor(id).filter((s) => s.state === 'pending')) {
      store.submissions.complete(pending.id, {
        state: 'failed',
        completedAt: now,
        errorMessage: kind === 'reject' ? 'Rezept wurde zurückgegeben.' : 'Rezept wurde gelöscht.',
      });
    }
    // Nothing may be sent for this prescription any more, and queued lists are personal data (A_19251).
    for (const owed of store.pendingOperations.pendingFor(id)) {
      store.pendingOperations.finish(owed.id, {
        state: 'cancelled',
        completedAt: now,
        message: kind === 'reject' ? 'Verworfen: Das Rezept wurde zurückgegeben.' : 'Verworfen: Das Rezept wurde gelöscht.',
      });
    }
    store.pendingOperations.eraseFor(id);
    store.cases.erasePersonalData(id, kind === 'reject' ? 'rejected' : 'aborted', now, staff.kuerzel);
    store.submissions.eraseEntries(id);
    kit.audit(kind, id, staff, 'ok', httpStatus);
  });
  kit.changed(id);
  kit.pendingChanged();
  kit.deps.events.emit({ type: 'cases-changed' });
  return kit.detail(id);
}
