/**
 * One operation owed to the Fachdienst, or one the app finished on its own (docs/reliability.md, before every call):
 * what, for which prescription, why it waits or what came of it. Only a queued one (offline / rate-limited) can be
 * discarded; one whose answer was lost must be reconciled first (GET ?ac / ?secret), or a claim or list could be
 * lost.
 */
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { PendingOperation } from '../../../../../shared/ipc/contract';
import { formatDateTime, formatTime } from '../../../lib/format';

const canDiscard = (op: PendingOperation): boolean => op.state === 'pending' && (op.reason === 'offline' || op.reason === 'rate-limited');

interface Props {
  operation: PendingOperation;
  onOpenCase(): void;
  onDiscard(): void;
}

export function PendingOperationRow({ operation: op, onOpenCase, onDiscard }: Props) {
  const { t } = useTranslation();
  const operationName = t(`pending.operations.${op.operation}`);
  return (
    <tr
      data-testid="pending-operation"
      data-id={op.id}
      data-prescription-id={op.prescriptionId}
      data-operation={op.operation}
      data-state={op.state}
      data-reason={op.reason}
      className={op.state === 'pending' ? 'pending-row-open' : 'pending-row-finished'}
    >
      <td>
        <button
          type="button"
          className="link-button mono nowrap"
          data-testid="pending-open-case"
          aria-label={t('pending.openCase', { prescriptionId: op.prescriptionId })}
          onClick={onOpenCase}
        >
          {op.prescriptionId}
        </button>
      </td>
      <td data-testid="pending-operation-name">{operationName}</td>
      <td data-testid="pending-state">
        {op.state === 'pending' ? (
          <span className="cell-main text-warning" data-testid="pending-reason">
            {reasonText(t, op)}
          </span>
        ) : (
          <span className={`badge badge-pending-${op.state}`}>
            {t(`pending.states.${op.state}`)}
            {op.completedAt ? ` ${t('pending.completedAt', { time: formatDateTime(op.completedAt) })}` : ''}
          </span>
        )}
        {op.message ? (
          <span className="cell-sub" data-testid="pending-message">
            {op.message}
          </span>
        ) : null}
      </td>
      <td>{op.staff}</td>
      <td className="nowrap">{formatDateTime(op.createdAt)}</td>
      <td data-testid="pending-attempts">{op.attempts}</td>
      <td>
        {canDiscard(op) ? (
          <button
            type="button"
            className="button-secondary button-small"
            data-testid="pending-cancel"
            aria-label={t('pending.cancelLabel', { operation: operationName, prescriptionId: op.prescriptionId })}
            onClick={onDiscard}
          >
            {t('pending.cancel')}
          </button>
        ) : null}
      </td>
    </tr>
  );
}

function reasonText(t: TFunction, op: PendingOperation): string {
  if (op.reason !== 'rate-limited') return t(`pending.reasons.${op.reason}`);
  // 429: not before one hour later (A_25460); main says when
  return op.notBefore ? t('pending.reasons.rate-limited', { time: formatTime(op.notBefore) }) : t('pending.rateLimitedSoon');
}
