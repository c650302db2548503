/**
 * What the editor shows while the pharmacist edits: the live pre-flight findings of both
 * rule sets (preflight.ts) and the changes since the list the Fachdienst last confirmed (entry-diff.ts). Both
 * run on a deferred copy of the form values, so typing stays fast.
 */
import { useDeferredValue, useMemo } from 'react';
import { useWatch, type Control } from 'react-hook-form';
import { blocksSending } from '../../../../../shared/erezept/findings';
import type { CaseDetail } from '../../../../../shared/ipc/contract';
import { noonOf, useAppToday } from '../../../api/app-info/app-clock';
import { useArticles } from '../../../api/articles/article-queries';
import type { DispenseFormInput, DispenseFormOutput } from './dispense-form-schema';
import { diffEntries } from './entry-diff';
import { groupFindings, preflightFindings, type PreflightContext } from './preflight';

export function useLiveChecks(control: Control<DispenseFormInput, unknown, DispenseFormOutput>, caseDetail: CaseDetail, telematikId: string) {
  // main's date (the simulator's in training), so the pre-flight agrees with main's
  const today = useAppToday();
  const watched = useWatch({ control }) as DispenseFormInput;
  const values = useDeferredValue(watched);
  const locked = caseDetail.readOnly;
  const prescribed = caseDetail.prescription?.medication;
  const pzns = useMemo(
    () => [
      ...(values.entries ?? []).map((e) => (e?.medication && 'pzn' in e.medication ? e.medication.pzn : undefined)),
      prescribed?.kind === 'pzn' ? prescribed.pzn : undefined,
    ],
    [values.entries, prescribed],
  );
  const { lookup: articles } = useArticles(pzns);

  const context = useMemo<PreflightContext>(
    () => ({
      prescriptionId: caseDetail.prescriptionId,
      kvnr: caseDetail.kvnr ?? caseDetail.prescription?.patient.kvnr,
      telematikId,
      prescription: caseDetail.prescription,
      flowType: caseDetail.flowType,
      acceptDate: caseDetail.acceptDate,
      expiryDate: caseDetail.expiryDate,
      today,
      // the rules compare German dates only (e.g. handover not in the future)
      now: noonOf(today),
      articles,
    }),
    [caseDetail.prescriptionId, caseDetail.kvnr, caseDetail.prescription, caseDetail.flowType, caseDetail.acceptDate, caseDetail.expiryDate, telematikId, today, articles],
  );
  const findings = useMemo(() => (locked || !values.entries ? [] : preflightFindings(values, context)), [locked, values, context]);
  const grouped = useMemo(() => groupFindings(findings), [findings]);
  const confirmed = caseDetail.confirmedEntries;
  const changes = useMemo(() => (confirmed && values.entries ? diffEntries(confirmed, values.entries) : undefined), [confirmed, values]);
  const changeByKey = useMemo(() => new Map(changes?.map((c) => [c.key, c])), [changes]);
  const unsent = changes?.some((c) => c.kind !== 'unchanged') ?? false;

  /** The pre-flight findings of a list about to be sent (computed now, not deferred). */
  const findingsOf = (entries: DispenseFormOutput) => preflightFindings(entries, context);
  /** What stops that list from being sent: errors, and safety findings not yet confirmed with a reason (docs/checks.md). */
  const blockingOf = (entries: DispenseFormOutput) => findingsOf(entries).filter(blocksSending);

  return { values, grouped, changes, changeByKey, unsent, findingsOf, blockingOf };
}
