import { describe, expect, it } from 'vitest';
import { dosageForm, sameDosageForm } from './dosage-forms';

describe('dosageForm', () => {
  it('names a KBV code', () => {
    expect(dosageForm('FTA')).toEqual({ code: 'FTA', name: 'Filmtabletten' });
    expect(dosageForm(' tab ')).toEqual({ code: 'TAB', name: 'Tabletten' });
  });

  it('finds the code of a text the KBV table knows, singular or plural', () => {
    expect(dosageForm('Filmtabletten')).toEqual({ code: 'FTA', name: 'Filmtabletten' });
    expect(dosageForm('filmtablette')).toEqual({ code: 'FTA', name: 'Filmtabletten' });
    expect(dosageForm('Kapseln')).toEqual({ code: 'KAP', name: 'Kapseln' });
  });

  it('keeps an unknown text as written, and nothing for nothing', () => {
    expect(dosageForm('Brausetabletten')).toEqual({ name: 'Brausetabletten' });
    expect(dosageForm('  ')).toBeUndefined();
    expect(dosageForm(undefined)).toBeUndefined();
  });
});

describe('sameDosageForm', () => {
  const form = (value: string) => dosageForm(value)!;

  it('is the same code, whichever way a side wrote it', () => {
    expect(sameDosageForm(form('FTA'), form('Filmtabletten'))).toBe(true);
    expect(sameDosageForm(form('Brausetablette'), form('Brausetabletten'))).toBe(true);
  });

  it('tells Filmtablette and Tablette apart (the pharmacist confirms the exchange)', () => {
    expect(sameDosageForm(form('FTA'), form('TAB'))).toBe(false);
    expect(sameDosageForm(form('Tabletten'), form('Filmtabletten'))).toBe(false);
    expect(sameDosageForm(form('Brausetabletten'), form('TAB'))).toBe(false);
  });
});
