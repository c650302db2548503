/**
 * The medication of one entry, by kind: a finished product by PZN (looked up in the article
 * catalogue), a Freitext, a Wirkstoff dispensation with its substances, or a Rezeptur with its components
 * (spec §6.4; the shared DispenseEntry schema decides what is required).
 */
import { useFieldArray } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { PharmacyFindingCodes } from '../../../../../shared/fhir/checks/pharmacy-checks';
import type { DispenseEntryInput } from './dispense-form-schema';
import { useEditorForm } from './editor-form';
import { FormField } from './FormField';
import { useArticleLookup, type LookupState } from './use-article-lookup';

type MedicationInput = DispenseEntryInput['medication'];

/** The pre-flight's check-digit finding at the PZN field (shared/fhir/checks/pharmacy-checks.ts). */
const checkDigitCodes: readonly string[] = [PharmacyFindingCodes.pznCheckDigit];

/** Short warnings under the PZN field itself. */
function LookupHint({ state }: { state: LookupState }) {
  const { t } = useTranslation();
  if (state.kind === 'missing') return <>{t('dispense.catalogMissing')}</>;
  if (state.kind === 'checksum') return <span className="text-warning">{t('dispense.pznChecksum')}</span>;
  return null;
}

/** The catalogue's article for the PZN, across the entry's full width (pack size, norm size, form). */
function ArticleFacts({ state, medication, testId }: { state: LookupState; medication: MedicationInput; testId: string }) {
  const { t } = useTranslation();
  if (state.kind !== 'found' || medication.kind !== 'pzn') return null;
  const facts = [medication.packSize, medication.normSize, medication.form].filter((f) => f !== undefined && f !== '');
  return (
    <p className="field-help field-wide" data-testid={testId}>
      {t('dispense.catalogFound', { name: state.article.name })}
      {facts.length > 0 ? ` (${facts.join(' · ')})` : ''}
    </p>
  );
}

function PznFields({ index, prefix, prescribedPzn, medication }: { index: number; prefix: string; prescribedPzn?: string; medication: MedicationInput }) {
  const { t } = useTranslation();
  const { state, lookUp } = useArticleLookup(index, prescribedPzn);
  return (
    <>
      <FormField
        name={`entries.${index}.medication.pzn`}
        label={t('dispense.pzn')}
        testId={`${prefix}-pzn`}
        className="field-pzn"
        inputProps={{ inputMode: 'numeric', autoComplete: 'off', maxLength: 8 }}
        options={{ onChange: (e: { target: { value: string } }) => void lookUp(e.target.value) }}
        hint={state.kind === 'missing' || state.kind === 'checksum' ? <LookupHint state={state} /> : undefined}
        // the check digit is said once: by the hint under the field, which shows while typing (issue 19 item 4)
        omitCodes={state.kind === 'checksum' ? checkDigitCodes : undefined}
      />
      <FormField name={`entries.${index}.medication.name`} label={t('dispense.name')} testId={`${prefix}-name`} className="field-name" />
      <ArticleFacts state={state} medication={medication} testId={`${prefix}-article`} />
    </>
  );
}

function IngredientFields({ index, prefix }: { index: number; prefix: string }) {
  const { t } = useTranslation();
  const { control } = useEditorForm();
  const { fields, append, remove } = useFieldArray({ control, name: `entries.${index}.medication.ingredients` as 'entries.0.medication.ingredients' });
  return (
    <fieldset className="sub-list field-wide" data-testid={`${prefix}-ingredients`}>
      <legend>{t('dispense.ingredients')}</legend>
      {fields.map((field, j) => (
        <div key={field.id} className="sub-row">
          <FormField
            name={`entries.${index}.medication.ingredients.${j}.name`}
            label={t('dispense.ingredientName', { n: j + 1 })}
            testId={`${prefix}-ingredient-${j}-name`}
          />
          <FormField
            name={`entries.${index}.medication.ingredients.${j}.strengthValue`}
            label={t('dispense.strength')}
            testId={`${prefix}-ingredient-${j}-strength`}
            type="number"
            inputProps={{ min: 0, step: 'any' }}
            options={{ valueAsNumber: true }}
          />
          <FormField
            name={`entries.${index}.medication.ingredients.${j}.strengthUnit`}
            label={t('dispense.unit')}
            testId={`${prefix}-ingredient-${j}-unit`}
            className="field-narrow"
          />
          <button
            type="button"
            className="button-secondary button-small"
            data-testid={`${prefix}-ingredient-${j}-remove`}
            disabled={fields.length <= 1}
            onClick={() => remove(j)}
          >
            {t('dispense.removeIngredient', { n: j + 1 })}
          </button>
        </div>
      ))}
      <button type="button" className="button-secondary button-small" data-testid={`${prefix}-ingredient-add`} onClick={() => append({ name: '' })}>
        {t('dispense.addIngredient')}
      </button>
    </fieldset>
  );
}

function ComponentFields({ index, prefix }: { index: number; prefix: string }) {
  const { t } = useTranslation();
  const { control } = useEditorForm();
  const { fields, append, remove } = useFieldArray({ control, name: `entries.${index}.medication.components` as 'entries.0.medication.components' });
  return (
    <fieldset className="sub-list field-wide" data-testid={`${prefix}-components`}>
      <legend>{t('dispense.components')}</legend>
      {fields.map((field, j) => (
        <div key={field.id} className="sub-row">
          <FormField
            name={`entries.${index}.medication.components.${j}.name`}
            label={t('dispense.componentName', { n: j + 1 })}
            testId={`${prefix}-component-${j}-name`}
          />
          <FormField
            name={`entries.${index}.medication.components.${j}.amount` as 'entries.0.medication.components.0.name'}
            label={t('dispense.componentAmount')}
            testId={`${prefix}-component-${j}-amount`}
            className="field-narrow"
          />
          <FormField
            name={`entries.${index}.medication.components.${j}.pzn` as 'entries.0.medication.components.0.name'}
            label={t('dispense.componentPzn')}
            testId={`${prefix}-component-${j}-pzn`}
            className="field-narrow"
            inputProps={{ inputMode: 'numeric', maxLength: 8 }}
          />
          <button
            type="button"
            className="button-secondary button-small"
            data-testid={`${prefix}-component-${j}-remove`}
            disabled={fields.length <= 1}
            onClick={() => remove(j)}
          >
            {t('dispense.removeComponent', { n: j + 1 })}
          </button>
        </div>
      ))}
      <button type="button" className="button-secondary button-small" data-testid={`${prefix}-component-add`} onClick={() => append({ name: '' })}>
        {t('dispense.addComponent')}
      </button>
    </fieldset>
  );
}

interface Props {
  index: number;
  prefix: string;
  medication: MedicationInput;
  prescribedPzn?: string;
}

export function MedicationFields({ index, prefix, medication, prescribedPzn }: Props) {
  const { t } = useTranslation();
  switch (medication.kind) {
    case 'pzn':
    case 'kombipackung':
      return <PznFields index={index} prefix={prefix} prescribedPzn={prescribedPzn} medication={medication} />;
    case 'freitext':
      return <FormField name={`entries.${index}.medication.text`} label={t('dispense.text')} testId={`${prefix}-name`} className="field-name" />;
    case 'wirkstoff':
      return (
        <>
          <FormField name={`entries.${index}.medication.name`} label={t('dispense.wirkstoffName')} testId={`${prefix}-name`} className="field-name" />
          <FormField name={`entries.${index}.medication.amount`} label={t('dispense.amount')} testId={`${prefix}-amount`} />
          <IngredientFields index={index} prefix={prefix} />
        </>
      );
    case 'rezeptur':
      return (
        <>
          <FormField name={`entries.${index}.medication.name`} label={t('dispense.rezepturName')} testId={`${prefix}-name`} className="field-name" />
          <FormField name={`entries.${index}.medication.amount`} label={t('dispense.amount')} testId={`${prefix}-amount`} />
          <ComponentFields index={index} prefix={prefix} />
        </>
      );
  }
}
