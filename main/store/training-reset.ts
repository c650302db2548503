/**
 * Empties the training store when a trainer loads a scenario or resets (trainer panel; the simulator's state is reset
 * with it, docs/simulator.md): every case with its drafts, submissions, receipts and messages, the owed operations and the
 * audit trail go — in one transaction, so the app never shows half a class. Settings (pharmacy, staff list, current
 * staff member, network) stay: they describe the counter, not the exercise. Only ever called for the training store
 * (`<data dir>/training/`).
 */
import type { Database } from 'better-sqlite3';

/** Children before parents (foreign keys); the audit chain starts again from its genesis hash. */
const TABLES_IN_DELETE_ORDER = ['pending_operations', 'receipts', 'submissions', 'drafts', 'messages', 'cases', 'audit'] as const;

export function resetTrainingData(db: Database): void {
  db.transaction(() => {
    for (const table of TABLES_IN_DELETE_ORDER) db.prepare(`DELETE FROM ${table}`).run();
  })();
}
