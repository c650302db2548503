/**
 * The scan area: the manual scan field, what the last E-Rezept scan produced (the first prescription of a code
 * is opened at once, the others stay one click away — spec §2: up to three tokens per DataMatrix) and what
 * the last pack scan did in the dispense editor.
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { appErrorOf } from '../../../lib/invoke';
import { useScan } from '../scan-context';
import { PackScanNotice } from './PackScanNotice';
import { ScanFeedback } from './ScanFeedback';
import { ScanField } from './ScanField';

interface Props {
  /**
   * „wird erneut versucht“ of calls for prescriptions not on screen, e.g. this scan's GET ?ac (spec §8; the open
   * case shows its own)
   */
  retryNotices?: ReactNode;
}

export function ScanPanel({ retryNotices }: Props) {
  const { t } = useTranslation();
  const { submitScan, erezept, needsStaff, pack } = useScan();
  return (
    <section className="scan-panel" aria-label={t('scan.region')}>
      <ScanField onScan={(text) => submitScan(text) !== 'needs-staff'} busy={erezept.isPending} />
      {erezept.isPending ? (
        <p role="status" className="muted" data-testid="scan-pending">
          {t('scan.submitting')}
        </p>
      ) : null}
      {retryNotices}
      {needsStaff ? (
        <p role="alert" className="hint hint-warning" data-testid="scan-needs-staff">
          {t('scan.needsStaff')}
        </p>
      ) : null}
      {erezept.isError ? <ErrorAlert error={appErrorOf(erezept.error)} testId="scan-error" /> : null}
      {erezept.data ? <ScanFeedback results={erezept.data.results} /> : null}
      {pack ? <PackScanNotice feedback={pack} /> : null}
    </section>
  );
}
