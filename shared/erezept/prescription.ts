/**
 * The view model of a received prescription (KBV_PR_ERP_Bundle 1.3 / 1.4), as the reader in
 * shared/fhir/kbv produces it and the renderer shows it (spec §9.3).
 * Plain strings for ids here: a received prescription may carry a wrong check digit, which is a
 * finding to show, not a reason to refuse it (fixtures README).
 */
import { z } from 'zod';
import { findingSchema } from './findings';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const coverageKinds = ['GKV', 'PKV', 'BG', 'SEL', 'SOZ', 'GPV', 'BEI', 'UK', 'other'] as const;

export const prescribedIngredientSchema = z.object({
  name: z.string(),
  /** e.g. "100 mg" or "ad 100,0 g" as printed */
  strength: z.string().optional(),
  pzn: z.string().optional(),
  atc: z.string().optional(),
  /** ASK (Arzneistoffkatalog) number */
  ask: z.string().optional(),
});

export const prescribedMedicationSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('pzn'),
    pzn: z.string(),
    name: z.string(),
    normSize: z.string().optional(),
    /** KBV Darreichungsform code, e.g. TAB */
    form: z.string().optional(),
    /** pack size as printed, e.g. "20 St" */
    amount: z.string().optional(),
    /** KBV_CS_ERP_Medication_Category: 00 drug, 01 BtM, 02 AMVV §3a */
    category: z.string().optional(),
    vaccine: z.boolean().default(false),
  }),
  z.object({
    kind: z.literal('freitext'),
    text: z.string(),
    form: z.string().optional(),
    category: z.string().optional(),
    vaccine: z.boolean().default(false),
  }),
  z.object({
    kind: z.literal('wirkstoff'),
    name: z.string(),
    ingredients: z.array(prescribedIngredientSchema),
    form: z.string().optional(),
    amount: z.string().optional(),
    category: z.string().optional(),
    vaccine: z.boolean().default(false),
  }),
  z.object({
    kind: z.literal('rezeptur'),
    name: z.string().optional(),
    form: z.string().optional(),
    amount: z.string().optional(),
    ingredients: z.array(prescribedIngredientSchema),
    instructions: z.string().optional(),
    packaging: z.string().optional(),
    category: z.string().optional(),
    vaccine: z.boolean().default(false),
  }),
]);
export type PrescribedMedication = z.infer<typeof prescribedMedicationSchema>;

export const prescriptionViewSchema = z.object({
  /** e.g. "1.3" or "1.4" (from meta.profile of KBV_PR_ERP_Bundle) */
  kbvVersion: z.string(),
  prescriptionId: z.string(),
  /** date the prescription was issued (YYYY-MM-DD) */
  authoredOn: isoDate,
  patient: z.object({
    name: z.string(),
    birthDate: z.string().optional(),
    kvnr: z.string().optional(),
    address: z.string().optional(),
  }),
  coverage: z.object({
    kind: z.enum(coverageKinds),
    /** code of KBV_CS_FOR_Versichertenart or the coverage type code as sent */
    code: z.string(),
    payorName: z.string(),
    iknr: z.string().optional(),
    /** Versichertenstatus (1 member, 3 family, 5 pensioner) */
    status: z.string().optional(),
  }),
  practitioner: z.object({
    name: z.string(),
    qualification: z.string().optional(),
    lanr: z.string().optional(),
  }),
  organization: z.object({
    name: z.string(),
    bsnr: z.string().optional(),
    phone: z.string().optional(),
    address: z.string().optional(),
  }),
  request: z.object({
    /** number of packs prescribed */
    quantity: z.number(),
    dosageText: z.string().optional(),
    /** true when the prescriber marked a dosage (Dosierkennzeichen) */
    dosageFlag: z.boolean().optional(),
    /** aut idem: true = substitution is excluded by the prescriber */
    autIdemExcluded: z.boolean(),
    /** Noctu: emergency service fee */
    noctu: z.boolean(),
    /** KBV_CS_FOR_StatusCoPayment: 0 not exempt, 1 exempt, 2 künstliche Befruchtung */
    coPayment: z.string().optional(),
    accident: z
      .object({
        kind: z.enum(['unfall', 'arbeitsunfall', 'berufskrankheit']),
        date: z.string().optional(),
        employer: z.string().optional(),
      })
      .optional(),
    mvo: z
      .object({
        numerator: z.number(),
        denominator: z.number(),
        start: z.string().optional(),
        end: z.string().optional(),
        id: z.string().optional(),
      })
      .optional(),
    bvg: z.boolean().optional(),
    note: z.string().optional(),
  }),
  medication: prescribedMedicationSchema,
  /**
   * Rechtsgrundlage (Composition KBV_EX_FOR_Legal_basis, KBV_CS_SFHIR_KBV_STATUSKENNZEICHEN): code as sent and
   * the counter's name for it (shared/fhir/kbv/legal-basis.ts). Optional: views stored before it was read stay valid.
   */
  legalBasis: z.object({ code: z.string(), label: z.string() }).optional(),
  findings: z.array(findingSchema),
});
export type PrescriptionView = z.infer<typeof prescriptionViewSchema>;
