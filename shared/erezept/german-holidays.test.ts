import { describe, expect, it } from 'vitest';
import { easterSunday, germanNationalHolidays } from './german-holidays';

describe('German national holidays', () => {
  it('knows Easter Sunday', () => {
    expect(easterSunday(2026)).toBe('2026-04-05');
    expect(easterSunday(2027)).toBe('2027-03-28');
    expect(easterSunday(2024)).toBe('2024-03-31');
  });

  it('lists the nine national holidays, movable ones from Easter', () => {
    const h = germanNationalHolidays(2026);
    expect(h.size).toBe(9);
    for (const day of ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-01', '2026-05-14', '2026-05-25', '2026-10-03', '2026-12-25', '2026-12-26']) {
      expect(h.has(day)).toBe(true);
    }
  });
});
