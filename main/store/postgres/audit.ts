/**
 * The audit trail in the PostgreSQL store: ONE hash chain for the whole pharmacy (docs/multi-counter.md §6), the
 * same entries and hashes as the SQLite AuditRepository (../audit.ts). Counters append at the same time, so reading
 * the previous hash and inserting must be atomic across connections: a transaction-level advisory lock serialises
 * appends (held to the end of the writing unit of work); READ COMMITTED takes a new snapshot for the statement after
 * the lock, so it sees the entry the previous holder committed.
 */
import { entryHash, GENESIS, type AuditEntry, type AuditResult, type AuditVerification } from '../audit';
import type { AuditStore } from '../repositories';
import type { PostgresUnitsOfWork } from './unit-of-work';

interface AuditRow {
  /** BIGINT: a string from node-postgres */
  id: string;
  at: string;
  staff: string;
  operation: string;
  prescription_id: string | null;
  result: string;
  http_status: number | null;
  hash: string | null;
}

/** Key of the audit chain's advisory lock: the bytes of "erxaudit" (unique among the store's advisory locks). */
const AUDIT_LOCK_KEY = '7310037505152412020';
const COLUMNS = 'id, at, staff, operation, prescription_id, result, http_status, hash';

export class PostgresAuditRepository implements AuditStore {
  constructor(private readonly units: PostgresUnitsOfWork) {}

  async append(entry: AuditEntry): Promise<void> {
    const row = {
      at: entry.at,
      staff: entry.staff,
      operation: entry.operation,
      prescription_id: entry.prescriptionId ?? null,
      result: entry.result,
      http_status: entry.httpStatus ?? null,
    };
    await this.units.transaction(async () => {
      await this.units.query('SELECT pg_advisory_xact_lock($1::bigint)', [AUDIT_LOCK_KEY]);
      const last = await this.units.query<{ hash: string | null }>('SELECT hash FROM audit ORDER BY id DESC LIMIT 1');
      const hash = entryHash(last.rows[0]?.hash ?? GENESIS, row);
      await this.units.query(
        'INSERT INTO audit (at, staff, operation, prescription_id, result, http_status, hash) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [row.at, row.staff, row.operation, row.prescription_id, row.result, row.http_status, hash],
      );
    });
  }

  /** Oldest first; for one prescription or all. */
  async list(prescriptionId?: string): Promise<AuditEntry[]> {
    const { rows } = await this.units.query<AuditRow>(`SELECT ${COLUMNS} FROM audit WHERE ($1::text IS NULL OR prescription_id = $1) ORDER BY id`, [
      prescriptionId ?? null,
    ]);
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
   * Walks the whole chain, as the SQLite engine does: entries without a hash count as unchained only before the
   * chain began; a missing hash after that, or any hash that does not match, breaks it.
   */
  async verify(): Promise<AuditVerification> {
    const { rows } = await this.units.query<AuditRow>(`SELECT ${COLUMNS} FROM audit ORDER BY id`);
    let previous: string | undefined;
    let chained = 0;
    let unchained = 0;
    for (const row of rows) {
      if (row.hash === null) {
        if (previous !== undefined) return { ok: false, brokenAtId: Number(row.id), reason: 'missing-hash' };
        unchained++;
        continue;
      }
      if (entryHash(previous ?? GENESIS, row) !== row.hash) return { ok: false, brokenAtId: Number(row.id), reason: 'hash-mismatch' };
      previous = row.hash;
      chained++;
    }
    return { ok: true, chained, unchained };
  }
}
