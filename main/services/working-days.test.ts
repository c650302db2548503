import { describe, expect, it } from 'vitest';
import { closeDeadlineState, isWorkingDay, nextWorkingDay } from './working-days';

describe('closing deadline working days (spec §9.4)', () => {
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
