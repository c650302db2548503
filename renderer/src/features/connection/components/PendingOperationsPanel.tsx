/**
 * „Ausstehende Vorgänge“ (A_23815, A_23816; docs/reliability.md): what the app still owes the Fachdienst and what
 * it recently did on its own after a crash or an outage. A panel under the header, not a dialog, so the
 * pharmacist can keep it open while working; Esc closes it. „Verwerfen“ asks first.
 */
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PendingOperation } from '../../../../../shared/ipc/contract';
import { useConnection, usePendingOperations } from '../../../api/connection/use-connection';
import { useCancelPendingOperation, useResumePendingOperations } from '../../../api/connection/use-connection-mutations';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { SidePanel } from '../../../components/SidePanel';
import { useCurrentCase } from '../../../lib/current-case';
import { appErrorOf } from '../../../lib/invoke';
import { ConnectionCheck } from './ConnectionCheck';
import { PendingOperationRow } from './PendingOperationRow';

interface Props {
  id: string;
  /** `returnFocus: false` when a case was opened from the panel: the work goes on there */
  onClose(options?: { returnFocus: boolean }): void;
}

export function PendingOperationsPanel({ id, onClose }: Props) {
  const { t } = useTranslation();
  const titleId = useId();
  const query = usePendingOperations();
  const resume = useResumePendingOperations();
  const discard = useCancelPendingOperation();
  const { openCase } = useCurrentCase();
  const [asking, setAsking] = useState<PendingOperation | null>(null);

  const confirmDiscard = () => {
    if (!asking) return;
    discard.mutate(asking.id, { onSuccess: () => setAsking(null) });
  };
  const operations = query.data ?? [];
  const askingName = asking ? t(`pending.operations.${asking.operation}`) : '';

  return (
    <SidePanel
      id={id}
      className="pending-panel no-print"
      testId="pending-operations"
      title={t('pending.title')}
      titleId={titleId}
      actions={
        <button type="button" className="button-primary button-small" data-testid="pending-resume" disabled={resume.isPending} onClick={() => resume.mutate()}>
          {resume.isPending ? t('pending.resuming') : t('pending.resume')}
        </button>
      }
      closeLabel={t('pending.close')}
      closeTestId="pending-close"
      onClose={onClose}
    >
      <DisturbedHop />
      <ConnectionCheck />
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
    </SidePanel>
  );
}

/**
 * While the connection is disturbed, the panel says where (A_23814): with backend `ti` that may be the Konnektor,
 * the SMC-B, the sign-in or the VAU — what waits here waits for that hop.
 */
function DisturbedHop() {
  const { t } = useTranslation();
  const { data: status } = useConnection();
  if (!status || (status.state !== 'offline' && status.state !== 'degraded')) return null;
  const hop = status.failedHop ?? (status.state === 'offline' ? 'network' : 'fachdienst');
  return (
    <p className="pending-hop" data-testid="pending-connection-hop" data-hop={hop}>
      {t('pending.waitingFor')}: <strong>{t(`connection.hops.${hop}`)}</strong>
    </p>
  );
}
