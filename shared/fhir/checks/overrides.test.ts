import { describe, expect, it } from 'vitest';
import type { DispenseEntry, FindingOverride } from '../../erezept/dispense-entry';
import { blocksSending, hasBlocking, type Finding } from '../../erezept/findings';
import { applyOverrides, overriddenRules } from './overrides';

const REASON = 'Ärztin telefonisch: Umstellung auf Amlodipin';

const entry = (overrides?: FindingOverride[], key = 'row-1'): DispenseEntry => ({
  key,
  medication: { kind: 'pzn', pzn: '04180012', name: 'Amlodipin', ingredients: [], category: '00', vaccine: false },
  packs: 1,
  serials: [],
  whenHandedOver: '2026-10-05',
  ...(overrides ? { overrides } : {}),
});

const substance: Finding = {
  severity: 'error',
  code: 'PH_SUBSTANCE_DIFFERS',
  message: 'Anderer Wirkstoff als verordnet: verordnet Levetiracetam, abgegeben Amlodipin.',
  path: 'entries.0.medication.pzn',
  needsReason: true,
};
const strength: Finding = { severity: 'warning', code: 'PH_STRENGTH_DIFFERS', message: 'Andere Stärke …', path: 'entries.1.medication.pzn', needsReason: true };

describe('applyOverrides', () => {
  it('marks a finding overridden by its entry, keeps it in the list, and no longer blocks', () => {
    const [finding] = applyOverrides([substance], [entry([{ rule: 'PH_SUBSTANCE_DIFFERS', reason: REASON }])]);
    expect(finding).toEqual({ ...substance, overridden: true });
    expect(blocksSending(finding!)).toBe(false);
  });

  it('never copies the reason into a finding', () => {
    const findings = applyOverrides([substance], [entry([{ rule: 'PH_SUBSTANCE_DIFFERS', reason: REASON }])]);
    expect(JSON.stringify(findings)).not.toContain('telefonisch');
  });

  it('needs a reason of at least three characters (trimmed)', () => {
    const findings = applyOverrides([substance], [entry([{ rule: 'PH_SUBSTANCE_DIFFERS', reason: ' ok  ' }])]);
    expect(findings).toEqual([substance]);
    expect(hasBlocking(findings)).toBe(true);
  });

  it('counts only an override for the same rule on the entry the path names', () => {
    const otherRule = [entry([{ rule: 'PH_FORM_DIFFERS', reason: REASON }])];
    expect(applyOverrides([substance], otherRule)).toEqual([substance]);
    const otherEntry = [entry(), entry([{ rule: 'PH_SUBSTANCE_DIFFERS', reason: REASON }], 'row-2')];
    expect(applyOverrides([substance], otherEntry)).toEqual([substance]);
    expect(applyOverrides([strength], otherEntry)).toEqual([strength]);
    expect(applyOverrides([strength], [entry(), entry([{ rule: 'PH_STRENGTH_DIFFERS', reason: REASON }], 'row-2')])).toEqual([
      { ...strength, overridden: true },
    ]);
  });

  it('leaves findings that need no reason alone (they cannot be overridden)', () => {
    const plain: Finding = { severity: 'error', code: 'PH_BATCH_EXPIRED', message: 'Verfallen.', path: 'entries.0.batch.expiry' };
    expect(applyOverrides([plain], [entry([{ rule: 'PH_BATCH_EXPIRED', reason: REASON }])])).toEqual([plain]);
  });
});

it('overriddenRules names each overridden rule once', () => {
  const findings: Finding[] = [
    { ...strength, overridden: true },
    { ...strength, path: 'entries.0.medication.pzn', overridden: true },
    { ...substance, overridden: true },
    { ...substance, code: 'PH_FORM_DIFFERS' },
  ];
  expect(overriddenRules(findings)).toEqual(['PH_STRENGTH_DIFFERS', 'PH_SUBSTANCE_DIFFERS']);
});
