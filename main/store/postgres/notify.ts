/**
 * Live updates across counters (docs/multi-counter.md §3): every write that changes a case notifies
 * `erx_case_changed` with its PrescriptionID inside the writing transaction — PostgreSQL delivers a notification
 * only on COMMIT (none after a ROLLBACK) and folds identical ones of one transaction into one. Messages and owed
 * operations also notify their own channel, settings theirs (settings.ts), the article master its own (articles.ts);
 * each counter LISTENs and reloads.
 */
import type { PostgresUnitsOfWork } from './unit-of-work';

export const CASE_CHANGED = 'erx_case_changed';
export const MESSAGES_CHANGED = 'erx_messages_changed';
export const PENDING_CHANGED = 'erx_pending_changed';
export const SETTINGS_CHANGED = 'erx_settings_changed';
/** the article master was replaced or cleared (docs/article-master.md): every counter drops its cached lookups */
export const ARTICLES_CHANGED = 'erx_articles_changed';

type Channel = typeof CASE_CHANGED | typeof MESSAGES_CHANGED | typeof PENDING_CHANGED | typeof SETTINGS_CHANGED | typeof ARTICLES_CHANGED;

/**
 * Notifies `channel` once per payload (e.g. PrescriptionIDs) in one statement. Call it inside the unit of work that
 * wrote: outside one, the notification would go out at once, before (or without) the write it announces.
 */
export async function notify(units: PostgresUnitsOfWork, channel: Channel, payloads: Iterable<string>): Promise<void> {
  const distinct = [...new Set(payloads)];
  if (distinct.length === 0) return;
  if (units.unit() === undefined) throw new Error(`notify(${channel}) outside a unit of work`);
  await units.query('SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload', [channel, distinct]);
}

/** The case(s) changed: `erx_case_changed` with each PrescriptionID (§3). */
export const notifyCasesChanged = (units: PostgresUnitsOfWork, prescriptionIds: Iterable<string>): Promise<void> =>
  notify(units, CASE_CHANGED, prescriptionIds);
