/**
 * GET /MedicationDispense — only insurants may read dispense data (spec §3.10, A_19405-02; pharmacies get
 * the role 403 in the app). `identifier=<NS_PrescriptionId>|<id>` (or just the id) narrows it to one Task.
 * QA uses it to see exactly what the Fachdienst stored after $dispense (e.g. ERP_EE_ZBD_02: only the last set).
 */
import { NamingSystems } from '../../../shared/fhir/profiles';
import type { OperationRequest, OperationResult, SimulatorState } from './context';
import { searchsetBundle } from './paging';

export async function listMedicationDispenses(state: SimulatorState, request: OperationRequest): Promise<OperationResult> {
  const identifier = request.query('identifier');
  const wantedId = identifier === undefined ? undefined : identifier.replace(`${NamingSystems.prescriptionId}|`, '');
  const tasks = state.repository
    .listForKvnr(request.caller.idNummer)
    .filter((task) => wantedId === undefined || task.id === wantedId);
  const entry: Record<string, unknown>[] = [];
  let total = 0;
  for (const task of tasks) {
    for (const dispense of task.dispenses) {
      total++;
      entry.push({
        fullUrl: `${request.baseUrl}/MedicationDispense/${String(dispense.medicationDispense['id'])}`,
        resource: dispense.medicationDispense,
        search: { mode: 'match' },
      });
      if (dispense.medication) {
        entry.push({
          fullUrl: `urn:uuid:${String(dispense.medication['id'])}`,
          resource: dispense.medication,
          search: { mode: 'include' },
        });
      }
    }
  }
  return { status: 200, resource: searchsetBundle(state, total, [{ relation: 'self', url: `${request.baseUrl}/MedicationDispense` }], entry) };
}
