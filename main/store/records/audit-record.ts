/**
 * The audit row ↔ entry mapping and its hash chain (architecture §7), shared by both store engines: a store moved
 * from SQLite into PostgreSQL keeps its chain valid, and the PostgreSQL engine keeps ONE chain for the pharmacy
 * (docs/multi-counter.md §6). PostgreSQL answers the BIGINT `id` as a string; its repository converts it, so the
 * row here holds a number.
 */
import { createHash } from 'node:crypto';
import type { AuditEntry, AuditResult, AuditVerification } from '../audit';

export interface AuditRow {
  id: number;
  at: string;
  staff: string;
  operation: string;
  prescription_id: string | null;
  result: string;
  http_status: number | null;
  hash: string | null;
}

/** The fields the hash covers, as an entry is inserted. */
type AuditFields = Omit<AuditRow, 'id' | 'hash'>;

/** The SELECT list of an AuditRow. */
export const AUDIT_COLUMNS = 'id, at, staff, operation, prescription_id, result, http_status, hash';

const GENESIS = '0'.repeat(64);

function entryHash(previous: string, row: AuditFields): string {
  const fields = [previous, row.at, row.staff, row.operation, row.prescription_id, row.result, row.http_status];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/**
 * The values of `INSERT INTO audit (at, staff, operation, prescription_id, result, http_status, hash)` for an entry
 * that follows the entry hashed `lastHash` (none: the chain starts here).
 */
export function chainedAuditValues(entry: AuditEntry, lastHash: string | null | undefined): [string, string, string, string | null, string, number | null, string] {
  const fields: AuditFields = {
    at: entry.at,
    staff: entry.staff,
    operation: entry.operation,
    prescription_id: entry.prescriptionId ?? null,
    result: entry.result,
    http_status: entry.httpStatus ?? null,
  };
  const hash = entryHash(lastHash ?? GENESIS, fields);
  return [fields.at, fields.staff, fields.operation, fields.prescription_id, fields.result, fields.http_status, hash];
}

export function auditEntryFromRow(r: AuditRow): AuditEntry {
  return {
    at: r.at,
    staff: r.staff,
    operation: r.operation,
    prescriptionId: r.prescription_id ?? undefined,
    result: r.result as AuditResult,
    httpStatus: r.http_status ?? undefined,
  };
}

/**
 * Walks the whole chain, oldest first. Entries from before the chain existed (no hash, only at the start) are
 * counted as unchained; a missing hash after the chain began, or any hash that does not match, breaks it.
 */
export function verifyAuditChain(rows: readonly AuditRow[]): AuditVerification {
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
