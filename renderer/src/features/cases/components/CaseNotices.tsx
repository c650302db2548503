/**
 * What the pharmacist must know about a case before working on it: it was handed back or deleted (only id,
 * status, times and staff remain, A_19251), its Secret is missing (recover it, spec §3.3), or the answer to a
 * submission was lost (the next submission reconciles first, spec §3.6).
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetail } from '../../../../../shared/ipc/contract';
import { useCaseWrite } from '../../../api/cases/use-case-write';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { formatDateTime } from '../../../lib/format';
import { appErrorOf } from '../../../lib/invoke';

export function CaseEndedNotice({ caseDetail }: { caseDetail: CaseDetail }) {
  const { t } = useTranslation();
  const status = caseDetail.status === 'aborted' ? 'aborted' : 'rejected';
  return (
    <section className="hint hint-info case-ended" data-testid="case-ended" data-status={status}>
      <p>
        <strong>
          {t(`caseEnded.${status}`, {
            time: caseDetail.endedAt ? formatDateTime(caseDetail.endedAt) : '–',
            staff: caseDetail.endedBy ?? '–',
          })}
        </strong>
      </p>
      <p>{t('caseEnded.erased')}</p>
    </section>
  );
}

interface SecretRecoveryProps {
  caseDetail: CaseDetail;
  staff: string | null;
  /** the case's „wird erneut versucht“ (GET ?ac may be retried, spec §8), next to the button that started it */
  retryNotice?: ReactNode;
}

export function SecretRecovery({ caseDetail, staff, retryNotice }: SecretRecoveryProps) {
  const { t } = useTranslation();
  const recover = useCaseWrite('recoverSecret');
  return (
    <section className="hint hint-warning" data-testid="secret-missing" aria-live="polite">
      <p>{t('secret.missing')}</p>
      <button
        type="button"
        className="button-primary"
        data-testid="secret-recover"
        disabled={staff === null || recover.isPending}
        onClick={() => recover.mutate({ prescriptionId: caseDetail.prescriptionId })}
      >
        {recover.isPending ? t('secret.recovering') : t('secret.recover')}
      </button>
      {retryNotice}
      {recover.isError ? <ErrorAlert error={appErrorOf(recover.error)} testId="secret-recover-error" /> : null}
    </section>
  );
}

export function OutcomeUnknownNotice() {
  const { t } = useTranslation();
  return (
    <p className="hint hint-warning" role="status" data-testid="outcome-unknown">
      {t('dispense.outcomeUnknown')}
    </p>
  );
}
