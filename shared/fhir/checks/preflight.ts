/**
 * The pre-flight (architecture §3), once for main and the dispense editor: the pharmacy's own rules on the list
 * (`pharmacyChecks`), then the $dispense/$close Parameters are built and checked exactly as the Fachdienst would
 * (`fachdienstChecks`, spec §3.4, §3.5). Main runs it before anything is sent and refuses at the first stage with
 * an error; the editor runs it while the pharmacist types and shows every stage's findings at the fields.
 *
 * The rules come in as a parameter: main passes its codecs seam (so the workflow's unit tests can replace them),
 * the editor the shared functions bound by `preflightRules`. Pure JSON modules only — never the FHIR XML library,
 * because the renderer bundles this file.
 */
import type { ArticleLookup } from '../../erezept/catalog/article-catalog';
import type { DispenseEntry } from '../../erezept/dispense-entry';
import type { Finding } from '../../erezept/findings';
import { parsePrescriptionId } from '../../erezept/identifiers';
import type { PrescriptionView } from '../../erezept/prescription';
import type { Result } from '../../ipc/result';
import { buildCloseParameters, buildDispenseParameters } from '../dispense/build';
import type { DispenseContext, FhirJson } from '../dispense/types';
import { fachdienstChecks } from './fachdienst-checks';
import { pharmacyChecks, type PharmacyCheckContext } from './pharmacy-checks';

export type PreflightOperation = 'dispense' | 'close';

/** What the pre-flight needs to know about the case and the moment — the same for main and the editor. */
export interface PreflightContext {
  /** the Task's PrescriptionID */
  prescriptionId: string;
  /** KVNR of Task.for; without it no MedicationDispense can be built, so only the pharmacy's rules run */
  kvnr?: string;
  /** the dispensing pharmacy (idNummer of the access token) */
  telematikId: string;
  /** the prescription as read from the QES bundle; null when it could not be read */
  prescription: PrescriptionView | null;
  flowType: string;
  /** Belieferungsfrist (Task.extension acceptDate) */
  acceptDate?: string;
  /** Einlösefrist (Task.extension expiryDate) */
  expiryDate?: string;
  /** German local date (A_27660) */
  today: string;
  now: Date;
  /** the articles of the list's and the prescription's PZNs (`resolveArticles`), for the pharmacy's rules */
  articles: ArticleLookup;
}

/** pharmacyChecks' context. */
export type PharmacyRuleContext = PharmacyCheckContext;

/** The three stages. Method syntax on purpose: main's codecs seam (main/services/codecs.ts) fits as it is. */
export interface PreflightRules {
  pharmacyChecks(entries: DispenseEntry[], ctx: PharmacyRuleContext): Finding[];
  buildParameters(operation: PreflightOperation, entries: DispenseEntry[], ctx: DispenseContext): Result<FhirJson, Finding[]>;
  fachdienstChecks(operation: PreflightOperation, parameters: FhirJson, ctx: DispenseContext & { now: Date }): Finding[];
}

/** The shared rule sets and, optionally, the ids. */
export function preflightRules(ids?: () => string): PreflightRules {
  return {
    pharmacyChecks,
    buildParameters: (operation, entries, ctx) =>
      operation === 'dispense' ? buildDispenseParameters(entries, ctx, ids) : buildCloseParameters(entries, ctx, ids),
    fachdienstChecks: (operation, parameters, ctx) => fachdienstChecks(parameters, { operation, ...ctx }),
  };
}

/** The Parameters, or why there are none. */
export type PreflightParameters =
  /** built; `findings` are what the Fachdienst would say about them */
  | { built: true; resource: FhirJson; findings: Finding[] }
  /** the builder refused the list (empty, a date before workflow 1.6 …); `findings` say why */
  | { built: false; reason: 'refused'; findings: Finding[] }
  /** nothing to build for: the Task's KVNR is unknown, or the PrescriptionID is not one */
  | { built: false; reason: 'no-kvnr' | 'invalid-prescription-id' };

export interface PreflightResult {
  /** the pharmacy's own rules (deadlines A_23800, securPharm batch A_21105-02, check digits …) */
  pharmacy: Finding[];
  parameters: PreflightParameters;
}

/**
 * Runs every stage, so that the editor can show all findings at once; main refuses at the first stage that has
 * an error (pharmacy, then Parameters, then Fachdienst).
 */
export function runPreflight(
  operation: PreflightOperation,
  entries: DispenseEntry[],
  ctx: PreflightContext,
  rules: PreflightRules,
): PreflightResult {
  const pharmacy = rules.pharmacyChecks(entries, {
    prescription: ctx.prescription,
    flowType: ctx.flowType,
    acceptDate: ctx.acceptDate,
    expiryDate: ctx.expiryDate,
    today: ctx.today,
    articles: ctx.articles,
  });
  if (!ctx.kvnr) return { pharmacy, parameters: { built: false, reason: 'no-kvnr' } };
  const prescriptionId = parsePrescriptionId(ctx.prescriptionId);
  if (!prescriptionId.ok) return { pharmacy, parameters: { built: false, reason: 'invalid-prescription-id' } };

  const dispenseCtx: DispenseContext = {
    prescriptionId: prescriptionId.data,
    kvnr: ctx.kvnr,
    telematikId: ctx.telematikId,
    prescribed: ctx.prescription?.medication,
  };
  const built = rules.buildParameters(operation, entries, dispenseCtx);
  if (!built.ok) return { pharmacy, parameters: { built: false, reason: 'refused', findings: built.error } };
  const findings = rules.fachdienstChecks(operation, built.data, { ...dispenseCtx, now: ctx.now });
  return { pharmacy, parameters: { built: true, resource: built.data, findings } };
}
