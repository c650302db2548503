/**
 * The audit trail (architecture §7): ids, operation, result, staff and time — never names, KVNRs or secrets,
 * so the table needs no encryption and can be shown to support as is.
 *
 * Entries are hash-chained (architecture §7): each stores SHA-256 over the previous entry's hash and its own
 * fields, so changing, deleting or slipping in an entry is detectable with verify(). This detects tampering
 * with the file by anyone who does not recompute the whole chain; it is no signature.
 */
import type { Database } from 'better-sqlite3';
import { AUDIT_COLUMNS, auditEntryFromRow, chainedAuditValues, verifyAuditChain, type AuditRow } from './records/audit-record';

/**
 * An operation's outcome — for an `override` entry the code of the pharmacy rule the pharmacist overrode when the
 * list was sent (docs/checks.md). The reason is never audited: it stays with the list version (submissions).
 */
export type AuditResult = 'ok' | 'failed' | 'unknown' | OverriddenRule;

/** The code of an overridden pharmacy safety rule, e.g. PH_SUBSTANCE_DIFFERS. */
export type OverriddenRule = `PH_${string}`;

export interface AuditEntry {
  at: string;
  staff: string;
  /** e.g. accept, dispense, close, recover, reconcile-close, draft, override */
  operation: string;
  prescriptionId?: string;
  result: AuditResult;
  httpStatus?: number;
}

export type AuditVerification =
  | { ok: true; chained: number; unchained: number }
  | { ok: false; brokenAtId: number; reason: 'hash-mismatch' | 'missing-hash' };

export class AuditRepository {
  constructor(private readonly db: Database) {}

  append(entry: AuditEntry): void {
    // better-sqlite3 is synchronous on one connection: reading the last hash and inserting cannot interleave.
    const insert = this.db.transaction(() => {
      const last = this.db
        .prepare<[], { hash: string | null }>('SELECT hash FROM audit ORDER BY id DESC LIMIT 1')
        .get();
      this.db
        .prepare(
          'INSERT INTO audit (at, staff, operation, prescription_id, result, http_status, hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(...chainedAuditValues(entry, last?.hash));
    });
    insert();
  }

  /** Oldest first; for one prescription or all. */
  list(prescriptionId?: string): AuditEntry[] {
    return this.db
      .prepare<[{ id: string | null }], AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit WHERE (@id IS NULL OR prescription_id = @id) ORDER BY id`)
      .all({ id: prescriptionId ?? null })
      .map(auditEntryFromRow);
  }

  /** Walks the whole chain (records/audit-record.ts, verifyAuditChain). */
  verify(): AuditVerification {
    return verifyAuditChain(this.db.prepare<[], AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit ORDER BY id`).all());
  }
}
