import type { CaseDetail } from '../../../../../shared/ipc/contract';

/** When the Fachdienst last confirmed a $dispense of this case (lastMedicationDispense, spec §5), if ever. */
export function lastConfirmedDispenseAt(detail: CaseDetail): string | undefined {
  if (detail.lastDispenseAt) return detail.lastDispenseAt;
  const confirmed = detail.submissions
    .filter((s) => s.operation === 'dispense' && s.state === 'confirmed' && s.completedAt)
    .map((s) => s.completedAt!)
    .sort();
  return confirmed.at(-1);
}
