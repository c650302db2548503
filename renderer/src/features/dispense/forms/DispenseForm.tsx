/**
 * The dispense editor (issue 5 item 4): the COMPLETE list of dispensed items as a field array. Every
 * submission sends the whole list, because the Fachdienst replaces what it had (A_26482, A_26481).
 * The form is rendered only once the case is loaded and takes the draft as its defaultValues.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormProvider, useFieldArray, useForm } from 'react-hook-form';
import { berlinDate } from '../../../../../shared/erezept/dates';
import type { AppError, CaseDetail } from '../../../../../shared/ipc/contract';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { formatTime } from '../../../lib/format';
import { appErrorOf } from '../../../lib/invoke';
import { shortcuts, useShortcut } from '../../../lib/shortcuts';
import { useCloseCase, useSubmitDispense } from '../api/use-dispense-mutations';
import { DispenseEntryFields } from './DispenseEntryFields';
import { dispenseResolver } from './dispense-resolver';
import type { DispenseFormInput, DispenseFormOutput } from './dispense-form-schema';
import { fieldOfFindingPath } from './finding-paths';
import { blankEntry, initialEntries } from './initial-entries';
import { isLocked, lastConfirmedDispenseAt } from './last-dispense';
import { useDraftAutosave } from './use-draft-autosave';

interface Props {
  caseDetail: CaseDetail;
  /** the Kürzel the actions are done as; null = nobody chosen, so nothing may be sent */
  staff: string | null;
}

export function DispenseForm({ caseDetail, staff }: Props) {
  const { t } = useTranslation();
  const { prescriptionId } = caseDetail;
  const [today] = useState(() => berlinDate(new Date()));
  const form = useForm<DispenseFormInput, unknown, DispenseFormOutput>({
    defaultValues: { entries: initialEntries(caseDetail, today) },
    resolver: dispenseResolver(t),
  });
  const { control, handleSubmit, setError, reset, watch, formState } = form;
  const { fields, append, remove } = useFieldArray({ control, name: 'entries' });
  const submitDispense = useSubmitDispense();
  const closeCase = useCloseCase();
  const [failure, setFailure] = useState<AppError | null>(null);

  const locked = isLocked(caseDetail);
  const canAct = !locked && staff !== null && !submitDispense.isPending && !closeCase.isPending;
  // No autosave while $dispense/$close runs: a late draft must not race the submission (disabling clears the timer).
  const saveDraft = useDraftAutosave(prescriptionId, watch, canAct);
  const prescribed = caseDetail.prescription?.medication;
  const prescribedPzn = prescribed?.kind === 'pzn' ? prescribed.pzn : undefined;

  const showFailure = (e: unknown) => {
    const appError = appErrorOf(e);
    setFailure(appError);
    for (const finding of appError.findings ?? []) {
      const field = fieldOfFindingPath(finding.path);
      if (field) setError(field, { type: 'server', message: finding.message });
    }
  };

  const submit = handleSubmit((values) => {
    setFailure(null);
    submitDispense.mutate(
      { prescriptionId, entries: values.entries },
      // The submitted list is the new baseline: later edits show as "not yet submitted".
      { onSuccess: () => reset(values), onError: showFailure },
    );
  });
  const close = handleSubmit((values) => {
    setFailure(null);
    closeCase.mutate({ prescriptionId, entries: values.entries }, { onSuccess: () => reset(values), onError: showFailure });
  });

  useShortcut(shortcuts.submitDispense, () => void submit(), canAct);
  useShortcut(shortcuts.closeCase, () => void close(), canAct);

  const confirmedAt = lastConfirmedDispenseAt(caseDetail);
  const arrayError = formState.errors.entries?.root?.message ?? formState.errors.entries?.message;

  return (
    <FormProvider {...form}>
      <form
        className="dispense-form"
        data-testid="dispense-form"
        aria-labelledby="dispense-title"
        noValidate
        // Enter in a field must never send anything to the Fachdienst: only the buttons and shortcuts do.
        onSubmit={(e) => e.preventDefault()}
      >
        <h2 id="dispense-title">{t('dispense.title')}</h2>
        {locked ? (
          <p className="hint hint-info" data-testid="dispense-locked">
            {t('dispense.locked')}
          </p>
        ) : null}
        {!locked && staff === null ? (
          <p className="hint hint-warning" data-testid="dispense-needs-staff">
            {t('dispense.needsStaff')}
          </p>
        ) : null}
        <fieldset className="dispense-entries" disabled={locked}>
          <legend className="visually-hidden">{t('dispense.title')}</legend>
          {fields.map((field, index) => (
            <DispenseEntryFields
              key={field.id}
              index={index}
              canRemove={fields.length > 1}
              onRemove={() => remove(index)}
              prescribedPzn={prescribedPzn}
            />
          ))}
          {arrayError ? (
            <p className="field-error" role="alert" data-testid="dispense-entries-error">
              {arrayError}
            </p>
          ) : null}
          <button type="button" className="button-secondary" data-testid="add-entry" onClick={() => append(blankEntry(today))}>
            {t('dispense.add')}
          </button>
        </fieldset>
        {failure ? <ErrorAlert error={failure} testId="dispense-error" /> : null}
        <div className="form-actions">
          <button
            type="button"
            className="button-primary"
            data-testid="submit-dispense"
            aria-keyshortcuts="Alt+Ü Control+Enter"
            title={t('dispense.submitShortcut')}
            disabled={!canAct}
            onClick={() => void submit()}
          >
            {t('dispense.submit')} <kbd>{t('dispense.submitShortcut')}</kbd>
          </button>
          <button
            type="button"
            className="button-primary"
            data-testid="close-case"
            aria-keyshortcuts="Alt+A"
            title={t('dispense.closeShortcut')}
            disabled={!canAct}
            onClick={() => void close()}
          >
            {t('dispense.close')} <kbd>{t('dispense.closeShortcut')}</kbd>
          </button>
          <div className="form-status" role="status">
            {submitDispense.isPending ? t('dispense.submitting') : null}
            {closeCase.isPending ? t('dispense.closing') : null}
            {saveDraft.isError ? (
              <span className="text-warning" data-testid="draft-status">
                {t('dispense.draftFailed')}
              </span>
            ) : saveDraft.data ? (
              <span className="muted" data-testid="draft-status">
                {t('dispense.draftSaved', { time: formatTime(saveDraft.data.savedAt) })}
              </span>
            ) : null}
          </div>
        </div>
        {confirmedAt && !locked ? (
          <p className="confirmation" role="status" data-testid="dispense-confirmation">
            {t('dispense.confirmation', { time: formatTime(confirmedAt) })}
            {formState.isDirty ? (
              <span className="text-warning" data-testid="dispense-unsent-changes">
                {' – '}
                {t('dispense.unsent')}
              </span>
            ) : null}
          </p>
        ) : null}
      </form>
    </FormProvider>
  );
}
