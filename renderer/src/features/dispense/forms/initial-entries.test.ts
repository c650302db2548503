import { describe, expect, it } from 'vitest';
import { caseDetail, entry, prescription } from '../../../test/fixtures';
import { blankEntry, initialEntries, offersSubstitution, withoutSubstitution } from './initial-entries';

const wirkstoffPrescription = prescription({
  medication: { kind: 'wirkstoff', name: 'Levetiracetam 500 mg', ingredients: [{ name: 'Levetiracetam', strength: '500 mg' }], form: 'FTA', amount: '100 St', vaccine: false },
});

describe('the substitution flag (A_28417) in the starting list', () => {
  it('is offered for a PZN prescription only', () => {
    expect(offersSubstitution(caseDetail())).toBe(true);
    expect(offersSubstitution(caseDetail({ prescription: wirkstoffPrescription }))).toBe(false);
    expect(offersSubstitution(caseDetail({ prescription: null }))).toBe(false);
  });

  it('a blank entry leaves it unset', () => {
    expect(blankEntry('2026-10-05').substituted).toBeUndefined();
  });

  it('a draft of a Wirkstoff prescription loses a flag an older version stored; a PZN prescription keeps it', () => {
    const draft = [entry({ substituted: false }), entry({ key: 'entry-2', substituted: true })];
    const wirkstoff = initialEntries(caseDetail({ prescription: wirkstoffPrescription, draft }), '2026-10-05');
    expect(wirkstoff.map((e) => e.substituted)).toEqual([undefined, undefined]);
    expect(wirkstoff[0]).not.toHaveProperty('substituted');
    expect(initialEntries(caseDetail({ draft }), '2026-10-05').map((e) => e.substituted)).toEqual([false, true]);
  });

  it('a list started from a Wirkstoff prescription has none', () => {
    const [first] = initialEntries(caseDetail({ prescription: wirkstoffPrescription, draft: null }), '2026-10-05');
    expect(first).not.toHaveProperty('substituted');
  });

  it('withoutSubstitution leaves entries without a flag as they are', () => {
    const plain = entry({ substituted: undefined });
    expect(withoutSubstitution([plain])[0]).toBe(plain);
  });
});
