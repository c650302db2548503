/**
 * „Nicht gesendet“ in the editor's action area (issue 19 item 4): every reason the submit or close was refused for,
 * by position and field — not only a small text at one field. Codes and paths are for support and stay in
 * „Technische Details“ (the pharmacist's view names no rule ids, no requirement numbers).
 */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { Refusal, RefusalReason } from './refusal';

function Where({ reason }: { reason: RefusalReason }) {
  const { t } = useTranslation();
  const parts = [
    reason.entry !== undefined ? t('dispense.refused.entry', { n: reason.entry + 1 }) : undefined,
    reason.label ? t(reason.label) : undefined,
  ].filter((part): part is string => part !== undefined);
  return parts.length > 0 ? <strong>{parts.join(' · ')}: </strong> : null;
}

export function RefusalNotice({ refusal }: { refusal: Refusal }) {
  const { t } = useTranslation();
  const id = useId();
  const { reasons } = refusal;
  const technical = reasons.filter((r) => r.code !== undefined || r.path !== undefined);
  return (
    <section className="refusal hint hint-error" role="alert" aria-labelledby={`${id}-title`} data-testid="dispense-refused" data-from={refusal.from}>
      <h3 id={`${id}-title`} className="refusal-title">
        {t('dispense.refused.title')}
      </h3>
      <p data-testid="dispense-refused-message">{refusal.message ?? t('dispense.refused.intro', { count: reasons.length })}</p>
      {reasons.length > 0 ? (
        <ul className="refusal-reasons">
          {reasons.map((reason, i) => (
            <li key={i} data-testid="dispense-refused-reason" data-code={reason.code} data-entry={reason.entry}>
              <Where reason={reason} />
              {reason.message}
            </li>
          ))}
        </ul>
      ) : null}
      {technical.length > 0 ? (
        <details className="alert-details" data-testid="dispense-refused-details">
          <summary>{t('dispense.refused.details')}</summary>
          <ul>
            {technical.map((reason, i) => (
              <li key={i}>
                <code>{[reason.code, reason.path].filter(Boolean).join(' · ')}</code>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}
