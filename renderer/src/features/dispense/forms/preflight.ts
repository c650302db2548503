/**
 * Live pre-flight of the dispense editor (architecture §3): the shared pipeline main runs before anything is
 * sent (shared/fhir/checks/preflight.ts — the pharmacy's rules, then the Parameters built and checked exactly
 * as the Fachdienst would), so its findings appear at the fields while the pharmacist edits. This file only
 * adapts it to the form: form values in, findings placed at fields and entries out. Main repeats the checks
 * authoritatively.
 */
import { dispenseListSchema } from '../../../../../shared/erezept/dispense-entry';
import type { Finding } from '../../../../../shared/erezept/findings';
import {
  preflightRules,
  runPreflight,
  type PreflightContext as CasePreflightContext,
} from '../../../../../shared/fhir/checks/preflight';
import { normalizeFormValues, type DispenseFormInput } from './dispense-form-schema';
import { entryOfFindingPath, fieldOfFindingPath, type EntryFieldPath } from './finding-paths';

/** The shared pre-flight context; `articles` holds what the editor has looked up so far (api/articles). */
export type PreflightContext = CasePreflightContext;

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
  // Nothing built here is sent: counted ids do instead of random UUIDs.
  let counter = 0;
  const ids = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
  const { pharmacy, parameters } = runPreflight('dispense', parsed.data, ctx, preflightRules(ids));

  const findings = pharmacy.map(place);
  if (!parameters.built && parameters.reason !== 'refused') return findings;
  // The same mistake found by both rule sets is shown once (the pharmacy's wording comes first).
  const errorAt = new Set(findings.filter((f) => f.severity === 'error').map((f) => f.field ?? f.path));
  for (const finding of parameters.findings.map(place)) {
    if (finding.severity === 'error' && errorAt.has(finding.field ?? finding.path)) continue;
    findings.push(finding);
  }
  return findings;
}

export interface GroupedFindings {
  byField: ReadonlyMap<string, PlacedFinding[]>;
  byEntry: ReadonlyMap<number, PlacedFinding[]>;
  general: PlacedFinding[];
}

/** Findings by form field, for the fields to show; the rest by entry, then the list-level ones. */
export function groupFindings(findings: readonly PlacedFinding[]): GroupedFindings {
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
