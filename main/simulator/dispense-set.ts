/**
 * The stored dispense set of a Task after $dispense / $close with body. Always a full replace (A_26482,
 * A_26481): the previous set is dropped and exactly the submitted one kept, with the FD's id rewriting:
 * - MedicationDispense.id = `<PrescriptionID>` for the first, `<PrescriptionID>-<n>` for the n-th (n ≥ 1),
 *   in request order (FD MedicationDispenseId);
 * - each Medication gets a fresh UUID, the dispense's medicationReference becomes `urn:uuid:<uuid>` (A_26527);
 * - supportingInformation → the Task (A_27052).
 * The shape was already checked by fachdienstChecks; reading the pairs reuses its reader. The Parameters were
 * parsed from this request's body and belong to it alone, so the resources are taken over without copying.
 */
import { readRxDispensations } from '../../shared/fhir/checks/rx-dispensations';
import type { FhirResourceJson } from '../../shared/fhir/xml';
import type { StoredDispense } from './task-record';

export function dispenseSetFromParameters(
  parameters: FhirResourceJson,
  prescriptionId: string,
  uuid: () => string,
): StoredDispense[] {
  const { dispensations } = readRxDispensations(parameters);
  return dispensations.map((pair, index) => {
    const medicationDispense = pair.medicationDispense as FhirResourceJson;
    medicationDispense['id'] = index === 0 ? prescriptionId : `${prescriptionId}-${index}`;
    medicationDispense['supportingInformation'] = [{ reference: `Task/${prescriptionId}` }];
    let medication: FhirResourceJson | null = null;
    if (pair.medication) {
      const medicationId = uuid();
      medication = { ...(pair.medication as FhirResourceJson), id: medicationId };
      medicationDispense['medicationReference'] = { reference: `urn:uuid:${medicationId}` };
    }
    return { medicationDispense, medication };
  });
}
