/**
 * The prescribed medication of each KBV kind (PZN, Freitext, Wirkstoff, Rezeptur) with quantity, dosage and the
 * prescriber's marks — dense, name first in bold, the rest three to a row (issue 19 item 5: one screen).
 * Freitext prescriptions carry a reminder to check completeness incl. dosage (A_23802/A_23803).
 */
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { PrescriptionView } from '../../../../../shared/erezept/prescription';
import { Fact } from '../../../components/Fact';
import { IngredientList } from './IngredientList';
import { RequestFlags } from './RequestFlags';

type Medication = PrescriptionView['medication'];

function MedicationFacts({ medication }: { medication: Medication }) {
  const { t } = useTranslation();
  switch (medication.kind) {
    case 'pzn':
      return (
        <>
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
      return <Fact label={t('prescription.medication.form')}>{medication.form}</Fact>;
    case 'wirkstoff':
      return (
        <>
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

/** What is prescribed — the name, or a Freitext prescription's text — as the card's heading. */
function MedicationHeadline({ medication }: { medication: Medication }) {
  if (medication.kind === 'freitext') return <span data-testid="medication-text">{medication.text}</span>;
  return medication.name ? <span data-testid="medication-name">{medication.name}</span> : null;
}

const namedCategories = ['01', '02'] as const;
const isNamedCategory = (c: string | undefined): c is (typeof namedCategories)[number] =>
  c !== undefined && (namedCategories as readonly string[]).includes(c);

interface Props {
  medication: Medication;
  request: PrescriptionView['request'];
}

export const MedicationSection = memo(function MedicationSection({ medication, request }: Props) {
  const { t } = useTranslation();
  return (
    <section className="card card-compact" aria-labelledby="medication-title" data-testid="prescription-medication">
      <h3 id="medication-title" className="medication-headline">
        <span className="visually-hidden">{t('prescription.medication.title')}: </span>
        <MedicationHeadline medication={medication} />{' '}
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
      <dl className="facts facts-dense">
        <MedicationFacts medication={medication} />
        <Fact label={t('prescription.request.quantity')} testId="prescription-quantity">
          {String(request.quantity)}
        </Fact>
        <Fact label={t('prescription.request.dosage')} testId="prescription-dosage">
          {request.dosageText ?? (request.dosageFlag ? t('prescription.request.dosageFlag') : t('prescription.request.dosageNone'))}
        </Fact>
        <Fact label={t('prescription.request.note')}>{request.note}</Fact>
      </dl>
      <RequestFlags request={request} />
    </section>
  );
});
