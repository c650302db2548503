/**
 * „Ausstehende Vorgänge“ (issue 6 items 1, 3; A_23815, A_23816): what the app still owes the Fachdienst and what
 * it recently did on its own after a crash or an outage. A panel under the header, not a dialog, so the
 * pharmacist can keep it open while working; Esc closes it. „Verwerfen“ asks first.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PendingOperation } from '../../../../../shared/ipc/contract';
import { useCurrentCase } from '../../../lib/current-case';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { appErrorOf } from '../../../lib/invoke';
import { usePendingOperations } from '../../../api/connection/use-connection';
import { useCancelPendingOperation, useResumePendingOperations } from '../../../api/connection/use-connection-mutations';
import { PendingOperationRow } from './PendingOperationRow';

interface Props {
  id: string;
  /** `returnFocus: false` when a case was opened from the panel: the work goes on there */
  onClose(options?: { returnFocus: boolean }): void;
}

export function PendingOperationsPanel({ id, onClose }: Props) {
  const { t } = useTranslation();
  const titleId = useId();
  const titleRef = useRef<HTMLHeadingElement>(null);
  const query = usePendingOperations();
  const resume = useResumePendingOperations();
  const discard = useCancelPendingOperation();
  const { openCase } = useCurrentCase();
  const [asking, setAsking] = useState<PendingOperation | null>(null);

  // Opened from the keyboard (Alt+W) the work continues here: the title takes the focus.
  useEffect(() => titleRef.current?.focus(), []);

  const confirmDiscard = () => {
    if (!asking) return;
    discard.mutate(asking.id, { onSuccess: () => setAsking(null) });
  };
  const operations = query.data ?? [];
  const askingName = asking ? t(`pending.operations.${asking.operation}`) : '';

  return (
    <section
      id={id}
      className="pending-panel no-print"
      data-testid="pending-operations"
      aria-labelledby={titleId}
      onKeyDown={(e) => {
        // A dialog inside handles its own Esc (and stops it there).
        if (e.key === 'Escape') {
          e.preventDefault();
          onClose();
        }
      }}
    >
      <div className="pending-head">
        <h2 id={titleId} ref={titleRef} tabIndex={-1}>
          {t('pending.title')}
        </h2>
        <button type="button" className="button-primary button-small" data-testid="pending-resume" disabled={resume.isPending} onClick={() => resume.mutate()}>
          {resume.isPending ? t('pending.resuming') : t('pending.resume')}
        </button>
        <button type="button" className="button-secondary button-small" data-testid="pending-close" onClick={() => onClose()}>
          {t('pending.close')} <kbd>Esc</kbd>
        </button>
      </div>
      <p className="muted">{t('pending.intro')}</p>
      {resume.isError ? <ErrorAlert error={appErrorOf(resume.error)} testId="pending-resume-error" /> : null}
      {query.isPending ? (
        <p role="status" className="muted" data-testid="pending-loading">
          {t('pending.loading')}
        </p>
      ) : query.isError ? (
        <ErrorAlert error={appErrorOf(query.error)} testId="pending-error" />
      ) : operations.length === 0 ? (
        <p className="muted" data-testid="pending-empty">
          {t('pending.empty')}
        </p>
      ) : (
        <div className="table-scroll">
          <table className="pending-table" aria-labelledby={titleId}>
            <thead>
              <tr>
                <th scope="col">{t('pending.columns.prescription')}</th>
                <th scope="col">{t('pending.columns.operation')}</th>
                <th scope="col">{t('pending.columns.state')}</th>
                <th scope="col">{t('pending.columns.staff')}</th>
                <th scope="col">{t('pending.columns.createdAt')}</th>
                <th scope="col">{t('pending.columns.attempts')}</th>
                <th scope="col">{t('pending.columns.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {operations.map((op) => (
                <PendingOperationRow
                  key={op.id}
                  operation={op}
                  onOpenCase={() => {
                    openCase(op.prescriptionId);
                    onClose({ returnFocus: false });
                  }}
                  onDiscard={() => {
                    discard.reset();
                    setAsking(op);
                  }}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {asking ? (
        <ConfirmDialog
          testId="pending-cancel-dialog"
          title={t('pending.cancelTitle')}
          confirmLabel={t('pending.cancelConfirm')}
          onConfirm={confirmDiscard}
          onCancel={() => setAsking(null)}
          busy={discard.isPending}
          busyText={t('pending.cancelBusy')}
          error={discard.isError ? appErrorOf(discard.error) : null}
        >
          <p>{t('pending.cancelText', { operation: askingName, prescriptionId: asking.prescriptionId })}</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
