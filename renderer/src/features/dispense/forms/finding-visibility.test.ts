import { describe, expect, it } from 'vitest';
import { caseDetail, entry, submission } from '../../../test/fixtures';
import { anySet, onlyRevealed, revealedEntries, workedOnBefore } from './finding-visibility';
import { groupFindings, type PlacedFinding } from './preflight';

const finding = (code: string, entryIndex: number | undefined, field?: PlacedFinding['field']): PlacedFinding => ({
  severity: 'error',
  code,
  message: code,
  entry: entryIndex,
  field,
});

describe('which entries show their findings (issue 19 item 4: no errors before anything was done)', () => {
  it("the row main derived from the prescription was not worked on; a batch, serial, override, dosage or another PZN was", () => {
    const fresh = caseDetail({ draft: null });
    expect(workedOnBefore(entry(), fresh)).toBe(false);
    expect(workedOnBefore(entry({ batch: { lot: 'B1', expiry: '2028-01-31' } }), fresh)).toBe(true);
    expect(workedOnBefore(entry({ serials: ['S1'] }), fresh)).toBe(true);
    expect(workedOnBefore(entry({ overrides: [{ rule: 'PH_FORM_DIFFERS', reason: 'Filmtablette' }] }), fresh)).toBe(true);
    expect(workedOnBefore(entry({ dosageText: '1-0-0' }), fresh)).toBe(true);
    expect(workedOnBefore(entry({ medication: { kind: 'pzn', pzn: '04773414', name: 'Ibu', ingredients: [], category: '00', vaccine: false } }), fresh)).toBe(true);
    // something was sent already: every entry counts
    expect(workedOnBefore(entry(), caseDetail({ submissions: [submission()] }))).toBe(true);
  });

  it('an entry shows once touched or changed, worked on before, or after an attempt to send', () => {
    const base = { attempted: false, workedOn: new Set(['k2']), keys: ['k0', 'k1', 'k2', 'k3'], touched: [undefined, { batch: { lot: true } }], dirty: [] as unknown[] };
    const shown = revealedEntries({ ...base, dirty: [undefined, undefined, undefined, { packs: true }] });
    expect([0, 1, 2, 3].map(shown)).toEqual([false, true, true, true]);
    expect([0, 1, 2, 3].map(revealedEntries({ ...base, attempted: true }))).toEqual([true, true, true, true]);
    expect(anySet({ medication: { pzn: false }, serials: [false, true] })).toBe(true);
    expect(anySet({ medication: { pzn: false } })).toBe(false);
  });

  it('hides the findings of entries not shown yet, at fields and under the entry; list-level ones stay', () => {
    const grouped = groupFindings([
      finding('A', 0, 'entries.0.batch.lot'),
      finding('B', 0),
      finding('C', 1, 'entries.1.packs'),
      finding('D', undefined),
    ]);
    const shown = onlyRevealed(grouped, (i) => i === 1);
    expect([...shown.byField.keys()]).toEqual(['entries.1.packs']);
    expect(shown.byEntry.size).toBe(0);
    expect(shown.general.map((f) => f.code)).toEqual(['D']);
  });
});
