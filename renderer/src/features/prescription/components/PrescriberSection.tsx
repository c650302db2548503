import { useTranslation } from 'react-i18next';
import type { PrescriptionView } from '../../../../../shared/erezept/prescription';
import { Fact } from '../../../components/Fact';

interface Props {
  practitioner: PrescriptionView['practitioner'];
  organization: PrescriptionView['organization'];
}

export function PrescriberSection({ practitioner, organization }: Props) {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="prescriber-title" data-testid="prescription-prescriber">
      <h3 id="prescriber-title">{t('prescription.prescriber.title')}</h3>
      <dl className="facts">
        <Fact label={t('prescription.prescriber.name')} testId="prescriber-name">
          {practitioner.name}
        </Fact>
        <Fact label={t('prescription.prescriber.qualification')}>{practitioner.qualification}</Fact>
        <Fact label={t('prescription.prescriber.lanr')}>{practitioner.lanr}</Fact>
        <Fact label={t('prescription.prescriber.practice')} testId="prescriber-practice">
          {organization.name}
        </Fact>
        <Fact label={t('prescription.prescriber.bsnr')}>{organization.bsnr}</Fact>
        <Fact label={t('prescription.prescriber.phone')}>{organization.phone}</Fact>
        <Fact label={t('prescription.prescriber.address')}>{organization.address}</Fact>
      </dl>
    </section>
  );
}
