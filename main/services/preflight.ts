/**
 * The pre-flight before $dispense and $close (architecture §3): the shared pipeline (shared/fhir/checks/
 * preflight.ts) with the workflow's codecs, on the stored case. Any error stops the call — nothing is sent.
 */
import { resolveArticles } from '../../shared/erezept/catalog/article-catalog';
import { demoArticleCatalog } from '../../shared/erezept/catalog/demo-catalog';
import { berlinDate } from '../../shared/erezept/dates';
import { dispensedPzn } from '../../shared/fhir/dispense/medication-dispense';
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import { hasErrors, type Finding } from '../../shared/erezept/findings';
import { runPreflight, type PreflightOperation } from '../../shared/fhir/checks/preflight';
import type { FhirResourceJson } from '../../shared/fhir/xml';
import { failure, type AppFailure } from '../errors';
import type { CaseRecord } from '../store/cases';
import type { WorkflowKit } from './workflow-kit';

export async function preflight(
  kit: WorkflowKit,
  operation: PreflightOperation,
  record: CaseRecord,
  entries: readonly DispenseEntry[],
): Promise<FhirResourceJson> {
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
  if (hasErrors(pharmacy)) throw validationFailure(pharmacy, now);
  if (!parameters.built) {
    if (parameters.reason === 'refused') throw validationFailure(parameters.findings, now);
    // Both come only from a damaged store: every case is created from an $accept answer with Task.for and a
    // checked PrescriptionID (spec §3.2).
    throw failure(
      'state',
      parameters.reason === 'no-kvnr'
        ? 'Zu diesem Rezept ist keine KVNR gespeichert; die Abgabedaten können nicht gebildet werden. Bitte den Support informieren.'
        : 'Zu diesem Rezept ist keine gültige Rezept-ID gespeichert; die Abgabedaten können nicht gebildet werden. Bitte den Support informieren.',
      { at: now },
    );
  }
  if (hasErrors(parameters.findings)) throw validationFailure(parameters.findings, now);
  return parameters.resource;
}

export function validationFailure(findings: Finding[], at: Date): AppFailure {
  const errors = findings.filter((f) => f.severity === 'error');
  const first = errors[0]?.message ?? 'Die Abgabedaten sind unvollständig.';
  return failure(
    'validation',
    `Die Abgabedaten wurden nicht gesendet: ${first}${errors.length > 1 ? ` (und ${errors.length - 1} weitere Hinweise)` : ''} Bitte korrigieren und erneut senden.`,
    { findings, at },
  );
}
