/**
 * The audit trail (architecture §7): ids, operation, result, staff and time — never names, KVNRs or secrets,
 * so the table needs no encryption and can be shown to support as is.
 *
 * Entries are hash-chained (architecture §7): each stores SHA-256 over the previous entry's hash and its own
 * fields, so changing, deleting or slipping in an entry is detectable with verify(). This detects tampering
 * with the file by anyone who does not recompute the whole chain; it is no signature.
 */
import { createHash } from 'node:crypto';
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

export type AuditVerification =
  | { ok: true; chained: number; unchained: number }
  | { ok: false; brokenAtId: number; reason: 'hash-mismatch' | 'missing-hash' };

interface AuditRow {
  id: number;
  at: string;
  staff: string;
  operation: string;
  prescription_id: string | null;
  result: string;
  http_status: number | null;
  hash: string | null;
}

export const GENESIS = '0'.repeat(64);

export function entryHash(previous: string, row: Omit<AuditRow, 'id' | 'hash'>): string {
  const fields = [previous, row.at, row.staff, row.operation, row.prescription_id, row.result, row.http_status];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

export class AuditRepository {
  constructor(private readonly db: Database) {}

  append(entry: AuditEntry): void {
    const row = {
      at: entry.at,
      staff: entry.staff,
      operation: entry.operation,
      prescription_id: entry.prescriptionId ?? null,
      result: entry.result,
      http_status: entry.httpStatus ?? null,
    };
    // better-sqlite3 is synchronous on one connection: reading the last hash and inserting cannot interleave.
    const insert = this.db.transaction(() => {
      const last = this.db
        .prepare<[], { hash: string | null }>('SELECT hash FROM audit ORDER BY id DESC LIMIT 1')
        .get();
      const hash = entryHash(last?.hash ?? GENESIS, row);
      this.db
        .prepare(
          'INSERT INTO audit (at, staff, operation, prescription_id, result, http_status, hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(row.at, row.staff, row.operation, row.prescription_id, row.result, row.http_status, hash);
    });
    insert();
  }

  /** Oldest first; for one prescription or all. */
  list(prescriptionId?: string): AuditEntry[] {
    const rows = this.db
      .prepare<[{ id: string | null }], AuditRow>(
        'SELECT id, at, staff, operation, prescription_id, result, http_status, hash FROM audit WHERE (@id IS NULL OR prescription_id = @id) ORDER BY id',
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

  /**
   * Walks the whole chain. Entries from before the chain existed (no hash, only at the start) are counted as
   * unchained; a missing hash after the chain began, or any hash that does not match, breaks it.
   */
  verify(): AuditVerification {
    const rows = this.db
      .prepare<[], AuditRow>('SELECT id, at, staff, operation, prescription_id, result, http_status, hash FROM audit ORDER BY id')
      .all();
    let previous: string | undefined;
    let chained = 0;
    let unchained = 0;
    for (const row of rows) {
      if (row.hash === null) {
        if (previous !== undefined) return { ok: false, brokenAtId: row.id, reason: 'missing-hash' };
        unchained++;
        continue;
      }
      if (entryHash(previous ?? GENESIS, row) !== row.hash) return { ok: false, brokenAtId: row.id, reason: 'hash-mismatch' };
      previous = row.hash;
      chained++;
    }
    return { ok: true, chained, unchained };
  }
}
