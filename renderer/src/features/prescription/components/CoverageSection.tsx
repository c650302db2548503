import { useTranslation } from 'react-i18next';
import type { PrescriptionView } from '../../../../../shared/erezept/prescription';
import { Fact } from '../../../components/Fact';

const knownStatuses = ['1', '3', '5'] as const;
const isKnownStatus = (s: string): s is (typeof knownStatuses)[number] => (knownStatuses as readonly string[]).includes(s);

export function CoverageSection({ coverage }: { coverage: PrescriptionView['coverage'] }) {
  const { t } = useTranslation();
  const status = coverage.status;
  return (
    <section className="card" aria-labelledby="coverage-title" data-testid="prescription-coverage">
      <h3 id="coverage-title">{t('prescription.coverage.title')}</h3>
      <dl className="facts">
        <Fact label={t('prescription.coverage.payor')} testId="coverage-payor">
          {coverage.payorName}
        </Fact>
        <Fact label={t('prescription.coverage.kind')} testId="coverage-kind">
          {t(`prescription.coverage.kinds.${coverage.kind}`)}
        </Fact>
        <Fact label={t('prescription.coverage.iknr')}>{coverage.iknr}</Fact>
        <Fact label={t('prescription.coverage.status')}>
          {status ? (isKnownStatus(status) ? t(`prescription.coverage.statuses.${status}`) : status) : undefined}
        </Fact>
      </dl>
    </section>
  );
}
