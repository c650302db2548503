/**
 * The dispense editor's form model: exactly the shared DispenseEntry list (spec §5), so the form's
 * field paths (`entries.0.batch.lot`) are the paths findings use. Empty inputs are normalised to "absent"
 * before validation, because an HTML input can only say "".
 */
import { z } from 'zod';
import { dispenseEntrySchema } from '../../../../../shared/erezept/dispense-entry';

export const dispenseFormSchema = z.object({ entries: z.array(dispenseEntrySchema).min(1).max(100) });

export type DispenseFormInput = z.input<typeof dispenseFormSchema>;
export type DispenseFormOutput = z.output<typeof dispenseFormSchema>;
export type DispenseEntryInput = DispenseFormInput['entries'][number];

const isBlank = (v: unknown): boolean =>
  v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (typeof v === 'number' && Number.isNaN(v));

/** A copy without the listed keys whose value is blank (an empty input, or NaN from an empty number input). */
function withoutBlank<T extends object>(value: T, keys: readonly string[]): T {
  const copy = { ...value } as Record<string, unknown>;
  for (const key of keys) if (key in copy && isBlank(copy[key])) delete copy[key];
  return copy as T;
}

const optionalMedicationKeys = ['normSize', 'form', 'packSize', 'amount', 'instructions', 'packaging'];
const optionalIngredientKeys = ['strengthValue', 'strengthUnit', 'atc'];
const optionalComponentKeys = ['pzn', 'amount', 'batch'];

/** "" → undefined for optional text; no batch at all when both batch fields are empty. */
function normalizeEntry(entry: DispenseEntryInput): DispenseEntryInput {
  const batch = entry.batch;
  const medication = withoutBlank(entry.medication, optionalMedicationKeys);
  if (medication.kind === 'wirkstoff' && medication.name !== undefined && isBlank(medication.name)) delete medication.name;
  if ((medication.kind === 'wirkstoff' || medication.kind === 'pzn') && medication.ingredients) {
    medication.ingredients = medication.ingredients.map((i) => withoutBlank(i, optionalIngredientKeys));
  }
  if (medication.kind === 'kombipackung') {
    medication.components = medication.components.map((c) => withoutBlank(c, optionalIngredientKeys));
  }
  if (medication.kind === 'rezeptur') {
    medication.components = medication.components.map((c) => withoutBlank(c, optionalComponentKeys));
  }
  return {
    ...entry,
    medication,
    batch: batch && isBlank(batch.lot) && isBlank(batch.expiry) ? undefined : batch,
    dosageText: isBlank(entry.dosageText) ? undefined : entry.dosageText,
    whenPrepared: isBlank(entry.whenPrepared) ? undefined : entry.whenPrepared,
  };
}

export function normalizeFormValues(values: DispenseFormInput): DispenseFormInput {
  return { entries: values.entries.map(normalizeEntry) };
}
