import { describe, expect, it } from 'vitest';
import { legalBasisCodes } from '../../../../shared/fhir/kbv/legal-basis';
import { legalBasisNotes } from './legal-basis-notes';

describe('what a Rechtsgrundlage means at the counter', () => {
  it('gives every code of the KBV Statuskennzeichen its notes', () => {
    expect(Object.fromEntries(legalBasisCodes.map((code) => [code, legalBasisNotes(code)]))).toEqual({
      '00': [],
      '01': ['asv'],
      '04': ['discharge'],
      '07': ['tss'],
      '10': ['replacement'],
      '11': ['asv', 'replacement'],
      '14': ['discharge', 'replacement'],
      '17': ['tss', 'replacement'],
    });
  });

  it('guesses nothing for a code it does not know', () => {
    expect(legalBasisNotes('99')).toEqual([]);
    expect(legalBasisNotes('4')).toEqual([]);
    expect(legalBasisNotes('')).toEqual([]);
  });
});
