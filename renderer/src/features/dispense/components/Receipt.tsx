/**
 * The Quittung after $close (spec §7): the pharmacy keeps it for billing; it names the closing pharmacy's
 * Telematik-ID and carries the Fachdienst's signature. It can be printed (or saved as PDF through the print dialog;
 * the print stylesheet shows only the receipt) and fetched again from the Fachdienst (GET ?secret, spec §3.6 —
 * possible up to 100 days after completion, spec §9.4). In training mode it says on screen and on paper that it is no
 * real receipt (architecture §2: every backend today is a training backend).
 */
import { useTranslation } from 'react-i18next';
import type { ReceiptSummary } from '../../../../../shared/ipc/contract';
import { useAppInfo } from '../../../api/app-info/use-app-info';
import { useCaseWrite } from '../../../api/cases/use-case-write';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { Fact } from '../../../components/Fact';
import { formatDateTime } from '../../../lib/format';
import { appErrorOf } from '../../../lib/invoke';
import { shortcuts, useShortcut } from '../../../lib/shortcuts';

interface Props {
  receipt: ReceiptSummary;
  pharmacyName: string;
  /** re-fetching changes nothing at the Fachdienst, but it is still done as a named staff member */
  canRefetch: boolean;
}

export function Receipt({ receipt, pharmacyName, canRefetch }: Props) {
  const { t } = useTranslation();
  const refetch = useCaseWrite('refetchReceipt');
  const training = useAppInfo().data?.training === true;
  const print = () => window.print();
  const fetchAgain = () => refetch.mutate({ prescriptionId: receipt.prescriptionId });
  useShortcut(shortcuts.printReceipt, print);
  useShortcut(shortcuts.refetchReceipt, fetchAgain, canRefetch && !refetch.isPending);
  return (
    <section className="receipt print-area" aria-labelledby="receipt-title" data-testid="receipt" data-training={training}>
      {training ? (
        <p className="receipt-training-mark" data-testid="receipt-training-mark">
          {t('receipt.trainingMark')}
        </p>
      ) : null}
      <div className="receipt-head">
        <h2 id="receipt-title">{t('receipt.title')}</h2>
        <div className="receipt-actions no-print">
          <button type="button" className="button-secondary" data-testid="receipt-print" aria-keyshortcuts="Alt+P" onClick={print}>
            {t('receipt.print')} <kbd>Alt+P</kbd>
          </button>
          <button
            type="button"
            className="button-secondary"
            data-testid="receipt-refetch"
            aria-keyshortcuts="Alt+Q"
            disabled={!canRefetch || refetch.isPending}
            onClick={fetchAgain}
          >
            {refetch.isPending ? t('receipt.refetching') : t('receipt.refetch')} <kbd>Alt+Q</kbd>
          </button>
        </div>
      </div>
      <dl className="facts facts-inline">
        <Fact label={t('receipt.prescriptionId')} testId="receipt-prescription-id">
          {receipt.prescriptionId}
        </Fact>
        <Fact label={t('receipt.completedAt')} testId="receipt-completed-at">
          {formatDateTime(receipt.completedAt)}
        </Fact>
        <Fact label={t('receipt.pharmacy')} testId="receipt-pharmacy">
          {pharmacyName}
        </Fact>
        <Fact label={t('receipt.telematikId')} testId="receipt-telematik-id">
          {receipt.pharmacyTelematikId}
        </Fact>
        <Fact label={t('receipt.signature')} testId="receipt-signature">
          {receipt.signaturePresent ? t('receipt.signaturePresent') : t('receipt.signatureMissing')}
        </Fact>
        <Fact label={t('receipt.staff')} testId="receipt-staff">
          {receipt.staff}
        </Fact>
        <Fact label={t('receipt.receivedAt')} testId="receipt-received-at">
          {formatDateTime(receipt.receivedAt)}
        </Fact>
        <Fact label={t('receipt.bundleId')} testId="receipt-bundle-id">
          <code>{receipt.bundleId}</code>
        </Fact>
      </dl>
      {refetch.isSuccess ? (
        <p className="hint hint-info no-print" role="status" data-testid="receipt-refetched">
          {t('receipt.refetched', { time: formatDateTime(refetch.data.receipt?.receivedAt ?? receipt.receivedAt) })}
        </p>
      ) : null}
      {refetch.isError ? <ErrorAlert error={appErrorOf(refetch.error)} testId="receipt-refetch-error" /> : null}
    </section>
  );
}
