/**
 * What changed between two dispense lists: the editor shows the changes since the list the
 * Fachdienst last confirmed — every correction resubmits the whole list (A_26482) and notifies the patient, so
 * the pharmacist should see exactly what the next $dispense will change. Entries are matched by their key.
 */
import { dispenseListSchema, type DispenseEntry } from '../../../../../shared/erezept/dispense-entry';
import { normalizeFormValues, type DispenseEntryInput } from './dispense-form-schema';
import { medicationName } from './entry-editing';
import { sameEntries } from '../../../../../shared/erezept/dispense-list-equality';

export type DiffField =
  | 'medication'
  | 'packs'
  | 'batch'
  | 'expiry'
  | 'serials'
  | 'handedOver'
  | 'prepared'
  | 'dosage'
  | 'substituted';

export interface FieldChange {
  field: DiffField;
  before?: string;
  after?: string;
}

export type EntryChange =
  | { kind: 'added'; index: number; key: string; label: string }
  | { kind: 'removed'; previousIndex: number; key: string; label: string }
  | { kind: 'changed'; index: number; key: string; label: string; fields: FieldChange[] }
  | { kind: 'unchanged'; index: number; key: string; label: string };

type Comparable = DispenseEntry | DispenseEntryInput;

const text = (v: unknown): string | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v.trim() === '' ? undefined : v.trim();
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return JSON.stringify(v);
};

function medicationSignature(e: Comparable): string {
  const m = e.medication;
  const pzn = 'pzn' in m ? m.pzn.trim() : '';
  return `${m.kind}|${pzn}|${medicationName(m).trim()}`;
}

/** The values the pharmacist sees per field, as text; equal text = no change. */
function fieldValues(e: Comparable): Record<DiffField, string | undefined> {
  const m = e.medication;
  const pzn = 'pzn' in m && m.pzn.trim() !== '' ? ` (PZN ${m.pzn.trim()})` : '';
  return {
    medication: medicationName(m).trim() + pzn || undefined,
    packs: text(e.packs),
    batch: text(e.batch?.lot),
    expiry: text(e.batch?.expiry),
    serials: e.serials && e.serials.length > 0 ? e.serials.join(', ') : undefined,
    handedOver: text(e.whenHandedOver),
    prepared: text(e.whenPrepared),
    dosage: text(e.dosageText),
    substituted: e.substituted ? 'true' : undefined,
  };
}

const fieldOrder: readonly DiffField[] = ['medication', 'packs', 'batch', 'expiry', 'serials', 'handedOver', 'prepared', 'dosage', 'substituted'];

function entryFieldChanges(before: Comparable, after: Comparable): FieldChange[] {
  const a = fieldValues(before);
  const b = fieldValues(after);
  const changes = fieldOrder.filter((f) => a[f] !== b[f]).map((field) => ({ field, before: a[field], after: b[field] }));
  // A different article with the same visible name still counts as changed.
  if (!changes.some((c) => c.field === 'medication') && medicationSignature(before) !== medicationSignature(after)) {
    changes.unshift({ field: 'medication', before: a.medication, after: b.medication });
  }
  return changes;
}

/** Changes from `before` (e.g. the last confirmed list) to `after` (e.g. the form), in the order of `after`. */
export function diffEntries(before: readonly Comparable[], after: readonly Comparable[]): EntryChange[] {
  const normalizedAfter = normalizeFormValues({ entries: after.map((e) => e as DispenseEntryInput) }).entries;
  const previous = new Map(before.map((e, i) => [e.key, { entry: e, index: i }]));
  const changes: EntryChange[] = normalizedAfter.map((entry, index) => {
    const label = medicationName(entry.medication).trim();
    const old = previous.get(entry.key);
    if (!old) return { kind: 'added', index, key: entry.key, label };
    previous.delete(entry.key);
    const fields = entryFieldChanges(old.entry, entry);
    return fields.length > 0 ? { kind: 'changed', index, key: entry.key, label, fields } : { kind: 'unchanged', index, key: entry.key, label };
  });
  for (const [key, { entry, index }] of previous) {
    changes.push({ kind: 'removed', previousIndex: index, key, label: medicationName(entry.medication).trim() });
  }
  return changes;
}

/**
 * True when both lists are valid and carry exactly the same data in the same order — the rule main applies
 * before a $dispense (a list equal to the last confirmed one is not sent again, it would only notify the patient).
 */
export function sameList(before: readonly Comparable[], after: readonly Comparable[]): boolean {
  const a = dispenseListSchema.safeParse(normalizeFormValues({ entries: before.map((e) => e as DispenseEntryInput) }).entries);
  const b = dispenseListSchema.safeParse(normalizeFormValues({ entries: after.map((e) => e as DispenseEntryInput) }).entries);
  return a.success && b.success && sameEntries(a.data, b.data);
}
