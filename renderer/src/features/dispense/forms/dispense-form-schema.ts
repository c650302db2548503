/**
 * The dispense editor's form model: exactly the shared DispenseEntry list (issue 5 item 4), so the form's
 * field paths (`entries.0.batch.lot`) are the paths findings use. Empty inputs are normalised to "absent"
 * before validation, because an HTML input can only say "".
 */
import { z } from 'zod';
import { dispenseEntrySchema } from '../../../../../shared/erezept/dispense-entry';

export const dispenseFormSchema = z.object({ entries: z.array(dispenseEntrySchema).min(1).max(100) });

export type DispenseFormInput = z.input<typeof dispenseFormSchema>;
export type DispenseFormOutput = z.output<typeof dispenseFormSchema>;
export type DispenseEntryInput = DispenseFormInput['entries'][number];

const isBlank = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/** "" → undefined for optional text; no batch at all when both batch fields are empty. */
function normalizeEntry(entry: DispenseEntryInput): DispenseEntryInput {
  const batch = entry.batch;
  const medication = { ...entry.medication };
  for (const key of ['normSize', 'form', 'packSize', 'amount'] as const) {
    if (key in medication && isBlank((medication as Record<string, unknown>)[key])) {
      delete (medication as Record<string, unknown>)[key];
    }
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
