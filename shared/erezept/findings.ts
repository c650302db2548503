import { z } from 'zod';

/**
 * A finding of a rule set (fachdienstChecks, pharmacyChecks) or of the prescription reader.
 * `path` points at the offending field, in the dispense editor's terms (e.g. `entries.0.batch.lot`)
 * or as a FHIR path for received resources.
 */
export const findingSchema = z.object({
  severity: z.enum(['error', 'warning', 'info']),
  code: z.string(),
  /** German, for the pharmacist. */
  message: z.string(),
  path: z.string().optional(),
});
export type Finding = z.infer<typeof findingSchema>;

export const hasErrors = (findings: readonly Finding[]): boolean => findings.some((f) => f.severity === 'error');
