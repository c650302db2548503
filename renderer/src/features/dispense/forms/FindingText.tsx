import { useTranslation } from 'react-i18next';
import type { Finding } from '../../../../../shared/erezept/findings';
import { findingState, findingStateLabel } from './finding-state';

/**
 * One finding with how it stands in words first — „Fehler: …“, „Warnung: …“, „Hinweis: …“, or for the pharmacy's
 * safety rules „Blockiert: …“, „Begründung nötig: …“, „Bestätigt: …“ (finding-state.ts) — coloured by that state.
 */
export function FindingText({ finding }: { finding: Finding }) {
  const { t } = useTranslation();
  const state = findingState(finding);
  return (
    <span className={`finding finding-${finding.severity} finding-state-${state}`} data-severity={finding.severity} data-state={state} data-code={finding.code}>
      <span className="finding-severity">{t(findingStateLabel(state))}:</span> {finding.message}
    </span>
  );
}
