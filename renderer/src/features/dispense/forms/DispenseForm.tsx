/**
 * The dispense editor (spec §5, §6): the COMPLETE list of dispensed items as a field array. Every
 * submission sends the whole list, because the Fachdienst replaces what it had (A_26482, A_26481); the editor
 * stays editable after a $dispense and shows what changed since the list the Fachdienst last confirmed.
 * Pre-flight findings of both rule sets appear at their fields once the pharmacist worked on the entry
 * (finding-visibility.ts); a safety difference is confirmed there with a reason (OverrideControl). A refused submit
 * says „Nicht gesendet“ with every reason (RefusalNotice). Pack scans land here.
 * The form is rendered only once the case is loaded and takes the draft as its defaultValues.
 *
 * Typing stays cheap with many entries (docs/performance.md, typing-latency): the root watches the list only for the
 * deferred live checks, entries are memoised with stable callbacks, and each field subscribes to its own findings.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useState, type ReactNode } from 'react';
import { FormProvider, useFieldArray, useForm, useFormState, type FieldErrors } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { dispenseListSchema } from '../../../../../shared/erezept/dispense-entry';
import type { AppError, CaseDetail } from '../../../../../shared/ipc/contract';
import { useAppToday } from '../../../api/app-info/app-clock';
import { useCaseWrite } from '../../../api/cases/use-case-write';
import { usePatientPreview } from '../../../api/dispense/use-dispense-mutations';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { isExpired } from '../../../lib/deadlines';
import { formatTime } from '../../../lib/format';
import { appErrorOf } from '../../../lib/invoke';
import { clearLocalDraft, readLocalDraft } from '../../../lib/local-draft';
import { shortcuts, useShortcut } from '../../../lib/shortcuts';
import { ChangeList } from '../components/ChangeList';
import { PatientPreview } from '../components/PatientPreview';
import { DispenseEntryFields } from './DispenseEntryFields';
import { dispenseResolver } from './dispense-resolver';
import { normalizeFormValues, type DispenseEntryInput, type DispenseFormInput, type DispenseFormOutput } from './dispense-form-schema';
import { onlyRevealed, revealedEntries, workedOnBefore } from './finding-visibility';
import { sameList } from './entry-diff';
import { EditorFormProvider } from './editor-form';
import { duplicateEntry, entryIndexOf } from './entry-editing';
import { createFieldErrorsStore, FieldErrorsProvider } from './field-errors';
import { createFieldFindingsStore, FieldFindingsProvider } from './findings-context';
import { FindingText } from './FindingText';
import { fieldOfFindingPath } from './finding-paths';
import { DraftStatus, FormActions } from './FormActions';
import { blankEntry, initialEntries, newEntryKey, offersSubstitution, withoutSubstitution } from './initial-entries';
import { lastConfirmedDispenseAt } from './last-dispense';
import { isRefusal, reasonsOfFieldErrors, refusalOfAppError, refusalOfFindings, type Refusal } from './refusal';
import { RefusalNotice } from './RefusalNotice';
import { useDraftAutosave } from './use-draft-autosave';
import { useLiveChecks } from './use-live-checks';
import { usePackScanTarget } from './use-pack-scan-target';

interface Props {
  caseDetail: CaseDetail;
  /** the Kürzel the actions are done as; null = nobody chosen, so nothing may be sent */
  staff: string | null;
  /** the pharmacy's Telematik-ID (performer of every MedicationDispense) */
  telematikId: string;
  /** the case's „wird erneut versucht“ (spec §8: $dispense may be retried), shown next to the buttons that sent it */
  retryNotice?: ReactNode;
  /**
   * another counter holds the case (docs/multi-counter.md §4): the editor is read-only like a closed case's, saves
   * nothing and shows the list that counter saved last
   */
  heldElsewhere?: boolean;
}

type Notice = { kind: 'unchanged'; text: string } | null;

export function DispenseForm({ caseDetail, staff, telematikId, retryNotice, heldElsewhere = false }: Props) {
  const { t } = useTranslation();
  const { prescriptionId } = caseDetail;
  /** closed, returned or deleted: nothing can change any more */
  const locked = caseDetail.readOnly;
  /** nothing can be changed here: locked, or held at another counter */
  const readOnly = locked || heldElsewhere;
  // main's date (the simulator's in training): the hand-over date of new entries
  const appToday = useAppToday();
  const [today] = useState(appToday);
  const offerSubstitution = offersSubstitution(caseDetail);
  // An incomplete list kept locally is newer than the saved draft (local-draft.ts).
  const [restored] = useState(() => (readOnly ? undefined : readLocalDraft<DispenseEntryInput>(prescriptionId)));
  const [initial] = useState(() => {
    if (!restored) return initialEntries(caseDetail, today);
    return offerSubstitution ? restored.entries : withoutSubstitution(restored.entries);
  });
  // entries worked on in an earlier session show their findings at once (finding-visibility.ts)
  const [workedOn] = useState(() => new Set(initial.filter((e) => restored !== undefined || workedOnBefore(e, caseDetail)).map((e) => e.key)));
  const form = useForm<DispenseFormInput, unknown, DispenseFormOutput>({
    defaultValues: { entries: initial },
    resolver: dispenseResolver(t),
  });
  const { control, handleSubmit, setError, clearErrors, reset, watch, getValues, setFocus } = form;
  const { fields, append, remove, insert } = useFieldArray({ control, name: 'entries' });
  // reset() gives every field-array item a new id; keyed by the entry's own key the entries stay mounted instead of
  // being rebuilt (docs/performance.md, submit-overhead). Held at another counter
  // they are rebuilt with each list that counter saved (the reset below): a field the new list leaves empty would
  // otherwise keep what its input showed before (react-hook-form takes an input's own value for one it is not given).
  const reactKeys = useMemo(() => (heldElsewhere ? fields.map((field) => field.id) : stableEntryKeys(fields)), [fields, heldElsewhere]);
  const submitDispense = useCaseWrite('submitDispense');
  const closeCase = useCaseWrite('closeCase');
  const preview = usePatientPreview();
  const [failure, setFailure] = useState<AppError | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  /** a submit or close was attempted: every finding shows from then on */
  const [attempted, setAttempted] = useState(false);

  const expired = isExpired(caseDetail);
  const busy = submitDispense.isPending || closeCase.isPending;
  const canSend = !readOnly && staff !== null && !busy && !caseDetail.secretMissing && !expired;
  // No autosave while $dispense/$close runs: a late draft must not race the submission (disabling clears the timer).
  // Nor while another counter holds the case: its draft is its own, and a change typed here just before it took the
  // case over is dropped, not saved over that counter's list (main does not check drafts against the lease).
  const { saveDraft, keptLocallyAt, unsaved } = useDraftAutosave(prescriptionId, watch, !readOnly && staff !== null && !busy);
  const prescribed = caseDetail.prescription?.medication;
  const prescribedPzn = prescribed?.kind === 'pzn' ? prescribed.pzn : undefined;
  /** What is sent: without a substitution flag where none is offered (an older draft may still carry one, A_28417). */
  const toSend = <E extends { substituted?: boolean }>(entries: E[]): E[] => (offerSubstitution ? entries : withoutSubstitution(entries));

  const { values, grouped: allFindings, changes, changeByKey, unsent, findingsOf, blockingOf } = useLiveChecks(control, caseDetail, telematikId);
  const confirmed = caseDetail.confirmedEntries;
  // Which entries show their findings: as a string ('1' = shown), so the filtering below reruns only when one changed.
  const { touchedFields, dirtyFields } = useFormState({ control });
  const isRevealed = revealedEntries({
    attempted: attempted || heldElsewhere,
    workedOn,
    keys: (values.entries ?? []).map((e) => e?.key),
    touched: touchedFields.entries,
    dirty: dirtyFields.entries,
  });
  const revealedMask = (values.entries ?? []).map((_, i) => (isRevealed(i) ? '1' : '0')).join('');
  const grouped = useMemo(() => onlyRevealed(allFindings, (i) => revealedMask[i] === '1'), [allFindings, revealedMask]);
  // fields re-render only when their own findings changed (findings-context.tsx)
  const [fieldFindings] = useState(createFieldFindingsStore);
  useLayoutEffect(() => fieldFindings.publish(grouped.byField), [fieldFindings, grouped.byField]);
  // …and only when their own message changed (field-errors.tsx). react-hook-form changes `errors` in place, so they
  // are compared on every render of the form, which reads them below and so re-renders whenever they change.
  const [fieldErrors] = useState(createFieldErrorsStore);
  const formErrors = form.formState.errors;
  useLayoutEffect(() => fieldErrors.publish(formErrors));

  // Held at another counter: this editor follows what that counter saved (each save arrives as `case-changed`). The
  // case detail is read again before the case becomes this counter's (api/leases), so after „Übernehmen“ the editor
  // starts from that counter's last list. An incomplete list kept on this computer is older than that counter's
  // work now: it goes, or it would be restored over that list when the case is opened here again.
  useEffect(() => {
    if (!heldElsewhere) return;
    clearLocalDraft(prescriptionId);
    reset({ entries: initialEntries(caseDetail, today) });
  }, [heldElsewhere, prescriptionId, caseDetail, today, reset]);

  // ---- sending ------------------------------------------------------------------------------------------------
  /** A new attempt: what the last one said goes, and every finding shows from now on. */
  const startAttempt = () => {
    setAttempted(true);
    setFailure(null);
    setNotice(null);
    setRefusal(null);
  };

  /**
   * Main refused before sending (its pre-flight) → „Nicht gesendet“ with its reasons; any other failure → the error
   * alert. Findings go to their fields unless the live check shows the same there already (one message per problem).
   */
  const showFailure = (input: DispenseFormOutput) => (e: unknown) => {
    const appError = appErrorOf(e);
    if (isRefusal(appError)) setRefusal(refusalOfAppError(appError));
    else setFailure(appError);
    const live = new Set(findingsOf(input).map((f) => `${f.field ?? ''}|${f.code}`));
    for (const finding of appError.findings ?? []) {
      const field = fieldOfFindingPath(finding.path);
      if (field && !live.has(`${field}|${finding.code}`)) setError(field, { type: 'server', message: finding.message });
    }
  };

  /** The schema refused the list: nothing is sent, and every field message is listed, too. */
  const refuseInvalid = (errors: FieldErrors<DispenseFormInput>) => {
    startAttempt();
    setRefusal({ from: 'editor', reasons: reasonsOfFieldErrors(errors) });
  };

  /**
   * What blocks (blocksSending: errors, and safety differences not confirmed with a reason) stops the call before
   * anything is sent; the refusal lists every reason and the focus goes to the first field named.
   */
  const blockedByFindings = (input: DispenseFormOutput): boolean => {
    const blocking = blockingOf(input);
    if (blocking.length === 0) return false;
    setRefusal(refusalOfFindings(blocking));
    const first = blocking.find((f) => f.field);
    if (first?.field) setFocus(first.field);
    return true;
  };

  /**
   * A confirmed submit or close: the list on screen now IS the confirmed one. What the editor shows about it comes from
   * the answer (changes against `confirmedEntries`, use-live-checks.ts; every finding shows since the attempt), so
   * react-hook-form's dirty state is not read any more and the form is not `reset()`: that rewrote and re-registered
   * every field and re-rendered every entry (docs/performance.md, submit-overhead). Only a server message of an
   * earlier refused attempt goes.
   */
  const confirmedOnScreen = () => {
    if (Object.keys(form.formState.errors).length > 0) clearErrors();
  };

  const submit = handleSubmit((input) => {
    startAttempt();
    if (blockedByFindings(input)) return;
    // A list equal to the confirmed one would only notify the patient again (spec §3.4). After a lost
    // answer main reconciles instead, so then it is sent to main.
    if (confirmed && !caseDetail.outcomeUnknown && sameList(confirmed, input.entries)) {
      setNotice({ kind: 'unchanged', text: t('dispense.unchanged') });
      return;
    }
    submitDispense.mutate(
      { prescriptionId, entries: toSend(input.entries) },
      {
        onSuccess: (answer) => {
          if (answer.outcome !== 'sent') setNotice({ kind: 'unchanged', text: answer.notice ?? t(`dispense.outcomes.${answer.outcome}`) });
          confirmedOnScreen();
        },
        onError: showFailure(input),
      },
    );
  }, refuseInvalid);
  const close = handleSubmit((input) => {
    startAttempt();
    if (blockedByFindings(input)) return;
    closeCase.mutate({ prescriptionId, entries: toSend(input.entries) }, { onSuccess: confirmedOnScreen, onError: showFailure(input) });
  }, refuseInvalid);
  const openPreview = () => {
    const parsed = dispenseListSchema.safeParse(normalizeFormValues(getValues()).entries);
    preview.mutate({ prescriptionId, entries: parsed.success ? toSend(parsed.data) : undefined });
  };

  // ---- entries ------------------------------------------------------------------------------------------------
  // stable, so the memoised entries are not re-rendered by a new callback on every render of the form
  const duplicate = useCallback(
    (index: number) => insert(index + 1, duplicateEntry(getValues(`entries.${index}`), newEntryKey())),
    [insert, getValues],
  );
  const focusedEntry = () => entryIndexOf(document.activeElement);

  useShortcut(shortcuts.submitDispense, () => void submit(), canSend);
  useShortcut(shortcuts.closeCase, () => void close(), canSend);
  useShortcut(shortcuts.addEntry, () => append(blankEntry(today)), !readOnly);
  useShortcut(shortcuts.duplicateEntry, () => {
    const index = focusedEntry();
    if (index !== undefined) duplicate(index);
  }, !readOnly);
  useShortcut(shortcuts.removeEntry, () => {
    const index = focusedEntry();
    if (index !== undefined && fields.length > 1) remove(index);
  }, !readOnly);
  // the preview sends nothing: it stays for a case held elsewhere, showing that counter's list
  useShortcut(shortcuts.patientPreview, openPreview, !locked);

  usePackScanTarget({ form, append, prescribedPzn, today, enabled: !readOnly });

  const confirmedAt = lastConfirmedDispenseAt(caseDetail);
  const arrayError = formErrors.entries?.root?.message ?? formErrors.entries?.message;

  return (
    <FormProvider {...form}>
      <EditorFormProvider form={form}>
        <FieldFindingsProvider value={fieldFindings}>
          <FieldErrorsProvider value={fieldErrors}>
            <form
              className="dispense-form"
              data-testid="dispense-form"
              aria-labelledby="dispense-title"
              noValidate
              // Enter in a field must never send anything to the Fachdienst: only the buttons and shortcuts do.
              onSubmit={(e) => e.preventDefault()}
            >
              <div className="form-head">
                <h2 id="dispense-title">{t('dispense.title')}</h2>
                {!readOnly ? <DraftStatus savedAt={saveDraft.data?.savedAt} failed={saveDraft.isError} keptLocallyAt={keptLocallyAt} unsaved={unsaved} /> : null}
              </div>
              {locked ? (
                <p className="hint hint-info" data-testid="dispense-locked">
                  {t(caseDetail.status === 'closed' ? 'dispense.locked' : 'dispense.lockedEnded')}
                </p>
              ) : null}
              {!readOnly && staff === null ? (
                <p className="hint hint-warning" data-testid="dispense-needs-staff">
                  {t('dispense.needsStaff')}
                </p>
              ) : null}
              {!locked && expired ? (
                <p className="hint hint-error" data-testid="dispense-expired">
                  {t('dispense.expired')}
                </p>
              ) : null}
              {restored && !readOnly ? (
                <p className="hint hint-info" role="status" data-testid="draft-restored">
                  {t('dispense.draftRestored')}
                </p>
              ) : null}
              {grouped.general.length > 0 ? (
                <ul className="preflight-general" data-testid="preflight-findings">
                  {grouped.general.map((f, i) => (
                    <li key={i} data-testid={`preflight-finding-${i}`}>
                      <FindingText finding={f} />
                    </li>
                  ))}
                </ul>
              ) : null}
              <fieldset className="dispense-entries" disabled={readOnly}>
                <legend className="visually-hidden">{t('dispense.title')}</legend>
                {fields.map((field, index) => (
                  <DispenseEntryFields
                    key={reactKeys[index]}
                    index={index}
                    canRemove={fields.length > 1}
                    onRemove={remove}
                    onDuplicate={duplicate}
                    prescribedPzn={prescribedPzn}
                    offerSubstitution={offerSubstitution}
                    findings={grouped.byEntry.get(index) ?? []}
                    change={changeByKey.get(values.entries?.[index]?.key ?? '')}
                  />
                ))}
                {arrayError ? (
                  <p className="field-error" role="alert" data-testid="dispense-entries-error">
                    {arrayError}
                  </p>
                ) : null}
                <button
                  type="button"
                  className="button-secondary"
                  data-testid="add-entry"
                  aria-keyshortcuts="Alt+N"
                  onClick={() => append(blankEntry(today))}
                >
                  {t('dispense.add')} <kbd>Alt+N</kbd>
                </button>
              </fieldset>
              {changes && !locked ? (
                <section className="changes" aria-labelledby="changes-title" data-testid="dispense-changes" data-unsent={unsent}>
                  <h3 id="changes-title">{t('dispense.changesTitle')}</h3>
                  <ChangeList changes={changes} testId="dispense-diff" />
                </section>
              ) : null}
              {failure ? <ErrorAlert error={failure} testId="dispense-error" /> : null}
              {refusal ? <RefusalNotice refusal={refusal} /> : null}
              {notice?.kind === 'unchanged' ? (
                <p className="hint hint-info" role="status" data-testid="dispense-unchanged">
                  {notice.text}
                </p>
              ) : null}
              {preview.isError ? <ErrorAlert error={appErrorOf(preview.error)} testId="patient-preview-error" /> : null}
              {/* „wird erneut versucht“ next to the buttons that started the call (CaseView shows it for a locked case;
                  with a missing Secret only its recovery calls, which shows its own) */}
              {!locked && !caseDetail.secretMissing ? retryNotice : null}
              <FormActions
                canSend={canSend}
                canPreview={!locked}
                onSubmit={() => void submit()}
                onClose={() => void close()}
                onPreview={openPreview}
                submitting={submitDispense.isPending}
                closing={closeCase.isPending}
                previewing={preview.isPending}
              />
              {/* the last confirmation is no answer to a refused attempt: while „Nicht gesendet“ shows, it does not */}
              {confirmedAt && !locked && !refusal ? (
                <p className="confirmation" role="status" data-testid="dispense-confirmation">
                  {t('dispense.confirmation', { time: formatTime(confirmedAt) })}
                  {unsent ? (
                    <span className="text-warning" data-testid="dispense-unsent-changes">
                      {' – '}
                      {t('dispense.unsent')}
                    </span>
                  ) : null}
                </p>
              ) : null}
            </form>
          </FieldErrorsProvider>
          {preview.data && preview.variables ? <PatientPreview view={preview.data} onClose={() => preview.reset()} /> : null}
        </FieldFindingsProvider>
      </EditorFormProvider>
    </FormProvider>
  );
}

/** The entry's own key where it is unique in the list, else the field array's id (duplicates must not share one). */
export function stableEntryKeys(fields: readonly { id: string; key?: string }[]): string[] {
  const counts = new Map<string, number>();
  for (const field of fields) if (field.key) counts.set(field.key, (counts.get(field.key) ?? 0) + 1);
  return fields.map((field) => (field.key && counts.get(field.key) === 1 ? `entry:${field.key}` : field.id));
}
