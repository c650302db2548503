/** The patient in one dense row — name, birth date, KVNR — and the address below (issue 19 item 5: one screen). */
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { PrescriptionView } from '../../../../../shared/erezept/prescription';
import { Fact } from '../../../components/Fact';
import { formatDate } from '../../../lib/format';

export const PatientSection = memo(function PatientSection({ patient }: { patient: PrescriptionView['patient'] }) {
  const { t } = useTranslation();
  return (
    <section className="card card-compact" aria-labelledby="patient-title" data-testid="prescription-patient">
      {/* the name's label says „Patient“: the heading is for screen readers only, the card stays one row */}
      <h3 id="patient-title" className="visually-hidden">
        {t('prescription.patient.title')}
      </h3>
      <dl className="facts facts-dense">
        <Fact label={t('prescription.patient.title')} testId="patient-name">
          {patient.name}
        </Fact>
        <Fact label={t('prescription.patient.birthDate')} testId="patient-birth-date">
          {patient.birthDate ? formatDate(patient.birthDate) : undefined}
        </Fact>
        <Fact label={t('prescription.patient.kvnr')} testId="patient-kvnr">
          {patient.kvnr}
        </Fact>
      </dl>
      {patient.address ? (
        <p className="card-line muted" data-testid="patient-address">
          {patient.address}
        </p>
      ) : null}
    </section>
  );
});
