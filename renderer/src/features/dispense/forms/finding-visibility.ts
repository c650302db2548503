/**
 * No errors before the pharmacist has done anything (issue 19 item 4): a case opens with the list main derived from
 * the prescription, and a red „Charge fehlt“ at once only says what everybody knows — the pack has not been scanned
 * yet. So the live findings of an entry show once the pharmacist worked on it: a field of it touched or changed (a
 * pack scan and a catalogue lookup change it, too), or in an earlier session (its saved draft carries what only the
 * pharmacist adds), or after a submit or close was attempted. List-level findings always show, and a refused submit
 * lists every reason whatever is shown here.
 */
import type { CaseDetail } from '../../../../../shared/ipc/contract';
import type { DispenseEntryInput } from './dispense-form-schema';
import type { GroupedFindings } from './preflight';

/** Anything set in a react-hook-form state tree (touchedFields / dirtyFields of one entry)? */
export function anySet(node: unknown): boolean {
  if (node === true) return true;
  if (node === null || typeof node !== 'object') return false;
  return Object.values(node).some(anySet);
}

/**
 * Did the pharmacist work on this entry of a saved draft before? Main saves the list it derives from the prescription
 * as the first draft (main/services/initial-draft.ts); that row has no batch, serial, override, changed dosage or
 * preparation date, and the prescribed PZN. Once something was sent, every entry counts.
 */
export function workedOnBefore(entry: DispenseEntryInput, caseDetail: Pick<CaseDetail, 'prescription' | 'submissions'>): boolean {
  if (caseDetail.submissions.length > 0) return true;
  if (entry.batch || (entry.serials?.length ?? 0) > 0 || (entry.overrides?.length ?? 0) > 0) return true;
  if (entry.dosageText || entry.whenPrepared) return true;
  const prescribed = caseDetail.prescription?.medication;
  const pzn = 'pzn' in entry.medication ? entry.medication.pzn.trim() : undefined;
  return prescribed?.kind === 'pzn' && pzn !== undefined && pzn !== '' && pzn !== prescribed.pzn;
}

export interface RevealState {
  /** a submit or close was attempted: every finding shows from then on */
  attempted: boolean;
  /** keys of the entries worked on in an earlier session (workedOnBefore) */
  workedOn: ReadonlySet<string>;
  /** the entries' keys by index */
  keys: readonly (string | undefined)[];
  /** react-hook-form's touchedFields.entries and dirtyFields.entries */
  touched: unknown;
  dirty: unknown;
}

/** Whether the findings of entry `index` show. */
export function revealedEntries({ attempted, workedOn, keys, touched, dirty }: RevealState): (index: number) => boolean {
  const at = (tree: unknown, index: number): unknown => (Array.isArray(tree) ? (tree as unknown[])[index] : undefined);
  return (index) => {
    if (attempted) return true;
    const key = keys[index];
    if (key !== undefined && workedOn.has(key)) return true;
    return anySet(at(touched, index)) || anySet(at(dirty, index));
  };
}

/** The grouped findings without those of entries not revealed yet; list-level ones stay. */
export function onlyRevealed(grouped: GroupedFindings, revealed: (index: number) => boolean): GroupedFindings {
  const byField = new Map<string, GroupedFindings['general']>();
  for (const [name, findings] of grouped.byField) {
    const kept = findings.filter((f) => f.entry === undefined || revealed(f.entry));
    if (kept.length > 0) byField.set(name, kept);
  }
  const byEntry = new Map([...grouped.byEntry].filter(([index]) => revealed(index)));
  return { byField, byEntry, general: grouped.general };
}
