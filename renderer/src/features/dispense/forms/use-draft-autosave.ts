/**
 * Autosaves the dispense list as a draft (architecture §7) ~800 ms after the last change. A list that passes
 * the shared schema goes to main (`saveDraft`, which validates entries like $dispense); an incomplete one is
 * kept locally until it is complete (local-draft.ts), so a restart loses nothing.
 *
 * The last change is never dropped: while a change waits for its pause or is being saved the
 * status says so („wird gespeichert“ — nothing is reported as saved that is not), and when the editor goes
 * away before the pause is over (another case opened, the window closed or reloaded) the change is saved at
 * once instead of being forgotten with its timer.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { UseFormWatch } from 'react-hook-form';
import { dispenseListSchema } from '../../../../../shared/erezept/dispense-entry';
import { useSaveDraft } from '../../../api/dispense/use-dispense-mutations';
import { clearLocalDraft, writeLocalDraft } from '../../../lib/local-draft';
import { normalizeFormValues, type DispenseFormInput, type DispenseEntryInput } from './dispense-form-schema';

export const draftDelayMs = 800;

/**
 * Whether a change is not yet saved. A tiny store of its own, read only by the draft status: setting it on a
 * keystroke must not re-render the whole editor (docs/performance.md, typing-latency: one entry renders per
 * keystroke).
 */
export interface UnsavedChangeFlag {
  get(): boolean;
  subscribe(listener: () => void): () => void;
}

function createUnsavedChangeFlag(): UnsavedChangeFlag & { set(value: boolean): void } {
  let value = false;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    set(next) {
      if (next === value) return;
      value = next;
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

type FormValues = Parameters<Parameters<UseFormWatch<DispenseFormInput>>[0]>[0];

export function useDraftAutosave(prescriptionId: string, watch: UseFormWatch<DispenseFormInput>, enabled: boolean) {
  const saveDraft = useSaveDraft();
  const { mutateAsync } = saveDraft;
  const lastSaved = useRef<string | null>(null);
  /** when the last incomplete list was kept locally */
  const [keptLocallyAt, setKeptLocallyAt] = useState<string | null>(null);
  const [unsaved] = useState(createUnsavedChangeFlag);
  // Read by the effect's clean-up: false there means „disabled because $dispense/$close runs“, not „went away“.
  const enabledRef = useRef(enabled);
  useLayoutEffect(() => {
    enabledRef.current = enabled;
  }, [enabled]);

  useEffect(() => {
    if (!enabled) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let latest: FormValues | undefined;
    /** counts changes, so that a save that finishes after a newer change does not report „saved“ */
    let changes = 0;

    const save = (values: FormValues): void => {
      if (!values.entries) return;
      const savedChange = changes;
      const parsed = dispenseListSchema.safeParse(normalizeFormValues(values as DispenseFormInput).entries);
      if (!parsed.success) {
        const at = new Date().toISOString();
        if (writeLocalDraft(prescriptionId, values.entries as DispenseEntryInput[], at)) setKeptLocallyAt(at);
        unsaved.set(false);
        return;
      }
      setKeptLocallyAt(null);
      const serialized = JSON.stringify(parsed.data);
      if (serialized === lastSaved.current) {
        // main already holds exactly this list: an older incomplete local copy is obsolete
        clearLocalDraft(prescriptionId);
        unsaved.set(false);
        return;
      }
      lastSaved.current = serialized;
      // the promise settles even when the editor is gone by then (unlike mutate's per-call callbacks)
      mutateAsync({ prescriptionId, entries: parsed.data }).then(
        () => {
          clearLocalDraft(prescriptionId);
          if (changes === savedChange) unsaved.set(false);
        },
        () => {
          // shown as „Entwurf konnte nicht gespeichert werden“; the same list is tried again on the next change. Until
          // main has it (e.g. the pharmacy's shared database is unreachable, docs/multi-counter.md §6) a copy stays on
          // this computer, so a reload or a closed window does not lose it.
          writeLocalDraft(prescriptionId, values.entries as DispenseEntryInput[], new Date().toISOString());
          if (lastSaved.current === serialized) lastSaved.current = null;
          if (changes === savedChange) unsaved.set(false);
        },
      );
    };

    /** Saves a change still waiting for its pause now; a local copy first, in case the page is gone before main answers. */
    const flush = (): void => {
      if (timer === undefined || latest === undefined) return;
      clearTimeout(timer);
      timer = undefined;
      if (latest.entries) writeLocalDraft(prescriptionId, latest.entries as DispenseEntryInput[], new Date().toISOString());
      save(latest);
    };

    const subscription = watch((values) => {
      latest = values;
      changes++;
      unsaved.set(true);
      clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        save(values);
      }, draftDelayMs);
    });
    window.addEventListener('pagehide', flush);
    return () => {
      window.removeEventListener('pagehide', flush);
      subscription.unsubscribe();
      // Gone (another case, the window closed): the waiting change is saved now. Disabled while $dispense/$close
      // runs: dropped on purpose — a late draft must not race the submission, which carries the list anyway.
      if (enabledRef.current) flush();
      else {
        clearTimeout(timer);
        unsaved.set(false);
      }
    };
  }, [prescriptionId, watch, enabled, mutateAsync, unsaved]);

  return { saveDraft, keptLocallyAt, unsaved: unsaved as UnsavedChangeFlag };
}
