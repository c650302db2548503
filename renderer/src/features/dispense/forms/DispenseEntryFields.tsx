/**
 * One dispensed item (one MedicationDispense, A_22071-02): article, packs of one batch (spec §5), batch and
 * expiry from the securPharm code (A_21105-02), hand-over date, a dosage only when the pharmacist changed
 * it (A_27036-01), and the substitution flag (A_28417).
 */
import { useTranslation } from 'react-i18next';
import { useFormContext, useWatch } from 'react-hook-form';
import type { DispenseFormInput } from './dispense-form-schema';
import { FormField } from './FormField';
import { useArticleLookup, type LookupState } from './use-article-lookup';

interface Props {
  index: number;
  canRemove: boolean;
  onRemove(): void;
  prescribedPzn: string | undefined;
}

function LookupHint({ state }: { state: LookupState }) {
  const { t } = useTranslation();
  switch (state.kind) {
    case 'found':
      return <>{t('dispense.catalogFound', { name: state.article.name })}</>;
    case 'missing':
      return <>{t('dispense.catalogMissing')}</>;
    case 'checksum':
      return <span className="text-warning">{t('dispense.pznChecksum')}</span>;
    case 'idle':
      return null;
  }
}

export function DispenseEntryFields({ index, canRemove, onRemove, prescribedPzn }: Props) {
  const { t } = useTranslation();
  const { control } = useFormContext<DispenseFormInput>();
  const kind = useWatch({ control, name: `entries.${index}.medication.kind` });
  const { state, lookUp } = useArticleLookup(index, prescribedPzn);
  const prefix = `dispense-entry-${index}`;
  const hasPzn = kind === 'pzn' || kind === 'kombipackung';
  const n = index + 1;
  return (
    <fieldset className="dispense-entry" data-testid={prefix}>
      <legend>
        {t('dispense.entry', { n })} <span className="badge">{t(`dispense.kinds.${kind}`)}</span>
      </legend>
      <div className="entry-grid">
        {hasPzn ? (
          <FormField
            name={`entries.${index}.medication.pzn`}
            label={t('dispense.pzn')}
            testId={`${prefix}-pzn`}
            className="field-pzn"
            inputProps={{ inputMode: 'numeric', autoComplete: 'off', maxLength: 8 }}
            options={{ onChange: (e: { target: { value: string } }) => lookUp(e.target.value) }}
            hint={state.kind === 'idle' ? undefined : <LookupHint state={state} />}
          />
        ) : null}
        <FormField
          name={kind === 'freitext' ? `entries.${index}.medication.text` : `entries.${index}.medication.name`}
          label={kind === 'freitext' ? t('dispense.text') : t('dispense.name')}
          testId={`${prefix}-name`}
          className="field-name"
        />
        <FormField
          name={`entries.${index}.packs`}
          label={t('dispense.packs')}
          testId={`${prefix}-packs`}
          type="number"
          className="field-packs"
          inputProps={{ min: 1, max: 999, step: 1 }}
          options={{ valueAsNumber: true }}
        />
        <FormField name={`entries.${index}.batch.lot`} label={t('dispense.batchLot')} testId={`${prefix}-batch`} inputProps={{ maxLength: 20 }} />
        <FormField name={`entries.${index}.batch.expiry`} label={t('dispense.batchExpiry')} testId={`${prefix}-expiry`} type="date" />
        <FormField name={`entries.${index}.whenHandedOver`} label={t('dispense.handedOver')} testId={`${prefix}-handed-over`} type="date" />
        <FormField name={`entries.${index}.dosageText`} label={t('dispense.dosage')} testId={`${prefix}-dosage`} className="field-wide" />
        <FormField
          name={`entries.${index}.substituted`}
          label={t('dispense.substituted')}
          testId={`${prefix}-substituted`}
          type="checkbox"
          className="field-wide"
        />
      </div>
      <button type="button" className="button-secondary" data-testid={`${prefix}-remove`} onClick={onRemove} disabled={!canRemove}>
        {t('dispense.remove', { n })}
      </button>
    </fieldset>
  );
}
