/**
 * The Belieferungsfrist the Fachdienst gives an Entlassrezept (legal basis 04 or 14, spec §1.2, A_19517): 3 working
 * days, the signing day the first of them — or, when the signing day is none, the next working day. The Fachdienst
 * counts Monday to Saturday except the national holidays (its WorkDay; the number of days is its configuration,
 * 3 in production). Only acceptDate changes; the Einlösefrist stays the flow type's.
 */
import { addDays } from '../../shared/erezept/dates';
import { germanNationalHolidays } from '../../shared/erezept/german-holidays';
import { isDischargePrescription } from '../../shared/fhir/kbv/legal-basis';

export const ENTLASSREZEPT_WORKING_DAYS = 3;

/** A Werktag as the Fachdienst counts it: not a Sunday, not a national holiday (Saturday counts). */
export function isFachdienstWorkingDay(date: string): boolean {
  if (new Date(`${date}T00:00:00Z`).getUTCDay() === 0) return false;
  return !germanNationalHolidays(Number(date.slice(0, 4))).has(date);
}

/** The last day of the Entlassrezept's Belieferungsfrist (YYYY-MM-DD). */
export function entlassAcceptDate(signingDay: string, workingDays: number = ENTLASSREZEPT_WORKING_DAYS): string {
  let day = signingDay;
  while (!isFachdienstWorkingDay(day)) day = addDays(day, 1);
  // the first working day is the signing day itself: workingDays − 1 more
  for (let left = workingDays - 1; left > 0; ) {
    day = addDays(day, 1);
    if (isFachdienstWorkingDay(day)) left--;
  }
  return day;
}

/** Whether the Fachdienst shortens the Belieferungsfrist for this legal basis (KBV Statuskennzeichen). */
export const shortensAcceptDate = (legalBasis: string | undefined): boolean =>
  legalBasis !== undefined && isDischargePrescription(legalBasis);
