/**
 * Local cases (architecture §7): one per PrescriptionID. The Secret and AccessCode are stored the moment
 * $accept answers (A_19169-01, spec §3.2: losing the Secret blocks the prescription); the QES and the
 * prescription read from it, patient name and KVNR go through the Cipher.
 */
import type { Database } from 'better-sqlite3';
import type { AccessCode, PrescriptionId, Secret } from '../../shared/erezept/identifiers';
import type { PrescriptionView } from '../../shared/erezept/prescription';
import type { CaseStatus } from '../../shared/ipc/contract';
import type { Cipher } from './cipher';
import type { KvnrHasher } from './kvnr-key';
import { CaseCodec, isKvnrQuery, NEWEST_FIRST, SUMMARY_COLUMNS, type CaseRow, type CaseSummaryRow } from './records/case-record';

export interface CaseRecord {
  prescriptionId: PrescriptionId;
  flowType: string;
  status: CaseStatus;
  /** instant of the successful $accept */
  acceptedAt: string;
  /** Kürzel of the staff member who accepted */
  acceptedBy: string;
  /** Belieferungsfrist / Einlösefrist, German dates YYYY-MM-DD (A_23797) */
  acceptDate?: string;
  expiryDate?: string;
  lastDispenseAt?: string;
  closedAt?: string;
  updatedAt: string;
  /** when the Fachdienst last confirmed a submission ($dispense 204, $close 200) */
  lastConfirmedAt?: string;
  /** the latest whenHandedOver of the list the Fachdienst last confirmed (German date; spec §9.4 deadline) */
  lastHandoverDate?: string;
  /** the draft differs from the list the Fachdienst last confirmed (or nothing was confirmed yet) */
  unsentChanges?: boolean;
  /** $reject/$abort: when and by whom (A_19251 keeps times and staff) */
  endedAt?: string;
  endedBy?: string;
  patientName?: string;
  kvnr?: string;
  medicationLabel?: string;
  accessCode?: AccessCode;
  secret?: Secret;
  /** the PKCS#7 (CAdES) Binary from $accept */
  qes?: Uint8Array;
  prescription?: PrescriptionView;
  prescriptionXml?: string;
  prescriptionError?: string;
}

export interface CaseQuery {
  /** free text: patient name, medication, PrescriptionID; a KVNR matches exactly through its HMAC */
  text?: string;
  statuses?: readonly CaseStatus[];
  limit?: number;
}

/** A status change of `updateStatus`: absent fields keep their value. */
export interface CaseStatusChange {
  status: CaseStatus;
  updatedAt: string;
  lastDispenseAt?: string;
  closedAt?: string;
  lastConfirmedAt?: string;
  lastHandoverDate?: string;
  unsentChanges?: boolean;
}

/** SQLite stores the boolean `unsent_changes` as 0/1; the shared codec's rows hold a boolean. */
type SqliteRow<R extends CaseSummaryRow> = Omit<R, 'unsent_changes'> & { unsent_changes: number };

const summaryFromSqlite = (row: SqliteRow<CaseSummaryRow>): CaseSummaryRow => ({ ...row, unsent_changes: row.unsent_changes === 1 });
const rowFromSqlite = (row: SqliteRow<CaseRow>): CaseRow => ({ ...row, unsent_changes: row.unsent_changes === 1 });
const toSqlite = (row: CaseRow): SqliteRow<CaseRow> => ({ ...row, unsent_changes: row.unsent_changes ? 1 : 0 });

/** The inbox page when the caller names none (contract `erx:listCases`). */
export const DEFAULT_CASE_LIMIT = 200;

export interface CasePage {
  /** the newest `limit` matching cases */
  records: CaseRecord[];
  /** how many cases match */
  total: number;
}

export class CaseRepository {
  private readonly codec: CaseCodec;

  constructor(
    private readonly db: Database,
    private readonly cipher: Cipher,
    hashKvnr: KvnrHasher,
  ) {
    this.codec = new CaseCodec(cipher, hashKvnr);
  }

  /** Inserts or replaces the whole case (used at $accept and recovery). */
  save(record: CaseRecord): void {
    const row = this.codec.toRow(record);
    this.db
      .prepare(
        `INSERT INTO cases (prescription_id, flow_type, status, accepted_at, accepted_by, accept_date, expiry_date,
           last_dispense_at, closed_at, updated_at, last_confirmed_at, last_handover_date, unsent_changes, ended_at,
           ended_by, kvnr_hmac, summary_enc, access_code_enc, secret_enc, qes_enc, prescription_enc,
           prescription_xml_enc, prescription_error)
         VALUES (@prescription_id, @flow_type, @status, @accepted_at, @accepted_by, @accept_date, @expiry_date,
           @last_dispense_at, @closed_at, @updated_at, @last_confirmed_at, @last_handover_date, @unsent_changes,
           @ended_at, @ended_by, @kvnr_hmac, @summary_enc, @access_code_enc, @secret_enc, @qes_enc,
           @prescription_enc, @prescription_xml_enc, @prescription_error)
         ON CONFLICT (prescription_id) DO UPDATE SET
           flow_type = excluded.flow_type, status = excluded.status, accepted_at = excluded.accepted_at,
           accepted_by = excluded.accepted_by, accept_date = excluded.accept_date, expiry_date = excluded.expiry_date,
           last_dispense_at = excluded.last_dispense_at, closed_at = excluded.closed_at, updated_at = excluded.updated_at,
           last_confirmed_at = excluded.last_confirmed_at, last_handover_date = excluded.last_handover_date,
           unsent_changes = excluded.unsent_changes, ended_at = excluded.ended_at, ended_by = excluded.ended_by,
           kvnr_hmac = excluded.kvnr_hmac, summary_enc = excluded.summary_enc, access_code_enc = excluded.access_code_enc,
           secret_enc = excluded.secret_enc, qes_enc = excluded.qes_enc, prescription_enc = excluded.prescription_enc,
           prescription_xml_enc = excluded.prescription_xml_enc, prescription_error = excluded.prescription_error`,
      )
      .run(toSqlite(row));
    this.codec.saved(record, row);
  }

  get(id: PrescriptionId): CaseRecord | undefined {
    const row = this.db.prepare<[string], SqliteRow<CaseRow>>('SELECT * FROM cases WHERE prescription_id = ?').get(id);
    return row ? this.codec.fromRow(rowFromSqlite(row)) : undefined;
  }

  /**
   * Newest first, cut to `limit` (default 200), with the number of all matches. Status and KVNR (through its
   * HMAC) are filtered in SQL; names and medication exist only encrypted, so the free-text search runs over
   * the repository's cache of decrypted summaries — after the first search nothing is decrypted again.
   */
  list(query: CaseQuery = {}): CasePage {
    const clauses: string[] = [];
    const params: string[] = [];
    if (query.statuses && query.statuses.length > 0) {
      clauses.push(`status IN (${query.statuses.map(() => '?').join(', ')})`);
      params.push(...query.statuses);
    }
    const text = query.text?.trim() ?? '';
    const byKvnr = isKvnrQuery(text);
    if (byKvnr) {
      clauses.push('kvnr_hmac = ?');
      params.push(this.codec.kvnrHmac(text));
    }
    const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
    const limit = query.limit ?? DEFAULT_CASE_LIMIT;

    if (!text || byKvnr) {
      const rows = this.db
        .prepare<(string | number)[], SqliteRow<CaseSummaryRow>>(`SELECT ${SUMMARY_COLUMNS} FROM cases ${where} ${NEWEST_FIRST} LIMIT ?`)
        .all(...params, limit);
      const total =
        rows.length < limit
          ? rows.length
          : (this.db.prepare<string[], { n: number }>(`SELECT COUNT(*) AS n FROM cases ${where}`).get(...params)?.n ?? 0);
      return { records: rows.map((r) => this.codec.fromSummaryRow(summaryFromSqlite(r))), total };
    }

    // Free text: only id, time and ciphertext per candidate; the summaries come from the cache.
    const needle = text.toLocaleLowerCase('de');
    const candidates = this.db
      .prepare<string[], [string, string, string | null]>(`SELECT prescription_id, updated_at, summary_enc FROM cases ${where} ${NEWEST_FIRST}`)
      .raw()
      .all(...params);
    const matching: string[] = [];
    for (const [id, updatedAt, summaryEnc] of candidates) {
      if (this.codec.matches(id, updatedAt, summaryEnc, needle)) matching.push(id);
    }
    const page = matching.slice(0, limit);
    if (page.length === 0) return { records: [], total: matching.length };
    const rows = this.db
      .prepare<string[], SqliteRow<CaseSummaryRow>>(`SELECT ${SUMMARY_COLUMNS} FROM cases WHERE prescription_id IN (${page.map(() => '?').join(', ')})`)
      .all(...page);
    const byId = new Map(rows.map((r) => [r.prescription_id, r]));
    const records = page.flatMap((id) => {
      const row = byId.get(id);
      return row ? [this.codec.fromSummaryRow(summaryFromSqlite(row))] : [];
    });
    return { records, total: matching.length };
  }

  /** Fields absent in `change` keep their value; `unsentChanges` is written when given. */
  updateStatus(
    id: PrescriptionId,
    change: CaseStatusChange,
  ): void {
    this.db
      .prepare(
        `UPDATE cases SET status = ?, updated_at = ?,
           last_dispense_at = COALESCE(?, last_dispense_at), closed_at = COALESCE(?, closed_at),
           last_confirmed_at = COALESCE(?, last_confirmed_at), last_handover_date = COALESCE(?, last_handover_date),
           unsent_changes = COALESCE(?, unsent_changes)
         WHERE prescription_id = ?`,
      )
      .run(
        change.status,
        change.updatedAt,
        change.lastDispenseAt ?? null,
        change.closedAt ?? null,
        change.lastConfirmedAt ?? null,
        change.lastHandoverDate ?? null,
        change.unsentChanges === undefined ? null : change.unsentChanges ? 1 : 0,
        id,
      );
  }

  /** Whether the saved draft differs from the list the Fachdienst last confirmed (the inbox shows it). */
  setUnsentChanges(id: PrescriptionId, unsent: boolean): void {
    this.db.prepare('UPDATE cases SET unsent_changes = ? WHERE prescription_id = ?').run(unsent ? 1 : 0, id);
  }

  /**
   * Stores a recovered Secret (GET ?ac, spec §3.3) without touching status, times or the dispense history;
   * the QES is replaced only when given (it is the same document the Fachdienst holds).
   */
  restoreSecret(id: PrescriptionId, secret: Secret, updatedAt: string, qes?: Uint8Array): void {
    const enc = this.cipher.encrypt(secret);
    if (qes) {
      this.db
        .prepare('UPDATE cases SET secret_enc = ?, qes_enc = ?, updated_at = ? WHERE prescription_id = ?')
        .run(enc, this.codec.encryptQes(qes), updatedAt, id);
    } else {
      this.db.prepare('UPDATE cases SET secret_enc = ?, updated_at = ? WHERE prescription_id = ?').run(enc, updatedAt, id);
    }
  }

  /**
   * After $reject/$abort the pharmacy deletes token, Secret and prescription data (A_19251, A_19245);
   * the case row stays with PrescriptionID, status, times and staff for the audit trail. The draft goes;
   * the submitted lists are emptied by SubmissionRepository.eraseEntries in the same transaction.
   */
  erasePersonalData(id: PrescriptionId, status: CaseStatus, updatedAt: string, endedBy?: string): void {
    this.db
      .prepare(
        `UPDATE cases SET status = ?, updated_at = ?, ended_at = ?, ended_by = COALESCE(?, ended_by), unsent_changes = 0,
           kvnr_hmac = NULL, summary_enc = NULL, access_code_enc = NULL,
           secret_enc = NULL, qes_enc = NULL, prescription_enc = NULL, prescription_xml_enc = NULL
         WHERE prescription_id = ?`,
      )
      .run(status, updatedAt, updatedAt, endedBy ?? null, id);
    this.db.prepare('DELETE FROM drafts WHERE prescription_id = ?').run(id);
    this.codec.erased(id);
  }
}
