/**
 * „Verordnung erneut abrufen“ (UC 4.17, spec §3.3): a case the pharmacy holds but whose Secret is missing
 * (lost answer, damaged store) gets it back with GET Task?ac — only the owning pharmacy may, and the Task must
 * be in progress or completed (412 otherwise). Status, times, drafts and the submission history stay.
 */
import type { AccessCode, PrescriptionId } from '../../shared/erezept/identifiers';
import { parseSecret } from '../../shared/erezept/identifiers';
import { redactSecrets } from '../../shared/fhir/operation-outcome';
import type { CaseDetail, StaffMember } from '../../shared/ipc/contract';
import { failure } from '../errors';
import type { CaseRecord } from '../store/cases';
import { heldStatuses } from './case-views';
import { medicationLabel } from './initial-draft';
import type { WorkflowKit } from './workflow-kit';

/** The channel `erx:recoverSecret`: uses the stored AccessCode. */
export async function recoverSecret(kit: WorkflowKit, id: PrescriptionId, staff: StaffMember): Promise<CaseDetail> {
  await kit.deps.syncClock?.();
  const record = await kit.requireCase(id);
  if (!heldStatuses.includes(record.status)) {
    throw failure('state', `Das Rezept ${id} wurde zurückgegeben bzw. gelöscht und kann nicht wiederhergestellt werden.`, {
      detail: `Lokaler Status ${record.status} · ${kit.nowIso()}`,
      at: kit.now(),
    });
  }
  if (record.secret) return kit.detail(id);
  if (!record.accessCode) {
    throw failure(
      'state',
      'Zu diesem Rezept ist kein Zugangscode (AccessCode) gespeichert. Bitte den Code des Rezepts (Ausdruck oder App des Patienten) erneut scannen – die App ruft die Verordnung dann erneut ab.',
      { detail: `Lokaler Speicher: AccessCode und Secret fehlen · ${kit.nowIso()}`, at: kit.now() },
    );
  }
  await restoreSecret(kit, record, record.accessCode, staff);
  return kit.detail(id);
}

/** GET ?ac and store the Secret; throws an AppFailure when the Fachdienst refuses or the answer is unusable. */
export async function restoreSecret(kit: WorkflowKit, record: CaseRecord, accessCode: AccessCode, staff: StaffMember): Promise<void> {
  const id = record.prescriptionId;
  let bundle: unknown;
  try {
    bundle = await kit.deps.fachdienst.getByAccessCode(id, accessCode);
  } catch (e) {
    await kit.audit('recover-secret', id, staff, 'failed', kit.appErrorOf(e).httpStatus);
    throw kit.failureOf(e);
  }
  const read = kit.deps.codecs.readAcceptBundle(bundle);
  const secret = read.ok ? parseSecret(read.data.secret ?? '') : undefined;
  if (!read.ok || !secret?.ok || (read.data.prescriptionId && read.data.prescriptionId !== id)) {
    await kit.audit('recover-secret', id, staff, 'failed', 200);
    const why = !read.ok ? read.error : !secret?.ok ? 'Secret fehlt oder ist ungültig' : 'Rezept-ID der Antwort passt nicht';
    throw failure(
      'fachdienst',
      'Der E-Rezept-Fachdienst hat die Verordnung erneut geliefert, aber die Antwort ist nicht verwendbar; das Secret fehlt weiterhin. Bitte später erneut versuchen; besteht der Fehler weiter, den Support informieren.',
      { detail: redactSecrets(`GET Task?ac: ${why} · ${kit.nowIso()}`), system: 'fachdienst', at: kit.now() },
    );
  }
  const { store } = kit;
  const now = kit.nowIso();
  const qes = read.data.qes;
  await store.transaction(async () => {
    await store.cases.restoreSecret(id, secret.data, now, record.qes ? undefined : qes);
    if (!record.accessCode) await store.cases.save({ ...(await kit.requireCase(id)), accessCode });
    // A case stored before its prescription could be read gets the prescription now.
    if (!record.prescription && qes.length > 0) {
      try {
        const prescription = kit.deps.codecs.readPrescription(qes);
        if (prescription.ok) {
          const { view, xml } = prescription.data;
          await store.cases.save({
            ...(await kit.requireCase(id)),
            prescription: view,
            prescriptionXml: xml,
            prescriptionError: undefined,
            patientName: view.patient.name,
            kvnr: record.kvnr ?? view.patient.kvnr,
            medicationLabel: medicationLabel(view),
          });
        }
      } catch {
        // the case keeps its prescriptionError; the Secret is what matters here
      }
    }
    await kit.audit('recover-secret', id, staff, 'ok', 200);
  });
  kit.changed(id);
}
