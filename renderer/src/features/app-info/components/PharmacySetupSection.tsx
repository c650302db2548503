/**
 * „Apotheke & Personal“ in „Einstellungen & Info“ (issue 18, item 8): the staff list (Kürzel, name, active), this
 * counter's name and — in training — the pharmacy's name and Telematik-ID; over the TI they come from the SMC-B and
 * are shown, not edited. Nobody is deleted: a saved row can only be set inactive (its Kürzel names them in the
 * history), and its Kürzel stays as it is; only a row not saved yet can be removed again. Main checks every rule and
 * answers German problems per field, shown at the field; a save applies at once (header, staff switch).
 */
import { useId, useState } from 'react';
import { useFieldArray, useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { PharmacySetup, PharmacySetupInput, PharmacySetupProblem } from '../../../../../shared/ipc/contract';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { appErrorOf } from '../../../lib/invoke';
import { usePharmacySetup, useSavePharmacySetup } from '../../../api/app-info/pharmacy-setup-query';

interface SetupForm {
  /** `saved`: the row came from main — its Kürzel is fixed and it cannot be removed */
  staff: Array<{ kuerzel: string; name: string; active: boolean; saved: boolean }>;
  counterName: string;
  pharmacyName: string;
  telematikId: string;
}

function formOf(setup: PharmacySetup): SetupForm {
  return {
    staff: setup.staff.map((member) => ({ ...member, saved: true })),
    counterName: setup.counterName,
    pharmacyName: setup.pharmacy.name,
    telematikId: setup.pharmacy.telematikId,
  };
}

function inputOf(form: SetupForm, pharmacyEditable: boolean): PharmacySetupInput {
  return {
    staff: form.staff.map(({ kuerzel, name, active }) => ({ kuerzel, name, active })),
    counterName: form.counterName,
    ...(pharmacyEditable ? { pharmacy: { name: form.pharmacyName, telematikId: form.telematikId } } : {}),
  };
}

export function PharmacySetupSection() {
  const { t } = useTranslation();
  const titleId = useId();
  const query = usePharmacySetup();
  return (
    <section className="settings-section" aria-labelledby={titleId} data-testid="pharmacy-setup">
      <h3 id={titleId}>{t('pharmacySetup.title')}</h3>
      {query.isPending ? (
        <p className="muted">{t('pharmacySetup.loading')}</p>
      ) : query.isError ? (
        <ErrorAlert error={appErrorOf(query.error)} testId="pharmacy-setup-error" />
      ) : (
        <PharmacySetupForm setup={query.data} />
      )}
    </section>
  );
}

function PharmacySetupForm({ setup }: { setup: PharmacySetup }) {
  const { t } = useTranslation();
  const save = useSavePharmacySetup();
  const [problems, setProblems] = useState<PharmacySetupProblem[]>([]);
  const [saved, setSaved] = useState(false);
  const { register, handleSubmit, control, reset, formState } = useForm<SetupForm>({ defaultValues: formOf(setup) });
  const { fields, append, remove } = useFieldArray({ control, name: 'staff' });
  const pharmacyEditable = setup.pharmacySource === 'settings';
  const at = (field: string) => problems.filter((p) => p.field === field);
  const invalid = (field: string) => (at(field).length > 0 ? true : undefined);

  const submit = handleSubmit((form) => {
    setSaved(false);
    save.mutate(inputOf(form, pharmacyEditable), {
      onSuccess: (result) => {
        setProblems(result.problems);
        if (!result.saved) return;
        setSaved(true);
        reset(formOf(result.setup));
      },
    });
  });

  return (
    <form className="ti-settings-form" noValidate onSubmit={(e) => void submit(e)}>
      <fieldset className="ti-settings-group">
        <legend>{t('pharmacySetup.staffTitle')}</legend>
        <Problems list={at('staff')} />
        <table className="setup-staff">
          <thead>
            <tr>
              <th scope="col">{t('pharmacySetup.kuerzel')}</th>
              <th scope="col">{t('pharmacySetup.name')}</th>
              <th scope="col">{t('pharmacySetup.active')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('pharmacySetup.remove')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {fields.map((row, index) => {
              const path = `staff.${index}` as const;
              return (
                <tr key={row.id} data-testid="setup-staff-row" data-kuerzel={row.saved ? row.kuerzel : undefined}>
                  <td>
                    <input
                      type="text"
                      data-testid="setup-staff-kuerzel"
                      aria-label={t('pharmacySetup.kuerzelOf', { row: index + 1 })}
                      readOnly={row.saved}
                      autoCapitalize="characters"
                      size={8}
                      aria-invalid={invalid(`${path}.kuerzel`)}
                      {...register(`${path}.kuerzel`)}
                    />
                    <Problems list={at(`${path}.kuerzel`)} />
                  </td>
                  <td>
                    <input
                      type="text"
                      data-testid="setup-staff-name"
                      aria-label={t('pharmacySetup.nameOf', { row: index + 1 })}
                      aria-invalid={invalid(`${path}.name`)}
                      {...register(`${path}.name`)}
                    />
                    <Problems list={at(`${path}.name`)} />
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      data-testid="setup-staff-active"
                      aria-label={t('pharmacySetup.activeOf', { kuerzel: row.kuerzel || t('pharmacySetup.newMember') })}
                      {...register(`${path}.active`)}
                    />
                  </td>
                  <td>
                    {row.saved ? null : (
                      <button
                        type="button"
                        className="button-secondary button-small"
                        data-testid="setup-staff-remove"
                        aria-label={t('pharmacySetup.removeOf', { row: index + 1 })}
                        onClick={() => {
                          remove(index);
                          // the problems name rows by position: after a removal they would point at the wrong ones
                          setProblems([]);
                        }}
                      >
                        {t('pharmacySetup.remove')}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <button
          type="button"
          className="button-secondary button-small"
          data-testid="setup-staff-add"
          onClick={() => append({ kuerzel: '', name: '', active: true, saved: false })}
        >
          {t('pharmacySetup.add')}
        </button>
        <p className="muted">{t('pharmacySetup.staffHint')}</p>
      </fieldset>

      <div className="field">
        <label htmlFor="setup-counter-name">{t('pharmacySetup.counterName')}</label>
        <input
          id="setup-counter-name"
          type="text"
          data-testid="setup-counter-name"
          placeholder={t('pharmacySetup.counterNamePlaceholder')}
          aria-invalid={invalid('counterName')}
          {...register('counterName')}
        />
        <p className="field-help">{t('pharmacySetup.counterNameHint')}</p>
        <Problems list={at('counterName')} />
      </div>

      <fieldset className="ti-settings-group">
        <legend>{t('pharmacySetup.pharmacyTitle')}</legend>
        <Problems list={at('pharmacy')} />
        <div className="field">
          <label htmlFor="setup-pharmacy-name">{t('pharmacySetup.pharmacyName')}</label>
          <input
            id="setup-pharmacy-name"
            type="text"
            data-testid="setup-pharmacy-name"
            readOnly={!pharmacyEditable}
            aria-invalid={invalid('pharmacy.name')}
            {...register('pharmacyName')}
          />
          <Problems list={at('pharmacy.name')} />
        </div>
        <div className="field">
          <label htmlFor="setup-telematik-id">{t('pharmacySetup.telematikId')}</label>
          <input
            id="setup-telematik-id"
            type="text"
            data-testid="setup-telematik-id"
            readOnly={!pharmacyEditable}
            spellCheck={false}
            aria-invalid={invalid('pharmacy.telematikId')}
            {...register('telematikId')}
          />
          <Problems list={at('pharmacy.telematikId')} />
        </div>
        <p className="muted" data-testid="setup-pharmacy-source" data-source={setup.pharmacySource}>
          {pharmacyEditable ? t('pharmacySetup.pharmacyTrainingHint') : t('pharmacySetup.pharmacyFromCard')}
        </p>
      </fieldset>

      <div className="ti-settings-actions">
        <button type="submit" data-testid="setup-save" disabled={save.isPending}>
          {save.isPending ? t('pharmacySetup.saving') : t('pharmacySetup.save')}
        </button>
        {saved && !formState.isDirty ? (
          <p role="status" className="ti-settings-saved" data-testid="setup-saved">
            {t('pharmacySetup.saved')}
          </p>
        ) : null}
        {problems.length > 0 ? <p role="alert">{t('pharmacySetup.notSaved')}</p> : null}
      </div>
      {save.isError ? <ErrorAlert error={appErrorOf(save.error)} testId="setup-error" /> : null}
    </form>
  );
}

function Problems({ list }: { list: PharmacySetupProblem[] }) {
  return (
    <>
      {list.map((p) => (
        <p key={`${p.field}:${p.message}`} className="field-error" data-testid="setup-problem" data-field={p.field}>
          {p.message}
        </p>
      ))}
    </>
  );
}
