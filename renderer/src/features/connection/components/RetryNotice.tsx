/**
 * „Wird erneut versucht“ with „Abbrechen“ (docs/reliability.md, spec §8: backoff only for 408/500/503/504/507/509/512,
 * at most 10 tries, A_25460). Shown while main waits for the next attempt of a call; `retry-ended` removes it.
 * A cancelled call fails with code `cancelled`, which its own error display shows.
 */
import { useTranslation } from 'react-i18next';
import type { RetryProgress } from '../../../../../shared/ipc/contract';
import { useRetries, useRetryProgress } from '../../../api/connection/retry-progress';
import { useCancelRetry } from '../../../api/connection/use-connection-mutations';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { formatTimeWithSeconds } from '../../../lib/format';
import { appErrorOf } from '../../../lib/invoke';

function RetryNotice({ progress }: { progress: RetryProgress }) {
  const { t } = useTranslation();
  const cancel = useCancelRetry();
  return (
    <div
      className="hint hint-warning retry-notice"
      role="status"
      data-testid="retry-notice"
      data-prescription-id={progress.prescriptionId}
      data-operation={progress.operation}
      data-attempt={progress.attempt}
    >
      <p>
        <strong>
          {t('retry.progress', { attempt: progress.attempt, maxAttempts: progress.maxAttempts, time: formatTimeWithSeconds(progress.nextAttemptAt) })}
        </strong>
      </p>
      <p data-testid="retry-cause">{progress.cause || t('retry.lead')}</p>
      {progress.httpStatus !== undefined ? (
        <details className="alert-details" data-testid="retry-technical">
          <summary>{t('error.details')}</summary>
          <dl>
            <dt>{t('error.status')}</dt>
            <dd data-testid="retry-http-status">{progress.httpStatus}</dd>
          </dl>
        </details>
      ) : null}
      <p className="muted">
        {t('retry.about', { operation: t(`retry.operations.${progress.operation}`), prescriptionId: progress.prescriptionId })}
      </p>
      <button
        type="button"
        className="button-secondary button-small"
        data-testid="retry-cancel"
        disabled={cancel.isPending}
        onClick={() => cancel.mutate(progress.prescriptionId)}
      >
        {cancel.isPending ? t('retry.cancelling') : t('retry.cancel')}
      </button>
      {cancel.isError ? <ErrorAlert error={appErrorOf(cancel.error)} testId="retry-cancel-error" /> : null}
    </div>
  );
}

/** The retry of this case's running call, if any — placed next to the case's actions. */
export function CaseRetryNotice({ prescriptionId }: { prescriptionId: string }) {
  const progress = useRetryProgress(prescriptionId);
  return progress ? <RetryNotice progress={progress} /> : null;
}

/** Retries of prescriptions not on screen (a scan's GET ?ac, a queued operation running in the background). */
export function OtherRetryNotices({ except }: { except: string | null }) {
  const retries = Object.values(useRetries()).filter((p) => p.prescriptionId !== except);
  if (retries.length === 0) return null;
  return (
    <div className="retry-notices" data-testid="retry-notices">
      {retries.map((progress) => (
        <RetryNotice key={progress.prescriptionId} progress={progress} />
      ))}
    </div>
  );
}
