/**
 * The audit trail in the PostgreSQL store: ONE hash chain for the whole pharmacy (docs/multi-counter.md §6), the
 * same entries and hashes as the SQLite AuditRepository (../audit.ts). Counters append at the same time, so reading
 * the previous hash and inserting must be atomic across connections: a transaction-level advisory lock serialises
 * appends (held to the end of the writing unit of work); READ COMMITTED takes a new snapshot for the statement after
 * the lock, so it sees the entry the previous holder committed.
 */
import type { AuditEntry, AuditVerification } from '../audit';
import { AUDIT_COLUMNS, auditEntryFromRow, chainedAuditValues, verifyAuditChain, type AuditRow } from '../records/audit-record';
import type { AuditStore } from '../repositories';
import type { PostgresUnitsOfWork } from './unit-of-work';

/** A row as node-postgres answers it: the BIGINT `id` as a string. */
type PostgresRow = Omit<AuditRow, 'id'> & { id: string };

const fromPostgres = (row: PostgresRow): AuditRow => ({ ...row, id: Number(row.id) });

/** Key of the audit chain's advisory lock: the bytes of "erxaudit" (unique among the store's advisory locks). */
const AUDIT_LOCK_KEY = '7310037505152412020';

export class PostgresAuditRepository implements AuditStore {
  constructor(private readonly units: PostgresUnitsOfWork) {}

  async append(entry: AuditEntry): Promise<void> {
    await this.units.transaction(async () => {
      await this.units.query('SELECT pg_advisory_xact_lock($1::bigint)', [AUDIT_LOCK_KEY]);
      const last = await this.units.query<{ hash: string | null }>('SELECT hash FROM audit ORDER BY id DESC LIMIT 1');
      await this.units.query(
        'INSERT INTO audit (at, staff, operation, prescription_id, result, http_status, hash) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        chainedAuditValues(entry, last.rows[0]?.hash),
      );
    });
  }

  /** Oldest first; for one prescription or all. */
  async list(prescriptionId?: string): Promise<AuditEntry[]> {
    const { rows } = await this.units.query<PostgresRow>(`SELECT ${AUDIT_COLUMNS} FROM audit WHERE ($1::text IS NULL OR prescription_id = $1) ORDER BY id`, [
      prescriptionId ?? null,
    ]);
    return rows.map((r) => auditEntryFromRow(fromPostgres(r)));
  }

  /** Walks the whole chain, as the SQLite engine does (records/audit-record.ts, verifyAuditChain). */
  async verify(): Promise<AuditVerification> {
    const { rows } = await this.units.query<PostgresRow>(`SELECT ${AUDIT_COLUMNS} FROM audit ORDER BY id`);
    return verifyAuditChain(rows.map(fromPostgres));
  }
}
