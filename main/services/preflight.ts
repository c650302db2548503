/**
 * The pre-flight (architecture §3): the pharmacy's own rules on the list (editor paths), then the Parameters
 * are built and checked exactly as the Fachdienst would. Any error stops the call — nothing is sent.
 */
import { berlinDate } from '../../shared/erezept/dates';
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import { hasErrors, type Finding } from '../../shared/erezept/findings';
import type { FhirResourceJson } from '../../shared/fhir/xml';
import { failure, type AppFailure } from '../errors';
import type { CaseRecord } from '../store/cases';
import type { DispenseBuildContext } from './codecs';
import type { WorkflowKit } from './workflow-kit';

export function preflight(kit: WorkflowKit, operation: 'dispense' | 'close', record: CaseRecord, entries: readonly DispenseEntry[]): FhirResourceJson {
  const { codecs, settings } = kit.deps;
  const now = kit.now();
  const list = [...entries];
  const pharmacyFindings = codecs.pharmacyChecks(list, {
    prescription: record.prescription ?? null,
    flowType: record.flowType,
    acceptDate: record.acceptDate,
    expiryDate: record.expiryDate,
    today: berlinDate(now),
  });
  if (hasErrors(pharmacyFindings)) throw validationFailure(pharmacyFindings, now);
  if (!record.kvnr) {
    throw failure('state', 'Zu diesem Rezept ist keine KVNR gespeichert; die Abgabedaten können nicht gebildet werden. Bitte den Support informieren.', { at: now });
  }
  const ctx: DispenseBuildContext = {
    prescriptionId: record.prescriptionId,
    kvnr: record.kvnr,
    telematikId: settings.pharmacy().telematikId,
    prescribed: record.prescription?.medication,
  };
  const built = codecs.buildParameters(operation, list, ctx);
  if (!built.ok) throw validationFailure(built.error, now);
  const fachdienstFindings = codecs.fachdienstChecks(operation, built.data, { ...ctx, now });
  if (hasErrors(fachdienstFindings)) throw validationFailure(fachdienstFindings, now);
  return built.data;
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
