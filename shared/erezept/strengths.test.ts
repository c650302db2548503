import { describe, expect, it } from 'vitest';
import { formatStrength, parseGermanNumber, parseStrength, sameStrength } from './strengths';

describe('parseGermanNumber', () => {
  it('reads decimal commas and points and thousands separators', () => {
    expect(parseGermanNumber('2,5')).toBe(2.5);
    expect(parseGermanNumber('2.5')).toBe(2.5);
    expect(parseGermanNumber('20000')).toBe(20000);
    expect(parseGermanNumber('20.000')).toBe(20000);
    expect(parseGermanNumber('1.000,5')).toBe(1000.5);
  });

  it('refuses what is no number', () => {
    for (const text of ['', 'ad', '1-2', '2,5,1', ',5']) expect(parseGermanNumber(text)).toBeUndefined();
  });
});

describe('parseStrength', () => {
  it('reads value and unit as printed', () => {
    expect(parseStrength('100 mg')).toEqual({ value: 100, unit: 'mg' });
    expect(parseStrength('2,5mg')).toEqual({ value: 2.5, unit: 'mg' });
    expect(parseStrength('20 mg/ml')).toEqual({ value: 20, unit: 'mg/ml' });
    expect(parseStrength('0,1 %')).toEqual({ value: 0.1, unit: '%' });
    expect(parseStrength('20.000 I.E.')).toEqual({ value: 20000, unit: 'I.E.' });
  });

  it('gives up on amounts that are not a strength', () => {
    for (const text of ['ad 100,0 g', '1-2 mg', '100', 'mg', '']) expect(parseStrength(text)).toBeUndefined();
  });
});

describe('sameStrength', () => {
  it('is the same value in the same unit, whatever the spelling', () => {
    expect(sameStrength({ value: 100, unit: 'µg' }, { value: 100, unit: 'mcg' })).toBe(true);
    expect(sameStrength({ value: 100, unit: 'μg' }, { value: 100, unit: 'ug' })).toBe(true);
    expect(sameStrength({ value: 1000, unit: 'IE' }, { value: 1000, unit: 'I.E.' })).toBe(true);
    expect(sameStrength({ value: 20, unit: 'mg/ml' }, { value: 20, unit: 'MG/ML' })).toBe(true);
  });

  it('converts masses', () => {
    expect(sameStrength({ value: 1, unit: 'g' }, { value: 1000, unit: 'mg' })).toBe(true);
    expect(sameStrength({ value: 0.1, unit: 'mg' }, { value: 100, unit: 'µg' })).toBe(true);
    expect(sameStrength({ value: 1, unit: 'g/ml' }, { value: 1000, unit: 'mg/ml' })).toBe(true);
  });

  it('differs in value, or in units that do not convert', () => {
    expect(sameStrength({ value: 500, unit: 'mg' }, { value: 1000, unit: 'mg' })).toBe(false);
    expect(sameStrength({ value: 20, unit: 'mg' }, { value: 20, unit: 'mg/ml' })).toBe(false);
    expect(sameStrength({ value: 1, unit: '%' }, { value: 10, unit: 'mg/g' })).toBe(false);
  });
});

it('formatStrength writes a German decimal comma', () => {
  expect(formatStrength({ value: 2.5, unit: 'mg' })).toBe('2,5 mg');
  expect(formatStrength({ value: 0.1 + 0.2, unit: 'mg' })).toBe('0,3 mg');
});
