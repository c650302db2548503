/**
 * The audit trail (architecture §7): ids, operation, result, staff and time — never names, KVNRs or secrets,
 * so the table needs no encryption and can be shown to support as is.
 */
import type { Database } from 'better-sqlite3';

export type AuditResult = 'ok' | 'failed' | 'unknown';

export interface AuditEntry {
  at: string;
  staff: string;
  /** e.g. accept, dispense, close, recover, reconcile-close, draft */
  operation: string;
  prescriptionId?: string;
  result: AuditResult;
  httpStatus?: number;
}

export class AuditRepository {
  constructor(private readonly db: Database) {}

  append(entry: AuditEntry): void {
    this.db
      .prepare('INSERT INTO audit (at, staff, operation, prescription_id, result, http_status) VALUES (?, ?, ?, ?, ?, ?)')
      .run(entry.at, entry.staff, entry.operation, entry.prescriptionId ?? null, entry.result, entry.httpStatus ?? null);
  }

  /** Oldest first; for one prescription or all. */
  list(prescriptionId?: string): AuditEntry[] {
    const rows = this.db
      .prepare<[{ id: string | null }], { at: string; staff: string; operation: string; prescription_id: string | null; result: string; http_status: number | null }>(
        'SELECT at, staff, operation, prescription_id, result, http_status FROM audit WHERE (@id IS NULL OR prescription_id = @id) ORDER BY id',
      )
      .all({ id: prescriptionId ?? null });
    return rows.map((r) => ({
      at: r.at,
      staff: r.staff,
      operation: r.operation,
      prescriptionId: r.prescription_id ?? undefined,
      result: r.result as AuditResult,
      httpStatus: r.http_status ?? undefined,
    }));
  }
}
