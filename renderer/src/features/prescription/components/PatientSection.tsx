import { useTranslation } from 'react-i18next';
import type { PrescriptionView } from '../../../../../shared/erezept/prescription';
import { Fact } from '../../../components/Fact';
import { formatDate } from '../../../lib/format';

export function PatientSection({ patient }: { patient: PrescriptionView['patient'] }) {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="patient-title" data-testid="prescription-patient">
      <h3 id="patient-title">{t('prescription.patient.title')}</h3>
      <dl className="facts">
        <Fact label={t('prescription.patient.name')} testId="patient-name">
          {patient.name}
        </Fact>
        <Fact label={t('prescription.patient.birthDate')} testId="patient-birth-date">
          {patient.birthDate ? formatDate(patient.birthDate) : undefined}
        </Fact>
        <Fact label={t('prescription.patient.kvnr')} testId="patient-kvnr">
          {patient.kvnr}
        </Fact>
        <Fact label={t('prescription.patient.address')}>{patient.address}</Fact>
      </dl>
    </section>
  );
}
