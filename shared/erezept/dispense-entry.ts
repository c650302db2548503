/**
 * One MedicationDispense as the pharmacist edits it (one row of the dispense editor) — the
 * app's authoritative copy of what was handed over (spec §3.10: the pharmacy cannot read it back).
 * The builders in shared/fhir/dispense turn a list of these into GEM_ERP_PR_MedicationDispense|1.6 +
 * GEM_ERP_PR_Medication|1.6 pairs.
 */
import { z } from 'zod';

/** Stored as YYYY-MM-DD; the message names the format the editor's date fields show. */
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Bitte ein Datum eingeben (TT.MM.JJJJ).');

export const dispensedIngredientSchema = z.object({
  name: z.string().min(1),
  /** strength as value + unit, e.g. 100 mg (A_27033-01) */
  strengthValue: z.number().positive().optional(),
  strengthUnit: z.string().optional(),
  atc: z.string().optional(),
});

export const rezepturComponentSchema = z.object({
  name: z.string().min(1),
  pzn: z.string().optional(),
  /** amount as text, e.g. "10 g" or "ad 100,0 g" */
  amount: z.string().optional(),
  batch: z.string().optional(),
});

export const dispensedMedicationSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('pzn'),
    pzn: z.string(),
    name: z.string().min(1),
    normSize: z.string().optional(),
    form: z.string().optional(),
    /** pack size, e.g. "20 St" */
    packSize: z.string().optional(),
    ingredients: z.array(dispensedIngredientSchema).default([]),
    /** epa-drug-category: 00 drug, 01 BtM, 02 AMVV §3a (T-Rezept), 03 other */
    category: z.enum(['00', '01', '02', '03']).default('00'),
    vaccine: z.boolean().default(false),
  }),
  z.object({
    kind: z.literal('freitext'),
    text: z.string().min(1),
    form: z.string().optional(),
    category: z.enum(['00', '01', '02', '03']).default('00'),
    vaccine: z.boolean().default(false),
  }),
  z.object({
    kind: z.literal('wirkstoff'),
    name: z.string().optional(),
    ingredients: z.array(dispensedIngredientSchema).min(1),
    form: z.string().optional(),
    amount: z.string().optional(),
    category: z.enum(['00', '01', '02', '03']).default('00'),
    vaccine: z.boolean().default(false),
  }),
  z.object({
    kind: z.literal('rezeptur'),
    name: z.string().min(1),
    form: z.string().optional(),
    /** total quantity, e.g. "100 g" */
    amount: z.string().optional(),
    components: z.array(rezepturComponentSchema).min(1),
    instructions: z.string().optional(),
    packaging: z.string().optional(),
    category: z.enum(['00', '01', '02', '03']).default('00'),
    vaccine: z.boolean().default(false),
  }),
  z.object({
    kind: z.literal('kombipackung'),
    pzn: z.string(),
    name: z.string().min(1),
    components: z.array(dispensedIngredientSchema).min(1),
    category: z.enum(['00', '01', '02', '03']).default('00'),
    vaccine: z.boolean().default(false),
  }),
]);
export type DispensedMedication = z.infer<typeof dispensedMedicationSchema>;

/**
 * The pharmacist's reason for sending despite a pharmacy safety finding (docs/checks.md). Kept with the entry — so
 * with the draft and the submitted version, encrypted like the list — and never sent: the FHIR builders do not read
 * it. Never logged; the audit records only that rule X was overridden by whom.
 */
export const findingOverrideSchema = z.object({
  /** the finding's code, e.g. PH_SUBSTANCE_DIFFERS */
  rule: z.string().min(1).max(64),
  reason: z.string().trim().min(3, 'Bitte eine Begründung mit mindestens 3 Zeichen angeben.').max(500),
});
export type FindingOverride = z.infer<typeof findingOverrideSchema>;

export const dispenseEntrySchema = z.object({
  /** stable client-side id of the row (not sent; the Fachdienst rewrites ids, A_26527) */
  key: z.string().min(1).max(64),
  medication: dispensedMedicationSchema,
  /** number of packs handed over (several packs of one batch = one entry, spec §5) */
  packs: z.number().int().positive('Mindestens 1 Packung.').max(999, 'Höchstens 999 Packungen.'),
  batch: z
    .object({
      lot: z.string().min(1).max(20),
      /** YYYY-MM-DD, from the securPharm code (A_21105-02) */
      expiry: isoDate,
    })
    .optional(),
  /** securPharm serial numbers of the packs, kept locally with the entry */
  serials: z.array(z.string().max(20)).max(999).default([]),
  whenHandedOver: isoDate,
  whenPrepared: isoDate.optional(),
  /** only when the pharmacist changed or clarified the prescribed dosage (A_27036-01) */
  dosageText: z.string().max(1000).optional(),
  /** set for PZN prescriptions: dispensed PZN ≠ prescribed PZN (A_28417) */
  substituted: z.boolean().optional(),
  /** overrides of pharmacy safety findings about this entry, at most one per rule */
  overrides: z.array(findingOverrideSchema).max(20).optional(),
});
export type DispenseEntry = z.infer<typeof dispenseEntrySchema>;

export const dispenseListSchema = z.array(dispenseEntrySchema).min(1).max(100);
