/**
 * What a scanned pack did (A_21105-02): which entry it filled or counted, that it was the same pack again,
 * or why it could not be used — in German, next to the scan field, announced to screen readers.
 */
import { useTranslation } from 'react-i18next';
import type { PackCode } from '../../../../../shared/erezept/pack-code';
import { formatDate } from '../../../lib/format';
import type { PackScanFeedback } from '../scan-context';

function packFacts(code: PackCode, t: (key: string, options?: Record<string, unknown>) => string): string {
  return [
    code.pzn ? t('pack.pzn', { pzn: code.pzn }) : undefined,
    code.batch ? t('pack.batch', { batch: code.batch }) : undefined,
    code.expiry ? t('pack.expiry', { date: formatDate(code.expiry) }) : undefined,
  ]
    .filter(Boolean)
    .join(', ');
}

export function PackScanNotice({ feedback }: { feedback: PackScanFeedback }) {
  const { t } = useTranslation();
  if (feedback.kind === 'invalid') {
    return (
      <p role="alert" className="hint hint-error" data-testid="pack-scan-error" data-reason="invalid">
        {t('pack.invalid', { message: feedback.message })}
      </p>
    );
  }
  const facts = packFacts(feedback.code, t);
  if (feedback.kind === 'no-target') {
    return (
      <p role="alert" className="hint hint-warning" data-testid="pack-scan-error" data-reason="no-target">
        {t('pack.noTarget', { facts })}
      </p>
    );
  }
  const { outcome } = feedback;
  if (outcome.kind === 'no-pzn') {
    return (
      <p role="alert" className="hint hint-warning" data-testid="pack-scan-error" data-reason="no-pzn">
        {t('pack.noPzn')}
      </p>
    );
  }
  const n = outcome.index + 1;
  const text =
    outcome.kind === 'filled'
      ? t('pack.filled', { n, facts })
      : outcome.kind === 'added'
        ? t('pack.added', { n, facts })
        : outcome.kind === 'counted'
          ? t('pack.counted', { n, packs: outcome.packs, facts })
          : t('pack.duplicate', { n, serial: feedback.code.serial ?? '' });
  return (
    <p
      role="status"
      className={outcome.kind === 'duplicate' ? 'hint hint-warning' : 'hint hint-info'}
      data-testid="pack-scan-result"
      data-outcome={outcome.kind}
      data-entry={outcome.index}
    >
      {text}
    </p>
  );
}
