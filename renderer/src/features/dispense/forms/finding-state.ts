/**
 * How a finding stands for sending (docs/checks.md, shared/erezept/findings.ts blocksSending): what the editor shows
 * in words before its message and as `data-state`, so a blocking finding looks blocking and a confirmed one does not.
 */
import { blocksSending, type Finding } from '../../../../../shared/erezept/findings';

export type FindingState =
  /** stops sending and can only be corrected (e.g. a batch missing on a securPharm pack) */
  | 'error'
  /** stops sending until the pharmacist confirms the difference with a reason (e.g. another substance) */
  | 'blocking'
  /** a warning that stops sending until it is confirmed with a reason (e.g. another strength) */
  | 'needs-reason'
  /** confirmed with a reason: it no longer stops sending */
  | 'confirmed'
  | 'warning'
  | 'info';

export function findingState(finding: Finding): FindingState {
  if (finding.needsReason === true) {
    if (!blocksSending(finding)) return 'confirmed';
    return finding.severity === 'error' ? 'blocking' : 'needs-reason';
  }
  return finding.severity;
}

/** The i18n key of the word shown before the message. */
export function findingStateLabel(state: FindingState): string {
  switch (state) {
    case 'blocking':
      return 'dispense.findingStates.blocking';
    case 'needs-reason':
      return 'dispense.findingStates.needsReason';
    case 'confirmed':
      return 'dispense.findingStates.confirmed';
    default:
      return `prescription.severities.${state}`;
  }
}

/** May the pharmacist confirm this finding with a reason? Only the pharmacy's safety rules say so (needsReason). */
export const canBeOverridden = (finding: Finding): boolean => finding.needsReason === true;
