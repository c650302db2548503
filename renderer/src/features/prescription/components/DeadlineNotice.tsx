/**
 * The deadlines as findings from main, by the app's clock (the simulator's in training): a warning after the
 * Belieferungsfrist (A_23798: supply only as a private prescription, A_23799) and a block after the
 * Einlösefrist (A_23800: the prescription must not be supplied any more). The dates named are the Task's own
 * (main/services/deadline-findings.ts); the texts say what to do, without requirement ids.
 */
import { useTranslation } from 'react-i18next';
import type { CaseDetail } from '../../../../../shared/ipc/contract';
import { formatDate } from '../../../lib/format';

export function DeadlineNotice({ caseDetail }: { caseDetail: CaseDetail }) {
  const { t } = useTranslation();
  const findings = caseDetail.deadlineFindings;
  const blocked = findings.find((f) => f.severity === 'error');
  const warning = findings.find((f) => f.severity === 'warning');
  if (blocked) {
    return (
      <p className="hint hint-error" role="alert" data-testid="deadline-blocked" data-code={blocked.code}>
        <strong>{t('prescription.deadlines.expiredTitle')}</strong>{' '}
        {caseDetail.expiryDate ? t('prescription.deadlines.expired', { date: formatDate(caseDetail.expiryDate) }) : blocked.message}
      </p>
    );
  }
  if (warning) {
    return (
      <p className="hint hint-warning" role="status" data-testid="deadline-warning" data-code={warning.code}>
        <strong>{t('prescription.deadlines.acceptPassedTitle')}</strong>{' '}
        {caseDetail.acceptDate ? t('prescription.deadlines.acceptPassed', { date: formatDate(caseDetail.acceptDate) }) : warning.message}
      </p>
    );
  }
  return null;
}
