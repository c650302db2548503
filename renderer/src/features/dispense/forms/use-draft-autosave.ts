/**
 * Autosaves the dispense list as a local draft (architecture §7) ~800 ms after the last change. Only a
 * list that passes the shared schema is saved — the saveDraft channel validates entries like $dispense.
 */
import { useEffect, useRef } from 'react';
import type { UseFormWatch } from 'react-hook-form';
import { dispenseListSchema } from '../../../../../shared/erezept/dispense-entry';
import { useSaveDraft } from '../api/use-dispense-mutations';
import { normalizeFormValues, type DispenseFormInput } from './dispense-form-schema';

export const draftDelayMs = 800;

export function useDraftAutosave(prescriptionId: string, watch: UseFormWatch<DispenseFormInput>, enabled: boolean) {
  const saveDraft = useSaveDraft();
  const { mutate } = saveDraft;
  const lastSaved = useRef<string | null>(null);

  useEffect(() => {
    if (!enabled) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const subscription = watch((values) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (!values.entries) return;
        const parsed = dispenseListSchema.safeParse(normalizeFormValues(values as DispenseFormInput).entries);
        if (!parsed.success) return;
        const serialized = JSON.stringify(parsed.data);
        if (serialized === lastSaved.current) return;
        lastSaved.current = serialized;
        mutate({ prescriptionId, entries: parsed.data });
      }, draftDelayMs);
    });
    return () => {
      clearTimeout(timer);
      subscription.unsubscribe();
    };
  }, [prescriptionId, watch, enabled, mutate]);

  return saveDraft;
}
