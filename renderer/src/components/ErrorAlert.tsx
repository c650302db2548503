/**
 * Shows an AppError the way spec §9.3 asks (A_23814–A_23818): an understandable German message naming the
 * failing system (for a network error main's message names the hop that failed), the findings, and the technical
 * details for support behind a disclosure, with a copy button. A 429 (retry `hourly`) adds that it waits its hour.
 */
import { useTranslation } from 'react-i18next';
import type { AppError } from '../../../shared/ipc/contract';
import { formatDateTime } from '../lib/format';
import { CopyButton } from './CopyButton';

interface Props {
  error: AppError;
  /** what the error is about, e.g. the prescription it concerns */
  context?: string;
  testId?: string;
}

export function ErrorAlert({ error, context, testId = 'error-alert' }: Props) {
  const { t } = useTranslation();
  const message = error.message || t('error.unexpected');
  const rows: [string, string | undefined][] = [
    [t('error.system'), t(`error.systems.${error.system}`)],
    [t('error.code'), error.code],
    [t('error.status'), error.httpStatus?.toString()],
    [t('error.detail'), error.detail],
    [t('error.retry'), t(`error.retries.${error.retry}`)],
    [t('error.time'), `${formatDateTime(error.at)} (${error.at})`],
  ];
  const shown = rows.filter((row): row is [string, string] => row[1] !== undefined && row[1] !== '');
  const supportText = [context, message, ...shown.map(([k, v]) => `${k}: ${v}`)].filter(Boolean).join('\n');
  return (
    <div role="alert" className="alert alert-error" data-testid={testId}>
      <p className="alert-message">
        {context ? <strong>{context}: </strong> : null}
        <span data-testid={`${testId}-message`}>{message}</span>
      </p>
      {error.retry === 'hourly' ? (
        // 429 (A_25460): never retried at the counter; main queued the operation — say so, and where to see it
        <p className="alert-queued" data-testid={`${testId}-queued`}>
          {t('error.queued')}
        </p>
      ) : null}
      {error.findings && error.findings.length > 0 ? (
        <ul className="alert-findings" aria-label={t('error.findings')}>
          {error.findings.map((f, i) => (
            <li key={i}>
              {f.message}
              {f.path ? <code className="finding-path"> ({f.path})</code> : null}
            </li>
          ))}
        </ul>
      ) : null}
      <details className="alert-details" data-testid={`${testId}-details`}>
        <summary>{t('error.details')}</summary>
        <dl className="facts">
          {shown.map(([k, v]) => (
            <div key={k} className="fact">
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
        <CopyButton text={supportText} testId={`${testId}-copy`} />
      </details>
    </div>
  );
}
