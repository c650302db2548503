/**
 * The closing deadline (spec §9.4): a dispensed prescription must be closed ($close) by the end of the next
 * working day after the handover (framework contract). Working days are Monday to Friday except the German
 * national holidays (shared/erezept/german-holidays.ts); regional holidays (e.g. Fronleichnam, Reformationstag)
 * differ by Land and are not counted, which errs on the early side. All values are German local dates YYYY-MM-DD
 * (A_27660).
 */
import { addDays } from '../../shared/erezept/dates';
import { germanNationalHolidays } from '../../shared/erezept/german-holidays';

export function isWorkingDay(date: string): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  return !germanNationalHolidays(Number(date.slice(0, 4))).has(date);
}

/** The first working day after `date`. */
export function nextWorkingDay(date: string): string {
  let day = addDays(date, 1);
  while (!isWorkingDay(day)) day = addDays(day, 1);
  return day;
}

export type CloseDeadlineState = 'open' | 'due-today' | 'overdue';

/** Where `today` stands against the deadline day (both German dates; the deadline is the end of that day). */
export function closeDeadlineState(deadline: string, today: string): CloseDeadlineState {
  if (today < deadline) return 'open';
  return today === deadline ? 'due-today' : 'overdue';
}
