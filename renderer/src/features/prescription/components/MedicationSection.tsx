/**
 * The prescribed medication of each KBV kind (PZN, Freitext, Wirkstoff, Rezeptur) with quantity and dosage.
 * Freitext prescriptions carry a reminder to check completeness incl. dosage (A_23802/A_23803).
 */
import { useTranslation } from 'react-i18next';
import type { PrescriptionView } from '../../../../../shared/erezept/prescription';
import { Fact } from '../../../components/Fact';
import { IngredientList } from './IngredientList';

type Medication = PrescriptionView['medication'];

function MedicationFacts({ medication }: { medication: Medication }) {
  const { t } = useTranslation();
  switch (medication.kind) {
    case 'pzn':
      return (
        <>
          <Fact label={t('prescription.medication.name')} testId="medication-name">
            {medication.name}
          </Fact>
          <Fact label={t('prescription.medication.pzn')} testId="medication-pzn">
            {medication.pzn}
          </Fact>
          <Fact label={t('prescription.medication.packSize')} testId="medication-pack-size">
            {medication.amount}
          </Fact>
          <Fact label={t('prescription.medication.normSize')} testId="medication-norm-size">
            {medication.normSize}
          </Fact>
          <Fact label={t('prescription.medication.form')}>{medication.form}</Fact>
        </>
      );
    case 'freitext':
      return (
        <>
          <Fact label={t('prescription.medication.text')} testId="medication-text">
            {medication.text}
          </Fact>
          <Fact label={t('prescription.medication.form')}>{medication.form}</Fact>
        </>
      );
    case 'wirkstoff':
      return (
        <>
          <Fact label={t('prescription.medication.name')} testId="medication-name">
            {medication.name}
          </Fact>
          <Fact label={t('prescription.medication.ingredients')}>
            <IngredientList ingredients={medication.ingredients} testId="medication-ingredients" />
          </Fact>
          <Fact label={t('prescription.medication.form')}>{medication.form}</Fact>
          <Fact label={t('prescription.medication.amount')}>{medication.amount}</Fact>
        </>
      );
    case 'rezeptur':
      return (
        <>
          <Fact label={t('prescription.medication.name')} testId="medication-name">
            {medication.name}
          </Fact>
          <Fact label={t('prescription.medication.components')}>
            <IngredientList ingredients={medication.ingredients} testId="medication-components" />
          </Fact>
          <Fact label={t('prescription.medication.form')}>{medication.form}</Fact>
          <Fact label={t('prescription.medication.amount')}>{medication.amount}</Fact>
          <Fact label={t('prescription.medication.instructions')}>{medication.instructions}</Fact>
          <Fact label={t('prescription.medication.packaging')}>{medication.packaging}</Fact>
        </>
      );
  }
}

const namedCategories = ['01', '02'] as const;
const isNamedCategory = (c: string | undefined): c is (typeof namedCategories)[number] =>
  c !== undefined && (namedCategories as readonly string[]).includes(c);

interface Props {
  medication: Medication;
  request: PrescriptionView['request'];
}

export function MedicationSection({ medication, request }: Props) {
  const { t } = useTranslation();
  return (
    <section className="card card-wide" aria-labelledby="medication-title" data-testid="prescription-medication">
      <h3 id="medication-title">
        {t('prescription.medication.title')}{' '}
        <span className="badge" data-testid="medication-kind">
          {t(`prescription.medication.kinds.${medication.kind}`)}
        </span>
        {isNamedCategory(medication.category) ? (
          <span className="badge badge-warning"> {t(`prescription.medication.categories.${medication.category}`)}</span>
        ) : null}
        {medication.vaccine ? <span className="badge"> {t('prescription.medication.vaccine')}</span> : null}
      </h3>
      {medication.kind === 'freitext' ? (
        <p className="hint hint-warning" data-testid="freitext-hint">
          {t('prescription.medication.freitextHint')}
        </p>
      ) : null}
      <dl className="facts">
        <MedicationFacts medication={medication} />
        <Fact label={t('prescription.request.quantity')} testId="prescription-quantity">
          {String(request.quantity)}
        </Fact>
        <Fact label={t('prescription.request.dosage')} testId="prescription-dosage">
          {request.dosageText ?? (request.dosageFlag ? t('prescription.request.dosageFlag') : t('prescription.request.dosageNone'))}
        </Fact>
        <Fact label={t('prescription.request.note')}>{request.note}</Fact>
      </dl>
    </section>
  );
}
