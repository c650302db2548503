/**
 * Autosaves the dispense list as a draft (architecture §7) ~800 ms after the last change. A list that passes
 * the shared schema goes to main (`saveDraft`, which validates entries like $dispense); an incomplete one is
 * kept locally until it is complete (local-draft.ts), so a restart loses nothing.
 */
import { useEffect, useRef, useState } from 'react';
import type { UseFormWatch } from 'react-hook-form';
import { dispenseListSchema } from '../../../../../shared/erezept/dispense-entry';
import { useSaveDraft } from '../api/use-dispense-mutations';
import { normalizeFormValues, type DispenseFormInput, type DispenseEntryInput } from './dispense-form-schema';
import { clearLocalDraft, writeLocalDraft } from './local-draft';

export const draftDelayMs = 800;

export function useDraftAutosave(prescriptionId: string, watch: UseFormWatch<DispenseFormInput>, enabled: boolean) {
  const saveDraft = useSaveDraft();
  const { mutate } = saveDraft;
  const lastSaved = useRef<string | null>(null);
  /** when the last incomplete list was kept locally */
  const [keptLocallyAt, setKeptLocallyAt] = useState<string | null>(null);

  useEffect(() => {
    if (!enabled) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const subscription = watch((values) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (!values.entries) return;
        const parsed = dispenseListSchema.safeParse(normalizeFormValues(values as DispenseFormInput).entries);
        if (!parsed.success) {
          const at = new Date().toISOString();
          if (writeLocalDraft(prescriptionId, values.entries as DispenseEntryInput[], at)) setKeptLocallyAt(at);
          return;
        }
        setKeptLocallyAt(null);
        const serialized = JSON.stringify(parsed.data);
        if (serialized === lastSaved.current) {
          // main already holds exactly this list: an older incomplete local copy is obsolete
          clearLocalDraft(prescriptionId);
          return;
        }
        lastSaved.current = serialized;
        mutate({ prescriptionId, entries: parsed.data }, { onSuccess: () => clearLocalDraft(prescriptionId) });
      }, draftDelayMs);
    });
    return () => {
      clearTimeout(timer);
      subscription.unsubscribe();
    };
  }, [prescriptionId, watch, enabled, mutate]);

  return { saveDraft, keptLocallyAt };
}
