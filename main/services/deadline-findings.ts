/**
 * The redemption deadlines of an open case against today's German date (spec §4 "Redemption windows",
 * §9.3): after the Belieferungsfrist (acceptDate) a warning — the insurer no longer pays, supply only as a
 * private prescription (A_23798, A_23799); after the Einlösefrist (expiryDate) an error — it must not be
 * supplied any more (A_23800). The pre-flight (pharmacyChecks) applies the same rule to each handover date.
 */
import { germanDate } from '../../shared/erezept/dates';
import type { Finding } from '../../shared/erezept/findings';

export const DeadlineCodes = {
  acceptDatePassed: 'DEADLINE_ACCEPT_DATE_PASSED',
  expired: 'DEADLINE_EXPIRED',
} as const;

export function deadlineFindings(dates: { acceptDate?: string; expiryDate?: string }, today: string): Finding[] {
  const { acceptDate, expiryDate } = dates;
  if (expiryDate && today > expiryDate) {
    return [
      {
        severity: 'error',
        code: DeadlineCodes.expired,
        message: `Einlösefrist am ${germanDate(expiryDate)} abgelaufen: Das Rezept darf nicht mehr beliefert werden (A_23800). Bitte den Patienten an die verordnende Praxis verweisen.`,
        path: 'expiryDate',
      },
    ];
  }
  if (acceptDate && today > acceptDate) {
    return [
      {
        severity: 'warning',
        code: DeadlineCodes.acceptDatePassed,
        message: `Belieferungsfrist am ${germanDate(acceptDate)} überschritten: Die Krankenkasse übernimmt die Kosten nicht mehr; eine Abgabe ist nur noch als Privatrezept möglich (A_23798, A_23799).`,
        path: 'acceptDate',
      },
    ];
  }
  return [];
}
