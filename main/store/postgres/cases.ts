/**
 * Cases in the PostgreSQL store (docs/multi-counter.md §1): the same records, encryption, KVNR HMAC, order and search
 * as the SQLite CaseRepository (../cases.ts). Patient name and medication exist only encrypted, so the free-text
 * search runs over a cache of decrypted summaries here too; a cache entry is valid only while the row holds the same
 * `updated_at` and ciphertext, which keeps it right when another counter changed the row (every save encrypts anew).
 * Every write notifies `erx_case_changed` in its transaction (§3).
 */
import type { PrescriptionId, Secret } from '../../../shared/erezept/identifiers';
import type { CaseStatus } from '../../../shared/ipc/contract';
import { DEFAULT_CASE_LIMIT, type CasePage, type CaseQuery, type CaseRecord, type CaseStatusChange } from '../cases';
import type { Cipher } from '../cipher';
import type { KvnrHasher } from '../kvnr-key';
import { CASE_COLUMNS, CaseCodec, isKvnrQuery, NEWEST_FIRST, SUMMARY_COLUMNS, type CaseRow, type CaseSummaryRow } from '../records/case-record';
import type { CaseStore } from '../repositories';
import { notifyCasesChanged } from './notify';
import type { PostgresUnitsOfWork } from './unit-of-work';

const UPSERT_CASE = `INSERT INTO cases (${CASE_COLUMNS.join(', ')})
  VALUES (${CASE_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
  ON CONFLICT (prescription_id) DO UPDATE SET
  ${CASE_COLUMNS.filter((c) => c !== 'prescription_id')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}`;

export class PostgresCaseRepository implements CaseStore {
  private readonly codec: CaseCodec;

  constructor(
    private readonly units: PostgresUnitsOfWork,
    private readonly cipher: Cipher,
    hashKvnr: KvnrHasher,
  ) {
    this.codec = new CaseCodec(cipher, hashKvnr);
  }

  /** Inserts or replaces the whole case (used at $accept and recovery). */
  async save(record: CaseRecord): Promise<void> {
    const row = this.codec.toRow(record);
    await this.units.transaction(async () => {
      await this.units.query(
        UPSERT_CASE,
        CASE_COLUMNS.map((c) => row[c]),
      );
      await notifyCasesChanged(this.units, [record.prescriptionId]);
    });
    this.codec.saved(record, row);
  }

  async get(id: PrescriptionId): Promise<CaseRecord | undefined> {
    const { rows } = await this.units.query<CaseRow>('SELECT * FROM cases WHERE prescription_id = $1', [id]);
    return rows[0] ? this.codec.fromRow(rows[0]) : undefined;
  }

  /**
   * Newest first, cut to `limit` (default 200), with the number of all matches. Status and KVNR (through its HMAC)
   * are filtered in SQL; the free text matches PrescriptionID, patient name and medication in the decrypted
   * summaries (lower case, German rules), exactly as the SQLite engine does.
   */
  async list(query: CaseQuery = {}): Promise<CasePage> {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (query.statuses && query.statuses.length > 0) {
      params.push([...query.statuses]);
      clauses.push(`status = ANY($${params.length}::text[])`);
    }
    const text = query.text?.trim() ?? '';
    const byKvnr = isKvnrQuery(text);
    if (byKvnr) {
      params.push(this.codec.kvnrHmac(text));
      clauses.push(`kvnr_hmac = $${params.length}`);
    }
    const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
    const limit = query.limit ?? DEFAULT_CASE_LIMIT;

    if (!text || byKvnr) {
      const { rows } = await this.units.query<CaseSummaryRow>(
        `SELECT ${SUMMARY_COLUMNS} FROM cases ${where} ${NEWEST_FIRST} LIMIT $${params.length + 1}`,
        [...params, limit],
      );
      const total = rows.length < limit ? rows.length : await this.count(where, params);
      return { records: rows.map((r) => this.codec.fromSummaryRow(r)), total };
    }

    // Free text: only id, time and ciphertext per candidate; the summaries come from the cache.
    const needle = text.toLocaleLowerCase('de');
    const candidates = await this.units.query<Pick<CaseSummaryRow, 'prescription_id' | 'updated_at' | 'summary_enc'>>(
      `SELECT prescription_id, updated_at, summary_enc FROM cases ${where} ${NEWEST_FIRST}`,
      params,
    );
    const matching = candidates.rows
      .filter((c) => this.codec.matches(c.prescription_id, c.updated_at, c.summary_enc, needle))
      .map((c) => c.prescription_id);
    const page = matching.slice(0, limit);
    if (page.length === 0) return { records: [], total: matching.length };
    const { rows } = await this.units.query<CaseSummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM cases WHERE prescription_id = ANY($1::text[])`, [page]);
    const byId = new Map(rows.map((r) => [r.prescription_id, r]));
    const records = page.flatMap((id) => {
      const row = byId.get(id);
      return row ? [this.codec.fromSummaryRow(row)] : [];
    });
    return { records, total: matching.length };
  }

  /** Fields absent in `change` keep their value; `unsentChanges` is written when given. */
  async updateStatus(
    id: PrescriptionId,
    change: CaseStatusChange,
  ): Promise<void> {
    await this.write(
      id,
      `UPDATE cases SET status = $1, updated_at = $2,
         last_dispense_at = COALESCE($3, last_dispense_at), closed_at = COALESCE($4, closed_at),
         last_confirmed_at = COALESCE($5, last_confirmed_at), last_handover_date = COALESCE($6, last_handover_date),
         unsent_changes = COALESCE($7, unsent_changes)
       WHERE prescription_id = $8`,
      [
        change.status,
        change.updatedAt,
        change.lastDispenseAt ?? null,
        change.closedAt ?? null,
        change.lastConfirmedAt ?? null,
        change.lastHandoverDate ?? null,
        change.unsentChanges ?? null,
        id,
      ],
    );
  }

  /** Whether the saved draft differs from the list the Fachdienst last confirmed (the inbox shows it). */
  async setUnsentChanges(id: PrescriptionId, unsent: boolean): Promise<void> {
    await this.write(id, 'UPDATE cases SET unsent_changes = $1 WHERE prescription_id = $2', [unsent, id]);
  }

  /** Stores a recovered Secret (GET ?ac, spec §3.3); the QES is replaced only when given. */
  async restoreSecret(id: PrescriptionId, secret: Secret, updatedAt: string, qes?: Uint8Array): Promise<void> {
    const enc = this.cipher.encrypt(secret);
    if (qes) {
      await this.write(id, 'UPDATE cases SET secret_enc = $1, qes_enc = $2, updated_at = $3 WHERE prescription_id = $4', [
        enc,
        this.codec.encryptQes(qes),
        updatedAt,
        id,
      ]);
    } else {
      await this.write(id, 'UPDATE cases SET secret_enc = $1, updated_at = $2 WHERE prescription_id = $3', [enc, updatedAt, id]);
    }
  }

  /**
   * After $reject/$abort (A_19251, A_19245): token, Secret and prescription data go, the row stays with
   * PrescriptionID, status, times and staff; the draft goes in the same transaction. (Old row versions stay in the
   * table files until VACUUM — the background owner's job, docs/multi-counter.md §6.)
   */
  async erasePersonalData(id: PrescriptionId, status: CaseStatus, updatedAt: string, endedBy?: string): Promise<void> {
    await this.units.transaction(async () => {
      await this.units.query(
        `UPDATE cases SET status = $1, updated_at = $2, ended_at = $2, ended_by = COALESCE($3, ended_by), unsent_changes = FALSE,
           kvnr_hmac = NULL, summary_enc = NULL, access_code_enc = NULL,
           secret_enc = NULL, qes_enc = NULL, prescription_enc = NULL, prescription_xml_enc = NULL
         WHERE prescription_id = $4`,
        [status, updatedAt, endedBy ?? null, id],
      );
      await this.units.query('DELETE FROM drafts WHERE prescription_id = $1', [id]);
      await notifyCasesChanged(this.units, [id]);
    });
    this.codec.erased(id);
  }

  /** One statement that changes case `id`, with its notification, in one transaction. */
  private async write(id: PrescriptionId, sql: string, params: readonly unknown[]): Promise<void> {
    await this.units.transaction(async () => {
      await this.units.query(sql, params);
      await notifyCasesChanged(this.units, [id]);
    });
  }

  private async count(where: string, params: readonly unknown[]): Promise<number> {
    // COUNT(*) is a BIGINT, which node-postgres answers as a string
    const { rows } = await this.units.query<{ n: string }>(`SELECT COUNT(*) AS n FROM cases ${where}`, params);
    return Number(rows[0]?.n ?? 0);
  }
}
