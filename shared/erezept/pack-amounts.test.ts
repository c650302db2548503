import { describe, expect, it } from 'vitest';
import { formatPackAmount, parsePackAmount, samePackAmount, sumPackAmounts, timesPacks } from './pack-amounts';

describe('parsePackAmount', () => {
  it('reads pack sizes as printed', () => {
    expect(parsePackAmount('20 St')).toEqual({ value: 20, unit: 'St' });
    expect(parsePackAmount('100 ml')).toEqual({ value: 100, unit: 'ml' });
    expect(parsePackAmount('2,5 g')).toEqual({ value: 2.5, unit: 'g' });
    expect(parsePackAmount('50 Stück')).toEqual({ value: 50, unit: 'St' });
    expect(parsePackAmount('50 Stk.')).toEqual({ value: 50, unit: 'St' });
  });

  it('multiplies „3x10 St“ out', () => {
    expect(parsePackAmount('3x10 St')).toEqual({ value: 30, unit: 'St' });
    expect(parsePackAmount('2 × 5 ml')).toEqual({ value: 10, unit: 'ml' });
  });

  it('brings litres and kilograms to ml and g', () => {
    expect(parsePackAmount('1 l')).toEqual({ value: 1000, unit: 'ml' });
    expect(parsePackAmount('0,5 kg')).toEqual({ value: 500, unit: 'g' });
  });

  it('knows no contents in a Normgröße, a pack count or nothing', () => {
    for (const text of ['N1', '1 Packung', '1 OP', '', 'St', '0 St', undefined]) expect(parsePackAmount(text)).toBeUndefined();
  });
});

describe('amount arithmetic', () => {
  it('multiplies by packs and sums one unit', () => {
    expect(timesPacks({ value: 20, unit: 'St' }, 3)).toEqual({ value: 60, unit: 'St' });
    expect(timesPacks({ value: 0.1, unit: 'g' }, 3)).toEqual({ value: 0.3, unit: 'g' });
    expect(sumPackAmounts([{ value: 20, unit: 'St' }, { value: 50, unit: 'St' }])).toEqual({ value: 70, unit: 'St' });
  });

  it('does not sum different units or nothing', () => {
    expect(sumPackAmounts([{ value: 20, unit: 'St' }, { value: 50, unit: 'ml' }])).toBeUndefined();
    expect(sumPackAmounts([])).toBeUndefined();
  });

  it('compares and formats', () => {
    expect(samePackAmount({ value: 3, unit: 'St' }, parsePackAmount('3 St')!)).toBe(true);
    expect(samePackAmount({ value: 3, unit: 'St' }, { value: 3, unit: 'ml' })).toBe(false);
    expect(formatPackAmount({ value: 2.5, unit: 'g' })).toBe('2,5 g');
  });
});
