import { describe, expect, it } from 'vitest';
import { addDays, addMonths, berlinDate, germanDate, isIsoDate } from './dates';

describe('German local dates (A_27660)', () => {
  it('uses the Berlin date, not the UTC date, around midnight', () => {
    // 23:30 UTC on 2026-11-24 is already 00:30 on the 25th in Berlin (CET = UTC+1).
    expect(berlinDate(new Date('2026-11-24T23:30:00Z'))).toBe('2026-11-25');
    // 22:30 UTC is 23:30 Berlin time: still the 24th.
    expect(berlinDate(new Date('2026-11-24T22:30:00Z'))).toBe('2026-11-24');
    // summer time (CEST = UTC+2)
    expect(berlinDate(new Date('2026-07-01T22:30:00Z'))).toBe('2026-07-02');
  });
  it('does calendar arithmetic', () => {
    expect(addDays('2026-02-27', 2)).toBe('2026-03-01');
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-11-25', 3)).toBe('2027-02-25');
    expect(germanDate('2026-03-01')).toBe('01.03.2026');
  });
  it('recognises real dates only', () => {
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2026-1-01')).toBe(false);
  });
});
