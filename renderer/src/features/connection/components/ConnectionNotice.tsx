/**
 * The notice under the header while the Fachdienst is unreachable or disrupted (spec §9.3, A_23814–A_23816):
 * which hop failed and what to do, that drafts keep working, the technical detail for support, and
 * „Jetzt erneut versuchen“ (main checks the connection and runs every due pending operation). With several counters the
 * pharmacy's shared database is a hop of its own (docs/multi-counter.md §6, „Store outage“): then the notice names the
 * database, not the Fachdienst, and says that drafts wait in this window — main cannot save them meanwhile.
 */
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectionStatus } from '../../../../../shared/ipc/contract';
import { useConnection } from '../../../api/connection/use-connection';
import { useResumePendingOperations } from '../../../api/connection/use-connection-mutations';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { formatDateTime, formatTimeWithSeconds } from '../../../lib/format';
import { appErrorOf } from '../../../lib/invoke';

type Disturbed = Extract<ConnectionStatus['state'], 'offline' | 'degraded'>;

const isDisturbed = (state: ConnectionStatus['state']): state is Disturbed => state === 'offline' || state === 'degraded';

export const ConnectionNotice = memo(function ConnectionNotice({ onShowPending }: { onShowPending(): void }) {
  const { t } = useTranslation();
  const { data: status } = useConnection();
  const resume = useResumePendingOperations();
  if (!status || !isDisturbed(status.state)) return null;
  const state = status.state;
  // No answer at all points to the network; answers with server errors to the Fachdienst itself.
  const hop = status.failedHop ?? (state === 'offline' ? 'network' : 'fachdienst');
  const message = status.message ?? t(`connection.hopAdvice.${hop}`);
  const storeDown = hop === 'store';
  return (
    <section
      className={`connection-notice connection-notice-${state} no-print`}
      role="status"
      aria-label={t('connection.region')}
      data-testid="connection-notice"
      data-state={state}
      data-hop={hop}
    >
      <p className="connection-notice-title">
        <strong>{storeDown ? t('connection.storeNoticeTitle') : t(`connection.noticeTitle.${state}`)}</strong>{' '}
        <span className="muted">
          {t('connection.since', { time: formatDateTime(status.since) })}
          {status.lastCheckedAt ? `, ${t('connection.lastChecked', { time: formatTimeWithSeconds(status.lastCheckedAt) })}` : ''}
        </span>
      </p>
      <p data-testid="connection-notice-message">{message}</p>
      <p data-testid="connection-notice-hop">
        {t('connection.hop')}: <strong>{t(`connection.hops.${hop}`)}</strong>
      </p>
      <p className="muted">{storeDown ? t('connection.storeKeepWorking') : t('connection.keepWorking')}</p>
      <div className="connection-notice-actions">
        <button type="button" className="button-primary" data-testid="connection-retry" disabled={resume.isPending} onClick={() => resume.mutate()}>
          {resume.isPending ? t('connection.retrying') : t('connection.retry')}
        </button>
        {status.pendingCount > 0 ? (
          <button type="button" className="button-secondary" data-testid="connection-show-pending" aria-keyshortcuts="Alt+W" onClick={onShowPending}>
            {t('connection.pendingCount', { count: status.pendingCount })} <kbd>Alt+W</kbd>
          </button>
        ) : null}
      </div>
      {status.detail ? (
        <details className="alert-details" data-testid="connection-notice-details">
          <summary>{t('connection.details')}</summary>
          <code className="connection-detail">{status.detail}</code>
        </details>
      ) : null}
      {resume.isError ? <ErrorAlert error={appErrorOf(resume.error)} testId="connection-retry-error" /> : null}
    </section>
  );
});
