/**
 * The $dispense and $close request bodies (spec §5): GEM_ERP_PR_PAR_DispenseOperation_Input|1.6 and
 * GEM_ERP_PR_PAR_CloseOperation_Input|1.6, one `rxDispensation` (MedicationDispense + Medication) per
 * dispensed item (A_22071-02). Every call carries the complete current list (A_26482, A_26481).
 *
 * Only workflow 1.6 is built: from 2026-10-01 it is the only version the Fachdienst accepts for new dispense
 * dates, and 1.5 data is never needed for a date on or after 2026-07-01 (spec §0). A list whose newest handover
 * date lies before 2026-07-01 would need 1.5 and is refused here as a pre-flight error (A_27047-01).
 */
import { germanDate, isIsoDate } from '../../erezept/dates';
import type { DispenseEntry } from '../../erezept/dispense-entry';
import type { Finding } from '../../erezept/findings';
import { err, ok, type Result } from '../../ipc/result';
import { latestDate, WORKFLOW_1_6_VALID_FROM } from '../checks/profile-version';
import { DispenseParameterNames, Profiles, versioned } from '../profiles';
import { buildMedication } from './medication';
import { buildMedicationDispense } from './medication-dispense';
import type { DispenseContext, FhirJson } from './types';

export type { DispenseContext, FhirJson } from './types';
export { buildMedication } from './medication';
export { buildMedicationDispense } from './medication-dispense';

/** Finding codes of the builders' pre-flight. */
export const BuildFindingCodes = {
  emptyList: 'DISPENSE_LIST_EMPTY',
  invalidDate: 'DISPENSE_DATE_INVALID',
  pre16: 'DISPENSE_DATE_BEFORE_WORKFLOW_1_6',
} as const;

const defaultIds = (): string => crypto.randomUUID();

/** $dispense input: at least one rxDispensation. */
export function buildDispenseParameters(
  entries: DispenseEntry[],
  ctx: DispenseContext,
  ids: () => string = defaultIds,
): Result<FhirJson, Finding[]> {
  return buildOperationParameters(versioned(Profiles.dispenseInput), entries, ctx, ids, 1);
}

/** $close input: 0..* rxDispensation — an empty list closes with the data of the last $dispense (spec §3.5). */
export function buildCloseParameters(
  entries: DispenseEntry[],
  ctx: DispenseContext,
  ids: () => string = defaultIds,
): Result<FhirJson, Finding[]> {
  return buildOperationParameters(versioned(Profiles.closeInput), entries, ctx, ids, 0);
}

function buildOperationParameters(
  profile: string,
  entries: DispenseEntry[],
  ctx: DispenseContext,
  ids: () => string,
  minEntries: number,
): Result<FhirJson, Finding[]> {
  const findings = preflight(entries, minEntries);
  if (findings.length > 0) return err(findings);
  const parameter = entries.map((entry) => {
    const medicationId = ids();
    return {
      name: DispenseParameterNames.rxDispensation,
      part: [
        { name: DispenseParameterNames.medicationDispense, resource: buildMedicationDispense(entry, ctx, medicationId) },
        { name: DispenseParameterNames.medication, resource: buildMedication(entry, medicationId) },
      ],
    };
  });
  const parameters: FhirJson = { resourceType: 'Parameters', meta: { profile: [profile] } };
  // FHIR JSON has no empty arrays: a $close without dispense data has no `parameter` at all.
  if (parameter.length > 0) parameters.parameter = parameter;
  return ok(parameters);
}

/** What makes a list impossible to build as 1.6: nothing to send, unreadable dates, a pre-1.6 handover date. */
function preflight(entries: DispenseEntry[], minEntries: number): Finding[] {
  if (entries.length < minEntries) {
    return [
      {
        severity: 'error',
        code: BuildFindingCodes.emptyList,
        message: 'Die Abgabeliste ist leer: Es muss mindestens eine Abgabe übermittelt werden.',
        path: 'entries',
      },
    ];
  }
  const findings: Finding[] = [];
  entries.forEach((entry, i) => {
    if (!isIsoDate(entry.whenHandedOver)) findings.push(invalidDate(`entries.${i}.whenHandedOver`, 'Abgabedatum'));
    if (entry.whenPrepared !== undefined && !isIsoDate(entry.whenPrepared)) {
      findings.push(invalidDate(`entries.${i}.whenPrepared`, 'Herstellungsdatum'));
    }
  });
  if (findings.length > 0) return findings;
  const newest = latestDate(entries.map((e) => e.whenHandedOver));
  if (newest !== undefined && newest < WORKFLOW_1_6_VALID_FROM) {
    findings.push({
      severity: 'error',
      code: BuildFindingCodes.pre16,
      message:
        `Abgabedatum ${germanDate(newest)} liegt vor dem ${germanDate(WORKFLOW_1_6_VALID_FROM)}: ` +
        'Abgabedaten nach Workflow 1.6 sind erst ab diesem Tag zulässig.',
      path: `entries.${entries.findIndex((e) => e.whenHandedOver === newest)}.whenHandedOver`,
    });
  }
  return findings;
}

function invalidDate(path: string, label: string): Finding {
  return { severity: 'error', code: BuildFindingCodes.invalidDate, message: `${label} ist kein gültiges Datum (TT.MM.JJJJ).`, path };
}
