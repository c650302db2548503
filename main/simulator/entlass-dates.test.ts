import { describe, expect, it } from 'vitest';
import { entlassAcceptDate, isFachdienstWorkingDay, shortensAcceptDate } from './entlass-dates';

describe("the Fachdienst's Entlassrezept Belieferungsfrist (A_19517)", () => {
  it('counts the signing day and Saturday: signed Friday 23.04.2021, supplied until Monday 26.04.2021', () => {
    // the Fachdienst's own example (TaskTest AcceptDate3WorkDays)
    expect(entlassAcceptDate('2021-04-23')).toBe('2021-04-26');
  });

  it('skips Sundays and national holidays, and starts on the next working day when signed on one', () => {
    // Wednesday 23.12.2026: Wednesday, Thursday 24th, (25th, 26th holidays, 27th Sunday) Monday 28th
    expect(entlassAcceptDate('2026-12-23')).toBe('2026-12-28');
    // signed on Sunday 08.11.2026: Monday, Tuesday, Wednesday
    expect(entlassAcceptDate('2026-11-08')).toBe('2026-11-11');
    // signed on Karfreitag 03.04.2026: Saturday 4th, (Easter Sunday, Easter Monday) Tuesday 7th, Wednesday 8th
    expect(entlassAcceptDate('2026-04-03')).toBe('2026-04-08');
  });

  it('takes another number of days when the Fachdienst is configured so', () => {
    expect(entlassAcceptDate('2026-11-10', 1)).toBe('2026-11-10');
    expect(entlassAcceptDate('2026-11-10', 6)).toBe('2026-11-16');
  });

  it('knows its working days: Monday to Saturday without national holidays', () => {
    expect(isFachdienstWorkingDay('2026-11-14')).toBe(true); // Saturday
    expect(isFachdienstWorkingDay('2026-11-15')).toBe(false); // Sunday
    expect(isFachdienstWorkingDay('2026-10-03')).toBe(false); // Tag der Deutschen Einheit
  });

  it('shortens only for Entlassmanagement (04, 14)', () => {
    expect(['00', '01', '04', '07', '10', '11', '14', '17', undefined].filter(shortensAcceptDate)).toEqual(['04', '14']);
  });
});
