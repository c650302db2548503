/**
 * What the patient will see in the E-Rezept app once the list is sent (spec §3.10): one item per
 * MedicationDispense — medication, packs, batch, handover date, dosage. Built locally from the list; the
 * patient's app shows the pharmacist's dosage text if there is one (A_27036-01: only when changed), else the
 * prescribed dosage.
 */
import type { DispenseEntry, DispensedMedication } from '../../shared/erezept/dispense-entry';
import type { PrescriptionView } from '../../shared/erezept/prescription';
import type { PatientView } from '../../shared/ipc/contract';

export function medicationName(m: DispensedMedication): string {
  switch (m.kind) {
    case 'pzn':
    case 'kombipackung':
    case 'rezeptur':
      return m.name;
    case 'freitext':
      return m.text;
    case 'wirkstoff':
      return (
        m.name ??
        m.ingredients.map((i) => (i.strengthValue ? `${i.name} ${i.strengthValue} ${i.strengthUnit ?? ''}`.trim() : i.name)).join(', ')
      );
  }
}

export function patientView(input: {
  prescriptionId: string;
  pharmacyName: string;
  entries: readonly DispenseEntry[];
  prescription: PrescriptionView | null;
}): PatientView {
  const prescribedDosage = input.prescription?.request.dosageText;
  return {
    prescriptionId: input.prescriptionId,
    pharmacyName: input.pharmacyName,
    items: input.entries.map((e) => {
      const m = e.medication;
      const dosage = e.dosageText ?? prescribedDosage;
      return {
        key: e.key,
        medication: medicationName(m),
        pzn: m.kind === 'pzn' || m.kind === 'kombipackung' ? m.pzn : undefined,
        packSize: m.kind === 'pzn' ? m.packSize : m.kind === 'wirkstoff' || m.kind === 'rezeptur' ? m.amount : undefined,
        packs: e.packs,
        batch: e.batch?.lot,
        batchExpiry: e.batch?.expiry,
        whenHandedOver: e.whenHandedOver,
        dosage,
        dosageSource: e.dosageText !== undefined ? 'dispense' : dosage !== undefined ? 'prescription' : undefined,
        substituted: e.substituted ?? false,
      };
    }),
  };
}
