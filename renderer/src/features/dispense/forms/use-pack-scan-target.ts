/**
 * Makes the open editor the target of pack scans (A_21105-02, lib/pack-scan-target.tsx): the scanned pack
 * fills the focused entry, counts up an entry with the same PZN and batch, or becomes a new entry
 * (entry-editing.ts). Registered only while the list can be edited.
 */
import { useCallback, useEffect, useRef } from 'react';
import type { UseFieldArrayAppend, UseFormReturn } from 'react-hook-form';
import type { PackCode } from '../../../../../shared/erezept/pack-code';
import { useFetchArticle } from '../../../api/articles/article-queries';
import { usePackTargetSlot, type PackScanOutcome } from '../../../lib/pack-scan-target';
import type { DispenseFormInput, DispenseFormOutput } from './dispense-form-schema';
import { applyPackScan, entryIndexOf } from './entry-editing';
import { newEntryKey } from './initial-entries';

interface Options {
  form: UseFormReturn<DispenseFormInput, unknown, DispenseFormOutput>;
  append: UseFieldArrayAppend<DispenseFormInput, 'entries'>;
  prescribedPzn?: string;
  today: string;
  enabled: boolean;
}

export function usePackScanTarget({ form, append, prescribedPzn, today, enabled }: Options): void {
  const fetchArticle = useFetchArticle();
  const { register } = usePackTargetSlot();
  // Scans apply one after the other, in the order they came, even while an article lookup is under way.
  const queue = useRef<Promise<unknown>>(Promise.resolve());

  const apply = async (code: PackCode): Promise<PackScanOutcome> => {
    const focusedIndex = entryIndexOf(document.activeElement);
    const article = code.pzn ? await fetchArticle(code.pzn) : undefined;
    const result = applyPackScan(form.getValues('entries'), {
      code,
      focusedIndex,
      article,
      prescribedPzn,
      today,
      newKey: newEntryKey,
    });
    const { outcome } = result;
    if (outcome.kind === 'added') append(result.entries[outcome.index]!, { shouldFocus: false });
    else if (outcome.kind === 'filled' || outcome.kind === 'counted') {
      form.setValue(`entries.${outcome.index}`, result.entries[outcome.index]!, {
        shouldDirty: true,
        shouldValidate: form.formState.isSubmitted,
      });
    }
    return outcome;
  };

  // The scan router keeps one stable function; it always calls the latest `apply`.
  const latest = useRef(apply);
  useEffect(() => {
    latest.current = apply;
  });
  const target = useCallback((code: PackCode): Promise<PackScanOutcome> => {
    const next = queue.current.then(() => latest.current(code));
    queue.current = next.catch(() => undefined);
    return next;
  }, []);
  useEffect(() => (enabled ? register(target) : undefined), [enabled, register, target]);
}
