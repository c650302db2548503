import { useTranslation } from 'react-i18next';
import type { Finding } from '../../../../../shared/erezept/findings';

/** One finding with its severity in words first ("Warnung: …"), coloured by severity. */
export function FindingText({ finding }: { finding: Finding }) {
  const { t } = useTranslation();
  return (
    <span className={`finding finding-${finding.severity}`} data-severity={finding.severity} data-code={finding.code}>
      <span className="finding-severity">{t(`prescription.severities.${finding.severity}`)}:</span> {finding.message}
    </span>
  );
}
