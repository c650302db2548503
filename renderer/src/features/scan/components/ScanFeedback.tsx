/**
 * What a scan produced: a note when the opened prescription had been accepted before (A_23801: the local
 * case is opened instead of calling $accept again), links to further prescriptions of the same code
 * (a DataMatrix carries 1–3 tokens, spec §2), and an alert per token that failed.
 */
import { useTranslation } from 'react-i18next';
import type { ScanOutcome } from '../../../../../shared/ipc/contract';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { useCurrentCase } from '../../../lib/current-case';

export function ScanFeedback({ results }: { results: ScanOutcome[] }) {
  const { t } = useTranslation();
  const { prescriptionId: openId, openCase } = useCurrentCase();
  const accepted = results.filter((r): r is Extract<ScanOutcome, { ok: true }> => r.ok);
  const failed = results.filter((r): r is Extract<ScanOutcome, { ok: false }> => !r.ok);
  const opened = accepted.find((r) => r.prescriptionId === openId);
  return (
    <div className="scan-feedback" data-testid="scan-feedback">
      {opened?.outcome === 'existing' ? (
        <p className="hint hint-info" role="status" data-testid="scan-existing-note">
          {t('scan.existing')}
        </p>
      ) : null}
      {accepted.length > 1 ? (
        <nav aria-label={t('scan.others')} className="scan-others">
          <h2 className="section-label">{t('scan.others')}</h2>
          <ul>
            {accepted.map((r) => (
              <li key={r.prescriptionId}>
                <button
                  type="button"
                  className="link-button"
                  data-testid={`scan-result-${r.prescriptionId}`}
                  aria-current={r.prescriptionId === openId ? 'true' : undefined}
                  onClick={() => openCase(r.prescriptionId)}
                >
                  {r.prescriptionId}
                  {r.case.medicationLabel ? ` – ${r.case.medicationLabel}` : ''}
                </button>
                {r.outcome === 'existing' ? <span className="muted"> ({t('scan.otherExisting')})</span> : null}
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      {failed.map((r, i) => (
        <ErrorAlert
          key={r.prescriptionId ?? `failed-${i}`}
          error={r.error}
          context={r.prescriptionId ? t('scan.failedFor', { prescriptionId: r.prescriptionId }) : undefined}
          testId={`scan-error-${i}`}
        />
      ))}
    </div>
  );
}
