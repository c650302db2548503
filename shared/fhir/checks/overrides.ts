/**
 * The pharmacist's overrides of safety findings (docs/checks.md, „Begründungen“): a finding that needs a reason
 * (`needsReason`) stops sending until the entry its path names carries an override for its rule with a reason of
 * at least three characters. The finding then stays in the list, marked `overridden`, so the editor can show it as
 * confirmed; the reason itself never goes into a finding (nor into the Parameters, the logs or the audit).
 */
import type { DispenseEntry, FindingOverride } from '../../erezept/dispense-entry';
import type { Finding } from '../../erezept/findings';

/** The same minimum findingOverrideSchema asks for. */
export const MIN_REASON_LENGTH = 3;

const hasReason = (override: FindingOverride): boolean => override.reason.trim().length >= MIN_REASON_LENGTH;

/** The entry an editor path names (`entries.2.medication.pzn` → 2); undefined for list-level findings. */
function entryIndexOf(path: string | undefined): number | undefined {
  const m = path === undefined ? null : /^entries\.(\d+)(?:\.|$)/.exec(path);
  return m ? Number(m[1]) : undefined;
}

/** Marks the findings whose rule the named entry overrides with a reason. */
export function applyOverrides(findings: readonly Finding[], entries: readonly DispenseEntry[]): Finding[] {
  return findings.map((finding) => {
    if (finding.needsReason !== true) return finding;
    const index = entryIndexOf(finding.path);
    const overrides = index === undefined ? undefined : entries[index]?.overrides;
    const overridden = overrides?.some((o) => o.rule === finding.code && hasReason(o)) ?? false;
    return overridden ? { ...finding, overridden: true } : finding;
  });
}

/** The codes of the rules overridden in these findings, each once, in order (for the audit: rule, not reason). */
export function overriddenRules(findings: readonly Finding[]): string[] {
  return [...new Set(findings.filter((f) => f.overridden === true).map((f) => f.code))];
}
