/**
 * The redemption deadlines of an open case against today's German date (spec §4 "Redemption windows", §9.3).
 * Both dates are the Task's own — GEM_ERP_EX_AcceptDate and GEM_ERP_EX_ExpiryDate as the Fachdienst set them on
 * $activate and sent them with $accept — and are authoritative: they already hold every special case (T-Rezept,
 * PKV, Mehrfachverordnung, the Entlassrezept's working days, A_19517). Nothing here derives a date from the issue
 * date; a date the Task does not carry gives no finding.
 * After the Belieferungsfrist (acceptDate) a warning — the insurer no longer pays, supply only as a private
 * prescription (A_23798, A_23799); after the Einlösefrist (expiryDate) an error — it must not be supplied any more
 * (A_23800). The pre-flight (pharmacyChecks) applies the same rule to each handover date. The messages are the
 * pharmacist's: what happened and what to do, no requirement ids.
 */
import { germanDate } from '../../shared/erezept/dates';
import type { Finding } from '../../shared/erezept/findings';

export const DeadlineCodes = {
  acceptDatePassed: 'DEADLINE_ACCEPT_DATE_PASSED',
  expired: 'DEADLINE_EXPIRED',
} as const;

/** `today` and both dates are German dates, YYYY-MM-DD (A_27660); the last day of a deadline still counts. */
export function deadlineFindings(dates: { acceptDate?: string; expiryDate?: string }, today: string): Finding[] {
  const { acceptDate, expiryDate } = dates;
  if (expiryDate && today > expiryDate) {
    return [
      {
        severity: 'error',
        code: DeadlineCodes.expired,
        message: `Einlösefrist am ${germanDate(expiryDate)} abgelaufen: Das Rezept darf nicht mehr beliefert werden. Bitte den Patienten an die verordnende Praxis verweisen.`,
        path: 'expiryDate',
      },
    ];
  }
  if (acceptDate && today > acceptDate) {
    return [
      {
        severity: 'warning',
        code: DeadlineCodes.acceptDatePassed,
        message: `Belieferungsfrist am ${germanDate(acceptDate)} überschritten: Die Krankenkasse übernimmt die Kosten nicht mehr; eine Abgabe ist nur noch als Privatrezept möglich, der Patient zahlt selbst.`,
        path: 'acceptDate',
      },
    ];
  }
  return [];
}
