/**
 * Live pre-flight of the dispense editor (issue 5 item 4, architecture §3): the same two rule sets main runs
 * before anything is sent — `pharmacyChecks` (the pharmacy's rules: check digits, securPharm batch, deadlines,
 * substitution) and `fachdienstChecks` on the Parameters the builder makes (exactly what the Fachdienst
 * rejects) — so their findings appear at the fields while the pharmacist edits. Only pure modules are
 * imported (JSON builders and checks, never the FHIR XML library). Main repeats the checks authoritatively.
 */
import type { ArticleCatalog } from '../../../../../shared/erezept/catalog/article-catalog';
import { dispenseListSchema } from '../../../../../shared/erezept/dispense-entry';
import type { Finding } from '../../../../../shared/erezept/findings';
import { parsePrescriptionId } from '../../../../../shared/erezept/identifiers';
import type { PrescriptionView } from '../../../../../shared/erezept/prescription';
import { fachdienstChecks } from '../../../../../shared/fhir/checks/fachdienst-checks';
import { pharmacyChecks } from '../../../../../shared/fhir/checks/pharmacy-checks';
import { buildDispenseParameters } from '../../../../../shared/fhir/dispense/build';
import { normalizeFormValues, type DispenseFormInput } from './dispense-form-schema';
import { entryOfFindingPath, fieldOfFindingPath, type EntryFieldPath } from './finding-paths';

export interface PreflightContext {
  prescriptionId: string;
  /** KVNR of the Task (needed to build the MedicationDispense); without it only the pharmacy rules run */
  kvnr?: string;
  telematikId: string;
  prescription: PrescriptionView | null;
  flowType: string;
  acceptDate?: string;
  expiryDate?: string;
  /** German local date (A_27660) */
  today: string;
  now: Date;
  catalog: ArticleCatalog;
}

export interface PlacedFinding extends Finding {
  /** the form field it belongs to, when it names one */
  field?: EntryFieldPath;
  /** the entry it belongs to, when it is about one */
  entry?: number;
}

function place(finding: Finding): PlacedFinding {
  return { ...finding, field: fieldOfFindingPath(finding.path), entry: entryOfFindingPath(finding.path) };
}

/**
 * Findings for the current form values; empty while the list does not even pass the schema (the field
 * validation speaks first then).
 */
export function preflightFindings(values: DispenseFormInput, ctx: PreflightContext): PlacedFinding[] {
  const parsed = dispenseListSchema.safeParse(normalizeFormValues(values).entries);
  if (!parsed.success) return [];
  const entries = parsed.data;
  const findings = pharmacyChecks(entries, {
    prescription: ctx.prescription,
    flowType: ctx.flowType,
    acceptDate: ctx.acceptDate,
    expiryDate: ctx.expiryDate,
    today: ctx.today,
    catalog: ctx.catalog,
  }).map(place);

  const prescriptionId = parsePrescriptionId(ctx.prescriptionId);
  if (!ctx.kvnr || !prescriptionId.ok) return findings;
  const buildCtx = {
    prescriptionId: prescriptionId.data,
    kvnr: ctx.kvnr,
    telematikId: ctx.telematikId,
    prescribed: ctx.prescription?.medication,
  };
  let counter = 0;
  const ids = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
  const built = buildDispenseParameters(entries, buildCtx, ids);
  const more = built.ok ? fachdienstChecks(built.data, { operation: 'dispense', ...buildCtx, now: ctx.now }) : built.error;
  // The same mistake found by both rule sets is shown once (the pharmacy's wording comes first).
  const errorAt = new Set(findings.filter((f) => f.severity === 'error').map((f) => f.field ?? f.path));
  for (const finding of more.map(place)) {
    if (finding.severity === 'error' && errorAt.has(finding.field ?? finding.path)) continue;
    findings.push(finding);
  }
  return findings;
}

/** Findings by form field, for the fields to show; the rest by entry, then the list-level ones. */
export function groupFindings(findings: readonly PlacedFinding[]) {
  const byField = new Map<string, PlacedFinding[]>();
  const byEntry = new Map<number, PlacedFinding[]>();
  const general: PlacedFinding[] = [];
  for (const f of findings) {
    if (f.field) byField.set(f.field, [...(byField.get(f.field) ?? []), f]);
    else if (f.entry !== undefined) byEntry.set(f.entry, [...(byEntry.get(f.entry) ?? []), f]);
    else general.push(f);
  }
  return { byField, byEntry, general };
}
