/**
 * The receipt (Quittung, spec §7): stored whenever the Fachdienst hands it out — the $close answer, the
 * reconcile of a lost $close, and „Quittung erneut abrufen“ (GET Task?secret, spec §3.6, UC 4.8).
 */
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import type { CaseDetail, StaffMember } from '../../shared/ipc/contract';
import { failure } from '../errors';
import type { ReceiptRecord } from '../store/receipts';
import type { WorkflowKit } from './workflow-kit';

/** The record to store; an unreadable receipt is kept as received (the Task is completed whatever it looks like). */
export function receiptRecord(kit: WorkflowKit, id: PrescriptionId, bundle: unknown, staff: StaffMember): ReceiptRecord {
  const now = kit.nowIso();
  const info = kit.deps.codecs.readReceipt(bundle);
  return {
    prescriptionId: id,
    bundleId: info.ok ? info.data.bundleId : bundleIdOf(bundle),
    completedAt: info.ok ? info.data.completedAt : now,
    pharmacyTelematikId: info.ok ? info.data.pharmacyTelematikId : kit.deps.settings.pharmacy().telematikId,
    signaturePresent: info.ok ? info.data.signaturePresent : false,
    receivedAt: now,
    staff: staff.kuerzel,
    bundle,
  };
}

/** „Quittung erneut abrufen“ for a closed case. */
export async function refetchReceipt(kit: WorkflowKit, id: PrescriptionId, staff: StaffMember): Promise<CaseDetail> {
  const record = await kit.requireCase(id);
  if (record.status !== 'closed') {
    throw failure(
      'state',
      record.status === 'rejected' || record.status === 'aborted'
        ? `Das Rezept ${id} wurde zurückgegeben bzw. gelöscht; dazu gibt es keine Quittung.`
        : `Das Rezept ${id} ist noch nicht abgeschlossen; eine Quittung gibt es erst nach „Abgabe abschließen“.`,
      { detail: `Lokaler Status ${record.status}, keine Quittung abrufbar · ${kit.nowIso()}`, at: kit.now() },
    );
  }
  const secret = kit.requireSecret(record);
  let bundle: unknown;
  try {
    bundle = await kit.deps.fachdienst.getBySecret(id, secret);
  } catch (e) {
    await kit.audit('refetch-receipt', id, staff, 'failed', kit.appErrorOf(e).httpStatus);
    throw kit.failureOf(e);
  }
  const read = kit.deps.codecs.readTaskBundle(bundle);
  if (!read.ok || read.data.taskStatus !== 'completed' || !read.data.receipt) {
    await kit.audit('refetch-receipt', id, staff, 'failed', 200);
    throw failure(
      'fachdienst',
      'Der E-Rezept-Fachdienst hat zu diesem Rezept keine Quittung geliefert. Die gespeicherte Quittung bleibt erhalten. Bitte später erneut versuchen; besteht der Fehler weiter, den Support informieren.',
      {
        detail: `GET Task?secret → 200 · ${read.ok ? `Task-Status ${read.data.taskStatus}, Quittung ${read.data.receipt ? 'vorhanden' : 'fehlt'}` : read.error} · ${kit.nowIso()}`,
        system: 'fachdienst',
        at: kit.now(),
      },
    );
  }
  const receipt = receiptRecord(kit, id, read.data.receipt, staff);
  await kit.store.transaction(async () => {
    await kit.store.receipts.save(receipt);
    await kit.audit('refetch-receipt', id, staff, 'ok', 200);
  });
  kit.changed(id);
  return kit.detail(id);
}

function bundleIdOf(bundle: unknown): string {
  const id = typeof bundle === 'object' && bundle !== null ? (bundle as Record<string, unknown>)['id'] : undefined;
  return typeof id === 'string' ? id : 'unbekannt';
}
