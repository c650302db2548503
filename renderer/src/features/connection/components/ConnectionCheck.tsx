/**
 * „Verbindung prüfen“ (spec §9.3, A_23814: which system failed and what to do): one button walks the way to the
 * Fachdienst hop by hop — with backend `ti` Konnektor, SMC-B, IDP discovery, sign-in, VAU certificate, Fachdienst
 * (docs/ti.md „Diagnosis“) — and lists each step with what main found. A failed step names its hop and says what
 * to do; the steps after it were not checked.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectionDiagnosis, DiagnosisStep } from '../../../../../shared/ipc/contract';
import { useConnectionDiagnosis } from '../../../api/connection/use-connection-mutations';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { formatTimeWithSeconds } from '../../../lib/format';
import { appErrorOf } from '../../../lib/invoke';

export function ConnectionCheck() {
  const { t } = useTranslation();
  const diagnosis = useConnectionDiagnosis();
  // how many checks have ended: a test (and a screen reader) can tell a new result from the last one
  const [runs, setRuns] = useState(0);
  return (
    <section className="connection-check" aria-label={t('diagnosis.title')} data-testid="connection-check" data-runs={runs}>
      <div className="connection-check-head">
        <h3>{t('diagnosis.title')}</h3>
        <button
          type="button"
          className="button-secondary button-small"
          data-testid="connection-check-run"
          disabled={diagnosis.isPending}
          onClick={() => diagnosis.mutate(undefined, { onSettled: () => setRuns((n) => n + 1) })}
        >
          {diagnosis.isPending ? t('diagnosis.running') : t('diagnosis.run')}
        </button>
      </div>
      {diagnosis.isError ? <ErrorAlert error={appErrorOf(diagnosis.error)} testId="connection-check-error" /> : null}
      {diagnosis.data && !diagnosis.isPending ? <DiagnosisResult result={diagnosis.data} /> : null}
    </section>
  );
}

function DiagnosisResult({ result }: { result: ConnectionDiagnosis }) {
  const { t } = useTranslation();
  return (
    <div data-testid="connection-check-result" data-ok={result.ok}>
      <p role="status" className={result.ok ? 'connection-check-ok' : 'connection-check-failed'} data-testid="connection-check-summary">
        {result.ok ? t('diagnosis.allOk') : t('diagnosis.failed')}{' '}
        <span className="muted">{t('diagnosis.at', { time: formatTimeWithSeconds(result.at) })}</span>
      </p>
      <ol className="connection-check-steps">
        {result.steps.map((step) => (
          <DiagnosisStepRow key={step.step} step={step} />
        ))}
      </ol>
    </div>
  );
}

function DiagnosisStepRow({ step }: { step: DiagnosisStep }) {
  const { t } = useTranslation();
  return (
    <li className={`connection-check-step connection-check-${step.state}`} data-testid="connection-check-step" data-step={step.step} data-state={step.state} data-hop={step.hop}>
      <strong>{t(`diagnosis.steps.${step.step}`)}</strong>: <span>{t(`diagnosis.states.${step.state}`)}</span>
      {step.state === 'failed' ? (
        <>
          <p data-testid="connection-check-message">
            {t('connection.hop')}: <strong>{t(`connection.hops.${step.hop}`)}</strong> – {step.message ?? t(`connection.hopAdvice.${step.hop}`)}
          </p>
          {step.detail ? (
            <details className="alert-details">
              <summary>{t('connection.details')}</summary>
              <code className="connection-detail">{step.detail}</code>
            </details>
          ) : null}
        </>
      ) : step.message ? (
        <p className="muted" data-testid="connection-check-message">
          {step.message}
        </p>
      ) : null}
    </li>
  );
}
