/**
 * Which workflow profile version the Fachdienst accepts for a set of dispense data (spec §0, §6.1):
 * the reference date is max(whenHandedOver) over all MedicationDispenses of the request (A_23384-05),
 * and every profile in one request must carry that one version (A_27047-01).
 */
import { berlinDate } from '../../erezept/dates';

export type WorkflowVersion = '1.5' | '1.6';

/** First dispense date for which workflow 1.6 is accepted. */
export const WORKFLOW_1_6_VALID_FROM = '2026-07-01';
/** Last dispense date for which workflow 1.5 is accepted. */
export const WORKFLOW_1_5_VALID_UNTIL = '2026-09-30';
/** 1.5 stays "einstellbar" (accepted for dates in its window) until this German date. */
export const WORKFLOW_1_5_ACCEPTED_UNTIL = '2027-04-10';

/** The versions the Fachdienst accepts for dispense data whose newest handover date is `maxWhenHandedOver`. */
export function profileVersionFor(maxWhenHandedOver: string, now: Date): WorkflowVersion[] {
  const versions: WorkflowVersion[] = [];
  if (maxWhenHandedOver <= WORKFLOW_1_5_VALID_UNTIL && berlinDate(now) <= WORKFLOW_1_5_ACCEPTED_UNTIL) versions.push('1.5');
  if (maxWhenHandedOver >= WORKFLOW_1_6_VALID_FROM) versions.push('1.6');
  return versions;
}

/** The latest of some YYYY-MM-DD dates (string order is date order), undefined for none. */
export function latestDate(dates: readonly string[]): string | undefined {
  let latest: string | undefined;
  for (const d of dates) if (latest === undefined || d > latest) latest = d;
  return latest;
}

/** Splits a canonical `url|version`; the version is undefined when absent. */
export function splitCanonical(canonical: string): { url: string; version?: string } {
  const bar = canonical.indexOf('|');
  return bar < 0 ? { url: canonical } : { url: canonical.slice(0, bar), version: canonical.slice(bar + 1) };
}

/**
 * major.minor of a profile version ("1.6.4" → "1.6"). Since 1.5 meta.profile carries two digits; a
 * three-digit version is read leniently, because the simulator must not be stricter than the Fachdienst.
 */
export function majorMinor(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}
