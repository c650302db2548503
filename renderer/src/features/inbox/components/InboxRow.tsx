/**
 * One case in the inbox; the PrescriptionID is the button that opens it (keyboard: Tab + Enter). Memoised: `onOpen`
 * is the stable openCase and react-query keeps unchanged summaries identical (structural sharing), so a refreshed
 * list re-renders only the rows that changed (docs/performance.md, inbox-10k).
 */
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseSummary } from '../../../../../shared/ipc/contract';
import { CaseStatusBadge } from '../../../components/CaseStatusBadge';
import { isTRezept } from '../../../lib/flow-type';
import { formatDate, formatDateTime } from '../../../lib/format';

interface Props {
  summary: CaseSummary;
  onOpen(prescriptionId: string): void;
}

export const InboxRow = memo(function InboxRow({ summary: c, onOpen }: Props) {
  const { t } = useTranslation();
  const id = c.prescriptionId;
  const ended = c.status === 'rejected' || c.status === 'aborted';
  return (
    <tr data-testid={`inbox-row-${id}`} data-status={c.status} className={ended ? 'row-ended' : undefined}>
      <td>
        <button type="button" className="link-button mono nowrap" data-testid={`inbox-open-${id}`} onClick={() => onOpen(id)}>
          {id}
        </button>
        {isTRezept(c.flowType) ? (
          <span className="cell-sub">
            <span className="badge badge-t">{t('prescription.tRezept')}</span>
          </span>
        ) : null}
      </td>
      <td>
        {c.patientName ? <span className="cell-main">{c.patientName}</span> : <span className="muted">{t('inbox.erased')}</span>}
        {c.kvnr ? <span className="cell-sub mono">{c.kvnr}</span> : null}
      </td>
      <td>{c.medicationLabel ?? <span className="muted">–</span>}</td>
      <td>
        <CaseStatusBadge status={c.status} testId={`inbox-status-${id}`} />
        {c.hasUnsentChanges && c.status === 'dispensed' ? (
          <span className="cell-sub text-warning" data-testid={`inbox-unsent-${id}`}>
            {t('inbox.unsent')}
          </span>
        ) : null}
        {ended && c.endedAt ? (
          <span className="cell-sub muted">
            {t('inbox.endedAt', { time: formatDateTime(c.endedAt), staff: c.endedBy ?? '–' })}
          </span>
        ) : null}
      </td>
      <td className="nowrap">
        {c.acceptDate ? (
          <span className="cell-main">
            <span className="visually-hidden">{t('inbox.acceptUntil')} </span>
            {formatDate(c.acceptDate)}
          </span>
        ) : null}
        {c.expiryDate ? (
          <span className="cell-sub">
            <span className="visually-hidden">{t('inbox.expiryUntil')} </span>
            {formatDate(c.expiryDate)}
          </span>
        ) : null}
      </td>
      <td className="nowrap" data-testid={`inbox-last-dispense-${id}`}>
        {c.lastDispenseAt ? formatDateTime(c.lastDispenseAt) : <span className="muted">–</span>}
      </td>
      <td className="nowrap" data-testid={`inbox-close-deadline-${id}`} data-state={c.closeDeadlineState}>
        {c.closeDeadline ? (
          <>
            <span className="cell-main">{t('inbox.closeBy', { date: formatDate(c.closeDeadline) })}</span>
            {c.closeDeadlineState && c.closeDeadlineState !== 'open' ? (
              <span className={`badge badge-deadline-${c.closeDeadlineState}`}>{t(`inbox.deadline.${c.closeDeadlineState}`)}</span>
            ) : null}
          </>
        ) : (
          <span className="muted">–</span>
        )}
      </td>
    </tr>
  );
});
