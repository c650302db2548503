import { useTranslation } from 'react-i18next';
import type { CaseStatus } from '../../../shared/ipc/contract';

export function CaseStatusBadge({ status, testId = 'case-status' }: { status: CaseStatus; testId?: string }) {
  const { t } = useTranslation();
  return (
    <span className={`badge badge-status badge-${status}`} data-testid={testId} data-status={status}>
      <span className="visually-hidden">{t('case.status')}: </span>
      {t(`case.statuses.${status}`)}
    </span>
  );
}
