/**
 * The Quittung after $close (spec §7): the pharmacy keeps it for billing; it names the closing pharmacy's
 * Telematik-ID and carries the Fachdienst's signature.
 */
import { useTranslation } from 'react-i18next';
import type { ReceiptSummary } from '../../../../../shared/ipc/contract';
import { Fact } from '../../../components/Fact';
import { formatDateTime } from '../../../lib/format';

export function Receipt({ receipt }: { receipt: ReceiptSummary }) {
  const { t } = useTranslation();
  return (
    <section className="receipt" aria-labelledby="receipt-title" data-testid="receipt" role="status">
      <h2 id="receipt-title">{t('receipt.title')}</h2>
      <dl className="facts facts-inline">
        <Fact label={t('receipt.prescriptionId')} testId="receipt-prescription-id">
          {receipt.prescriptionId}
        </Fact>
        <Fact label={t('receipt.completedAt')} testId="receipt-completed-at">
          {formatDateTime(receipt.completedAt)}
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
      </dl>
    </section>
  );
}
