/**
 * Scan → $accept → open the case. The first prescription of a code is opened at once; the others stay
 * one click away (spec §2: up to three tokens per DataMatrix).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCurrentCase } from '../../../app/current-case';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { appErrorOf } from '../../../lib/invoke';
import { useCurrentStaff } from '../../app-info/api/use-app-info';
import { useScanCode } from '../api/use-scan-code';
import { ScanFeedback } from './ScanFeedback';
import { ScanField } from './ScanField';

export function ScanPanel() {
  const { t } = useTranslation();
  const staff = useCurrentStaff();
  const { openCase } = useCurrentCase();
  const scan = useScanCode();
  const [blockedForStaff, setBlockedForStaff] = useState(false);

  const onScan = (text: string): boolean => {
    // $accept changes state at the Fachdienst: it is done as a named staff member or not at all (architecture §2).
    if (!staff) {
      setBlockedForStaff(true);
      return false;
    }
    setBlockedForStaff(false);
    scan.mutate(text, {
      onSuccess: ({ results }) => {
        const first = results.find((r) => r.ok);
        if (first) openCase(first.prescriptionId);
      },
    });
    return true;
  };

  return (
    <section className="scan-panel">
      <ScanField onScan={onScan} busy={scan.isPending} />
      {scan.isPending ? (
        <p role="status" className="muted" data-testid="scan-pending">
          {t('scan.submitting')}
        </p>
      ) : null}
      {blockedForStaff && !staff ? (
        <p role="alert" className="hint hint-warning" data-testid="scan-needs-staff">
          {t('scan.needsStaff')}
        </p>
      ) : null}
      {scan.isError ? <ErrorAlert error={appErrorOf(scan.error)} testId="scan-error" /> : null}
      {scan.data ? <ScanFeedback results={scan.data.results} /> : null}
    </section>
  );
}
