import { useTranslation } from 'react-i18next';
import { memo } from 'react';
import type { Finding } from '../../../../../shared/erezept/findings';

/** The reader's findings about a received prescription — shown as warnings, never hidden (spec §9.3). */
export const FindingsList = memo(function FindingsList({ findings }: { findings: readonly Finding[] }) {
  const { t } = useTranslation();
  if (findings.length === 0) return null;
  return (
    <section className="findings" aria-labelledby="prescription-findings-title" data-testid="prescription-findings">
      <h3 id="prescription-findings-title">{t('prescription.findings.title')}</h3>
      <ul>
        {findings.map((f, i) => (
          <li key={i} className={`finding finding-${f.severity}`} data-testid={`prescription-finding-${i}`}>
            <span className="finding-severity">{t(`prescription.severities.${f.severity}`)}:</span> {f.message}
          </li>
        ))}
      </ul>
    </section>
  );
});
