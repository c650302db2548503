/**
 * One live finding where it is shown (at its field, or under its entry): the finding in words (FindingText) and, for
 * a pharmacy safety finding that needs a reason, the control to confirm the difference (OverrideControl).
 */
import type { PlacedFinding } from './preflight';
import { canBeOverridden, findingState } from './finding-state';
import { FindingText } from './FindingText';
import { OverrideControl } from './OverrideControl';

/**
 * Stable React keys for a list of findings: by rule and path, not by position. A finding that comes or goes while the
 * pharmacist types a reason (a live check finishing, a name filled in from the article master) must not move the
 * open reason input to another finding or unmount it — with positional keys the typed reason was lost (CI flake of
 * dispensing-safety.spec.ts). The same rule twice at one path gets its occurrence number.
 */
export function keyedFindings<F extends PlacedFinding>(findings: readonly F[]): Array<{ key: string; finding: F }> {
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const base = `${finding.code}|${finding.path ?? ''}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return { key: n === 0 ? base : `${base}#${n}`, finding };
  });
}

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
