/**
 * The payer, folded to one line (issue 19 item 5): who pays and how the patient is insured stay visible in the
 * summary; IK number and Versichertenstatus open on demand.
 */
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { PrescriptionView } from '../../../../../shared/erezept/prescription';
import { Fact } from '../../../components/Fact';

const knownStatuses = ['1', '3', '5'] as const;
const isKnownStatus = (s: string): s is (typeof knownStatuses)[number] => (knownStatuses as readonly string[]).includes(s);

export const CoverageSection = memo(function CoverageSection({ coverage }: { coverage: PrescriptionView['coverage'] }) {
  const { t } = useTranslation();
  const status = coverage.status;
  return (
    <details className="card card-fold" data-testid="prescription-coverage">
      <summary>
        <span className="card-fold-title">{t('prescription.coverage.title')}:</span>{' '}
        <span data-testid="coverage-payor">{coverage.payorName}</span>
        {' · '}
        <span data-testid="coverage-kind">{t(`prescription.coverage.kinds.${coverage.kind}`)}</span>
      </summary>
      <dl className="facts facts-dense">
        <Fact label={t('prescription.coverage.iknr')}>{coverage.iknr}</Fact>
        <Fact label={t('prescription.coverage.status')}>
          {status ? (isKnownStatus(status) ? t(`prescription.coverage.statuses.${status}`) : status) : undefined}
        </Fact>
      </dl>
    </details>
  );
});
