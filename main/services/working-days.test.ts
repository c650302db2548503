import { describe, expect, it } from 'vitest';
import { closeDeadlineState, easterSunday, germanNationalHolidays, isWorkingDay, nextWorkingDay } from './working-days';

describe('closing deadline working days (spec §9.4)', () => {
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

  it('a handover on a Monday must be closed by Tuesday', () => {
    expect(nextWorkingDay('2026-10-05')).toBe('2026-10-06');
  });

  it('Friday and Saturday handovers roll over the weekend to Monday', () => {
    expect(nextWorkingDay('2026-10-09')).toBe('2026-10-12');
    expect(nextWorkingDay('2026-10-10')).toBe('2026-10-12');
  });

  it('skips national holidays: Christmas, Easter, Tag der Deutschen Einheit', () => {
    expect(nextWorkingDay('2026-12-24')).toBe('2026-12-28');
    expect(nextWorkingDay('2026-04-02')).toBe('2026-04-07');
    // 2.10.2025 is a Thursday, the 3rd a holiday (Friday)
    expect(nextWorkingDay('2025-10-02')).toBe('2025-10-06');
    expect(isWorkingDay('2026-10-05')).toBe(true);
  });

  it('tells open, due today and overdue apart', () => {
    expect(closeDeadlineState('2026-10-06', '2026-10-05')).toBe('open');
    expect(closeDeadlineState('2026-10-06', '2026-10-06')).toBe('due-today');
    expect(closeDeadlineState('2026-10-06', '2026-10-07')).toBe('overdue');
  });
});
