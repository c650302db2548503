/**
 * The Rechtsgrundlage of a prescription: Composition.extension KBV_EX_FOR_Legal_basis, a coding of
 * KBV_CS_SFHIR_KBV_STATUSKENNZEICHEN (KBV "S_KBV_STATUSKENNZEICHEN" 1.01, the Statusfeld of Muster 16). It changes
 * what the pharmacy may do: an Entlassrezept (04/14) gets a shortened Belieferungsfrist from the Fachdienst
 * (spec §1.2, A_19517), an Ersatzverordnung (10/11/14/17) is the replacement after a recall. The label is the
 * counter's short name; what it means at the counter is the renderer's text per code.
 */
import type { PrescriptionView } from '../../erezept/prescription';
import { extensionOf, rec, str, type Json } from './fhir-json';
import { KbvCodeSystems, KbvExtensions } from './kbv-urls';

export type LegalBasis = NonNullable<PrescriptionView['legalBasis']>;

/**
 * Every code of KBV_CS_SFHIR_KBV_STATUSKENNZEICHEN 1.01 with the name the counter uses for it. (Iterate
 * {@link legalBasisCodes}, not the keys: JavaScript puts "10"… before "00"….)
 */
export const legalBasisLabels = {
  '00': 'Ohne Besonderheit',
  '01': 'ASV (ambulante spezialfachärztliche Versorgung)',
  '04': 'Entlassmanagement',
  '07': 'Terminservicestelle (TSS)',
  '10': 'Ersatzverordnung',
  '11': 'ASV mit Ersatzverordnung',
  '14': 'Entlassmanagement mit Ersatzverordnung',
  '17': 'TSS mit Ersatzverordnung',
} as const;
export type LegalBasisCode = keyof typeof legalBasisLabels;
export const legalBasisCodes: readonly LegalBasisCode[] = ['00', '01', '04', '07', '10', '11', '14', '17'];

export const isLegalBasisCode = (code: string): code is LegalBasisCode => Object.hasOwn(legalBasisLabels, code);

/** 04 and 14: the Fachdienst shortens the Belieferungsfrist to working days (spec §1.2, A_19517). */
export const isDischargePrescription = (code: string): boolean => code === '04' || code === '14';

/** 10, 11, 14, 17: Ersatzverordnung (§ 31 Abs. 3 Satz 7 SGB V — replacement after a recall). */
export const isReplacementPrescription = (code: string): boolean => ['10', '11', '14', '17'].includes(code);

export function legalBasisOf(code: string): LegalBasis {
  return { code, label: isLegalBasisCode(code) ? legalBasisLabels[code] : `Rechtsgrundlage ${code}` };
}

/**
 * The legal basis of a Composition, or undefined when it carries none. Only a coding of the Statuskennzeichen
 * system counts (KBV_PR_ERP_Composition binds it to that CodeSystem); an unknown code is kept as it is, named by
 * its code — the pharmacist sees it rather than nothing.
 */
export function readLegalBasis(composition: Json | undefined): LegalBasis | undefined {
  const coding = rec(extensionOf(composition, KbvExtensions.legalBasis)?.['valueCoding']);
  if (!coding || coding['system'] !== KbvCodeSystems.statuskennzeichen) return undefined;
  const code = str(coding['code'])?.trim();
  return code === undefined ? undefined : legalBasisOf(code);
}
