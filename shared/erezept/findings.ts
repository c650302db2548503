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
  /**
   * A pharmacy safety rule the pharmacist may override with a reason (docs/checks.md): until an override for this
   * rule is on the entry the path names, the finding stops sending — an error as „blockiert“, a warning as
   * „Begründung nötig“. Never set on the Fachdienst's rules.
   */
  needsReason: z.boolean().optional(),
  /** the entry carries an override with a reason for this finding; the reason itself is never in a finding */
  overridden: z.boolean().optional(),
});
export type Finding = z.infer<typeof findingSchema>;

/** Does this finding stop the list from being sent? Errors and reason-needing warnings do, until overridden. */
export const blocksSending = (finding: Finding): boolean =>
  finding.overridden !== true && (finding.severity === 'error' || finding.needsReason === true);

export const hasBlocking = (findings: readonly Finding[]): boolean => findings.some(blocksSending);
