/**
 * The pre-flight before $dispense and $close (architecture §3): the shared pipeline (shared/fhir/checks/
 * preflight.ts) with the workflow's codecs, on the stored case. Whatever blocks stops the call — an error, or a
 * safety finding that needs a reason the pharmacist has not given (docs/checks.md) — and nothing is sent: the
 * refusal says „Nicht gesendet:“ with the reasons and carries every finding for the editor.
 */
import { resolveArticles } from '../../shared/erezept/catalog/article-catalog';
import { demoArticleCatalog } from '../../shared/erezept/catalog/demo-catalog';
import { berlinDate } from '../../shared/erezept/dates';
import { dispensedPzn } from '../../shared/fhir/dispense/medication-dispense';
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import { blocksSending, hasBlocking, type Finding } from '../../shared/erezept/findings';
import { overriddenRules } from '../../shared/fhir/checks/overrides';
import { runPreflight, type PreflightOperation } from '../../shared/fhir/checks/preflight';
import type { FhirResourceJson } from '../../shared/fhir/xml';
import { failure, type AppFailure } from '../errors';
import type { OverriddenRule } from '../store/audit';
import type { CaseRecord } from '../store/cases';
import type { WorkflowKit } from './workflow-kit';

/** A list that may be sent. */
export interface PreflightPassed {
  /** the $dispense / $close body — built from the entries' data only; override reasons are never in it */
  parameters: FhirResourceJson;
  /** the safety rules the pharmacist overrode with a reason, each once: the audit records these, never the reason */
  overriddenRules: OverriddenRule[];
}

const isPharmacyRule = (code: string): code is OverriddenRule => code.startsWith('PH_');

export async function preflight(
  kit: WorkflowKit,
  operation: PreflightOperation,
  record: CaseRecord,
  entries: readonly DispenseEntry[],
): Promise<PreflightPassed> {
  const { codecs, settings } = kit.deps;
  const now = kit.now();
  const articles = await resolveArticles(kit.deps.catalog ?? demoArticleCatalog, [
    ...entries.map(dispensedPzn),
    record.prescription?.medication.kind === 'pzn' ? record.prescription.medication.pzn : undefined,
  ]);
  const { pharmacy, parameters } = runPreflight(
    operation,
    [...entries],
    {
      prescriptionId: record.prescriptionId,
      kvnr: record.kvnr,
      telematikId: settings.pharmacy().telematikId,
      prescription: record.prescription ?? null,
      flowType: record.flowType,
      acceptDate: record.acceptDate,
      expiryDate: record.expiryDate,
      today: berlinDate(now),
      now,
      articles,
    },
    codecs,
  );
  if (hasBlocking(pharmacy)) throw validationFailure(pharmacy, now);
  if (!parameters.built) {
    if (parameters.reason === 'refused') throw validationFailure(parameters.findings, now);
    // Both come only from a damaged store: every case is created from an $accept answer with Task.for and a
    // checked PrescriptionID (spec §3.2).
    throw failure(
      'state',
      parameters.reason === 'no-kvnr'
        ? 'Nicht gesendet: Zu diesem Rezept ist keine KVNR gespeichert; die Abgabedaten können nicht gebildet werden. Bitte den Support informieren.'
        : 'Nicht gesendet: Zu diesem Rezept ist keine gültige Rezept-ID gespeichert; die Abgabedaten können nicht gebildet werden. Bitte den Support informieren.',
      { at: now },
    );
  }
  if (hasBlocking(parameters.findings)) throw validationFailure(parameters.findings, now);
  return { parameters: parameters.resource, overriddenRules: overriddenRules(pharmacy).filter(isPharmacyRule) };
}

/**
 * „Nicht gesendet: <the first reason in full>“ and how many more there are; `findings` carries all of them —
 * warnings and notes too — so the editor can show each at its field.
 */
export function validationFailure(findings: Finding[], at: Date): AppFailure {
  const reasons = findings.filter(blocksSending);
  const first = reasons[0]?.message ?? 'Die Abgabedaten sind unvollständig.';
  const more = reasons.length - 1;
  const rest = more === 1 ? ' Und 1 weiterer Grund.' : more > 1 ? ` Und ${more} weitere Gründe.` : '';
  return failure('validation', `Nicht gesendet: ${first}${rest}`, { findings, at });
}
