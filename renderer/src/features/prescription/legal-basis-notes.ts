/**
 * What a Rechtsgrundlage (KBV Statuskennzeichen, shared/fhir/kbv/legal-basis.ts) means at the counter, as the
 * notes the prescription column shows for it — none for 00 (nothing special) or a code the app does not know (it
 * is shown by its code only; no meaning is guessed).
 */
import { isDischargePrescription, isLegalBasisCode, isReplacementPrescription } from '../../../../shared/fhir/kbv/legal-basis';

/** Keys below `prescription.legalBasis.notes`. */
export type LegalBasisNote = 'asv' | 'tss' | 'discharge' | 'replacement';

export function legalBasisNotes(code: string): LegalBasisNote[] {
  if (!isLegalBasisCode(code)) return [];
  const notes: LegalBasisNote[] = [];
  if (code === '01' || code === '11') notes.push('asv');
  if (code === '07' || code === '17') notes.push('tss');
  // Entlassmanagement: the Fachdienst shortened the Belieferungsfrist to working days (spec §1.2, A_19517)
  if (isDischargePrescription(code)) notes.push('discharge');
  // Ersatzverordnung after a recall (§ 31 Abs. 3 Satz 7 SGB V): no co-payment for the patient
  if (isReplacementPrescription(code)) notes.push('replacement');
  return notes;
}
