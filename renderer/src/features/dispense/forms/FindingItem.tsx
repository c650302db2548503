/**
 * One live finding where it is shown (at its field, or under its entry): the finding in words (FindingText) and, for
 * a pharmacy safety finding that needs a reason, the control to confirm the difference (OverrideControl).
 */
import type { PlacedFinding } from './preflight';
import { canBeOverridden, findingState } from './finding-state';
import { FindingText } from './FindingText';
import { OverrideControl } from './OverrideControl';

export function FindingItem({ finding }: { finding: PlacedFinding }) {
  const entry = finding.entry;
  return (
    <div
      className="finding-item"
      data-testid={entry !== undefined ? `dispense-entry-${entry}-finding-${finding.code}` : undefined}
      data-state={findingState(finding)}
    >
      <FindingText finding={finding} />
      {canBeOverridden(finding) && entry !== undefined ? <OverrideControl index={entry} rule={finding.code} /> : null}
    </div>
  );
}
