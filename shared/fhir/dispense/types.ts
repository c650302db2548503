import type { PrescriptionId } from '../../erezept/identifiers';
import type { PrescribedMedication } from '../../erezept/prescription';

/** Who dispenses what for whom — the identities every MedicationDispense must carry (spec §3.4, §6.2). */
export interface DispenseContext {
  prescriptionId: PrescriptionId;
  /** KVNR of Task.for; the Fachdienst compares it as a string */
  kvnr: string;
  /** Telematik-ID of the dispensing pharmacy (the caller) */
  telematikId: string;
  /** prescribed medication, for the substitution rule A_28417 */
  prescribed?: PrescribedMedication;
}

/** A FHIR resource as plain JSON. */
export type FhirJson = Record<string, unknown> & { resourceType: string };
