/**
 * The prescriber, folded to one line (issue 19 item 5): name and practice in the summary — enough to call back —
 * and qualification, LANR, BSNR, phone and address on demand.
 */
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { PrescriptionView } from '../../../../../shared/erezept/prescription';
import { Fact } from '../../../components/Fact';

interface Props {
  practitioner: PrescriptionView['practitioner'];
  organization: PrescriptionView['organization'];
}

export const PrescriberSection = memo(function PrescriberSection({ practitioner, organization }: Props) {
  const { t } = useTranslation();
  return (
    <details className="card card-fold" data-testid="prescription-prescriber">
      <summary>
        <span className="card-fold-title">{t('prescription.prescriber.title')}:</span>{' '}
        <span data-testid="prescriber-name">{practitioner.name}</span>
        {organization.name ? (
          <>
            {' · '}
            <span data-testid="prescriber-practice">{organization.name}</span>
          </>
        ) : null}
      </summary>
      <dl className="facts facts-dense">
        <Fact label={t('prescription.prescriber.qualification')}>{practitioner.qualification}</Fact>
        <Fact label={t('prescription.prescriber.lanr')}>{practitioner.lanr}</Fact>
        <Fact label={t('prescription.prescriber.bsnr')}>{organization.bsnr}</Fact>
        <Fact label={t('prescription.prescriber.phone')}>{organization.phone}</Fact>
        <Fact label={t('prescription.prescriber.address')}>{organization.address}</Fact>
      </dl>
    </details>
  );
});
