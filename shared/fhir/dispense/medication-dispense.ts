/**
 * GEM_ERP_PR_MedicationDispense|1.6 for one dispensed item (spec §6.2). The pack serial numbers of the
 * entry stay local (they are the pharmacy's securPharm record, not part of the profile).
 */
import type { DispenseEntry } from '../../erezept/dispense-entry';
import type { PrescribedMedication } from '../../erezept/prescription';
import {
  CodeSystems,
  DOSAGE_ALGORITHM_VERSION,
  DOSAGE_LANGUAGE,
  Extensions,
  NamingSystems,
  PACKAGE_UNIT_CODE,
  Profiles,
  versioned,
} from '../profiles';
import { compact } from './compact';
import type { DispenseContext, FhirJson } from './types';

export function buildMedicationDispense(entry: DispenseEntry, ctx: DispenseContext, medicationId: string): FhirJson {
  const dosageText = dispensedDosageText(entry);
  const wasSubstituted = substitutionFlag(entry, ctx.prescribed);
  return {
    resourceType: 'MedicationDispense',
    // Elements in FHIR R4 order (the XML serialisation depends on it); no id: the Fachdienst assigns it (A_26527).
    ...compact({
      meta: { profile: [versioned(Profiles.medicationDispense)] },
      extension: dosageText === undefined ? undefined : renderedDosageExtensions(dosageText),
      identifier: [{ system: NamingSystems.prescriptionId, value: ctx.prescriptionId }],
      status: 'completed',
      medicationReference: { reference: `urn:uuid:${medicationId}` },
      subject: { identifier: { system: NamingSystems.kvnr, value: ctx.kvnr } },
      performer: [{ actor: { identifier: { system: NamingSystems.telematikId, value: ctx.telematikId } } }],
      // Several packs of one batch are one MedicationDispense with quantity > 1 (spec §5).
      quantity: { value: entry.packs, system: CodeSystems.ucum, code: PACKAGE_UNIT_CODE },
      whenPrepared: entry.whenPrepared,
      whenHandedOver: entry.whenHandedOver,
      dosageInstruction: dosageText === undefined ? undefined : [{ text: dosageText }],
      substitution: wasSubstituted === undefined ? undefined : { wasSubstituted },
    }),
  };
}

/** The dosage to send: only when the pharmacist changed or clarified it (A_27036-01); blank counts as none. */
export function dispensedDosageText(entry: DispenseEntry): string | undefined {
  const text = entry.dosageText?.trim();
  return text ? text : undefined;
}

/**
 * 1.6 requires the rendered text and its generator metadata whenever a dosage is present
 * (invariant workflow-dosageExtensionBeiDosierung, spec §6.3). For free text the rendered text is the
 * dosage texts joined by "; " — with one dosage, the text itself.
 */
function renderedDosageExtensions(text: string): Record<string, unknown>[] {
  return [
    { url: Extensions.renderedDosageInstruction, valueMarkdown: text },
    {
      url: Extensions.generatedDosageInstructionsMeta,
      extension: [
        { url: 'algorithmVersion', valueString: DOSAGE_ALGORITHM_VERSION },
        { url: 'language', valueCode: DOSAGE_LANGUAGE },
      ],
    },
  ];
}

/** The PZN handed over, if the dispensed item has one. */
export function dispensedPzn(entry: DispenseEntry): string | undefined {
  const med = entry.medication;
  return med.kind === 'pzn' || med.kind === 'kombipackung' ? med.pzn.trim() : undefined;
}

/**
 * substitution.wasSubstituted (A_28417): for a PZN prescription it must always be set — the pharmacist's
 * choice if given, else "dispensed PZN ≠ prescribed PZN"; for other prescriptions only when the pharmacist set it.
 */
function substitutionFlag(entry: DispenseEntry, prescribed: PrescribedMedication | undefined): boolean | undefined {
  if (entry.substituted !== undefined) return entry.substituted;
  if (prescribed?.kind !== 'pzn') return undefined;
  return dispensedPzn(entry) !== prescribed.pzn.trim();
}
