/**
 * Cases in the PostgreSQL store (docs/multi-counter.md §1): the same records, encryption, KVNR HMAC, order and search
 * as the SQLite CaseRepository (../cases.ts). Patient name and medication exist only encrypted, so the free-text
 * search runs over a cache of decrypted summaries here too; a cache entry is valid only while the row holds the same
 * `updated_at` and ciphertext, which keeps it right when another counter changed the row (every save encrypts anew).
 * Every write notifies `erx_case_changed` in its transaction (§3).
 */
import { z } from 'zod';
import type { AccessCode, PrescriptionId, Secret } from '../../../shared/erezept/identifiers';
import { prescriptionViewSchema, type PrescriptionView } from '../../../shared/erezept/prescription';
import type { CaseStatus } from '../../../shared/ipc/contract';
import { DEFAULT_CASE_LIMIT, type CasePage, type CaseQuery, type CaseRecord } from '../cases';
import type { Cipher } from '../cipher';
import type { KvnrHasher } from '../kvnr-key';
import type { CaseStore } from '../repositories';
import { notifyCasesChanged } from './notify';
import type { PostgresUnitsOfWork } from './unit-of-work';

interface SummaryRow {
  prescription_id: string;
  flow_type: string;
  status: string;
  accepted_at: string;
  accepted_by: string;
  accept_date: string | null;
  expiry_date: string | null;
  last_dispense_at: string | null;
  closed_at: string | null;
  updated_at: string;
  last_confirmed_at: string | null;
  last_handover_date: string | null;
  unsent_changes: boolean;
  ended_at: string | null;
  ended_by: string | null;
  summary_enc: string | null;
  prescription_error: string | null;
}

interface CaseRow extends SummaryRow {
  kvnr_hmac: string | null;
  access_code_enc: string | null;
  secret_enc: string | null;
  qes_enc: string | null;
  prescription_enc: string | null;
  prescription_xml_enc: string | null;
}

/** The columns in the order of INSERT and its parameters. */
const CASE_COLUMNS = [
  'prescription_id',
  'flow_type',
  'status',
  'accepted_at',
  'accepted_by',
  'accept_date',
  'expiry_date',
  'last_dispense_at',
  'closed_at',
  'updated_at',
  'last_confirmed_at',
  'last_handover_date',
  'unsent_changes',
  'ended_at',
  'ended_by',
  'kvnr_hmac',
  'summary_enc',
  'access_code_enc',
  'secret_enc',
  'qes_enc',
  'prescription_enc',
  'prescription_xml_enc',
  'prescription_error',
] as const satisfies readonly (keyof CaseRow)[];

const UPSERT_CASE = `INSERT INTO cases (${CASE_COLUMNS.join(', ')})
  VALUES (${CASE_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
  ON CONFLICT (prescription_id) DO UPDATE SET
  ${CASE_COLUMNS.filter((c) => c !== 'prescription_id')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}`;

/** What the inbox needs of a case: never the QES or the prescription (docs/performance.md, inbox-10k). */
const SUMMARY_COLUMNS = `prescription_id, flow_type, status, accepted_at, accepted_by, accept_date, expiry_date,
  last_dispense_at, closed_at, updated_at, last_confirmed_at, last_handover_date, unsent_changes, ended_at, ended_by,
  summary_enc, prescription_error`;
const NEWEST_FIRST = 'ORDER BY accepted_at DESC, prescription_id';
const KVNR_PATTERN = /^[A-Z][0-9]{9}$/;
/** Parsed prescription views kept (most recently used), as in the SQLite engine. */
const PRESCRIPTION_CACHE_SIZE = 64;

const summarySchema = z.object({
  patientName: z.string().optional(),
  kvnr: z.string().optional(),
  medicationLabel: z.string().optional(),
});
type Summary = z.infer<typeof summarySchema>;

interface CachedSummary {
  updatedAt: string;
  summaryEnc: string | null;
  summary: Summary;
  /** lower-cased PrescriptionID, patient name and medication, joined for the free-text search */
  haystack: string;
}

interface CachedPrescription {
  prescriptionEnc: string;
  view: PrescriptionView;
}

export class PostgresCaseRepository implements CaseStore {
  private readonly summaries = new Map<string, CachedSummary>();
  private readonly prescriptions = new Map<string, CachedPrescription>();

  constructor(
    private readonly units: PostgresUnitsOfWork,
    private readonly cipher: Cipher,
    private readonly hashKvnr: KvnrHasher,
  ) {}

  /** Inserts or replaces the whole case (used at $accept and recovery). */
  async save(record: CaseRecord): Promise<void> {
    const row = this.toRow(record);
    await this.units.transaction(async () => {
      await this.units.query(
        UPSERT_CASE,
        CASE_COLUMNS.map((c) => row[c]),
      );
      await notifyCasesChanged(this.units, [record.prescriptionId]);
    });
    // The caches check the ciphertext on every read, so they stay right even if an outer transaction rolls back.
    if (row.prescription_enc !== null && record.prescription) {
      this.rememberPrescription(record.prescriptionId, { prescriptionEnc: row.prescription_enc, view: record.prescription });
    } else {
      this.prescriptions.delete(record.prescriptionId);
    }
    this.summaries.set(record.prescriptionId, cachedSummary(row.updated_at, row.summary_enc, record.prescriptionId, summaryOf(record)));
  }

  async get(id: PrescriptionId): Promise<CaseRecord | undefined> {
    const { rows } = await this.units.query<CaseRow>('SELECT * FROM cases WHERE prescription_id = $1', [id]);
    return rows[0] ? this.fromRow(rows[0]) : undefined;
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
    const byKvnr = KVNR_PATTERN.test(text.toUpperCase());
    if (byKvnr) {
      params.push(this.hashKvnr(text));
      clauses.push(`kvnr_hmac = $${params.length}`);
    }
    const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
    const limit = query.limit ?? DEFAULT_CASE_LIMIT;

    if (!text || byKvnr) {
      const { rows } = await this.units.query<SummaryRow>(
        `SELECT ${SUMMARY_COLUMNS} FROM cases ${where} ${NEWEST_FIRST} LIMIT $${params.length + 1}`,
        [...params, limit],
      );
      const total = rows.length < limit ? rows.length : await this.count(where, params);
      return { records: rows.map((r) => this.fromSummaryRow(r)), total };
    }

    // Free text: only id, time and ciphertext per candidate; the summaries come from the cache.
    const needle = text.toLocaleLowerCase('de');
    const candidates = await this.units.query<Pick<SummaryRow, 'prescription_id' | 'updated_at' | 'summary_enc'>>(
      `SELECT prescription_id, updated_at, summary_enc FROM cases ${where} ${NEWEST_FIRST}`,
      params,
    );
    const matching = candidates.rows
      .filter((c) => this.summaryFor(c.prescription_id, c.updated_at, c.summary_enc).haystack.includes(needle))
      .map((c) => c.prescription_id);
    const page = matching.slice(0, limit);
    if (page.length === 0) return { records: [], total: matching.length };
    const { rows } = await this.units.query<SummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM cases WHERE prescription_id = ANY($1::text[])`, [page]);
    const byId = new Map(rows.map((r) => [r.prescription_id, r]));
    const records = page.flatMap((id) => {
      const row = byId.get(id);
      return row ? [this.fromSummaryRow(row)] : [];
    });
    return { records, total: matching.length };
  }

  /** Fields absent in `change` keep their value; `unsentChanges` is written when given. */
  async updateStatus(
    id: PrescriptionId,
    change: {
      status: CaseStatus;
      updatedAt: string;
      lastDispenseAt?: string;
      closedAt?: string;
      lastConfirmedAt?: string;
      lastHandoverDate?: string;
      unsentChanges?: boolean;
    },
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
        this.cipher.encrypt(Buffer.from(qes).toString('base64')),
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
    this.summaries.delete(id);
    this.prescriptions.delete(id);
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

  private toRow(r: CaseRecord): CaseRow {
    const enc = (value: string | undefined): string | null => (value === undefined ? null : this.cipher.encrypt(value));
    return {
      prescription_id: r.prescriptionId,
      flow_type: r.flowType,
      status: r.status,
      accepted_at: r.acceptedAt,
      accepted_by: r.acceptedBy,
      accept_date: r.acceptDate ?? null,
      expiry_date: r.expiryDate ?? null,
      last_dispense_at: r.lastDispenseAt ?? null,
      closed_at: r.closedAt ?? null,
      updated_at: r.updatedAt,
      last_confirmed_at: r.lastConfirmedAt ?? null,
      last_handover_date: r.lastHandoverDate ?? null,
      unsent_changes: r.unsentChanges ?? false,
      ended_at: r.endedAt ?? null,
      ended_by: r.endedBy ?? null,
      kvnr_hmac: r.kvnr ? this.hashKvnr(r.kvnr) : null,
      summary_enc: enc(JSON.stringify(summaryOf(r))),
      access_code_enc: enc(r.accessCode),
      secret_enc: enc(r.secret),
      qes_enc: enc(r.qes ? Buffer.from(r.qes).toString('base64') : undefined),
      prescription_enc: enc(r.prescription ? JSON.stringify(r.prescription) : undefined),
      prescription_xml_enc: enc(r.prescriptionXml),
      prescription_error: r.prescriptionError ?? null,
    };
  }

  /** The decrypted summary of a row, from the cache while the row is unchanged. */
  private summaryFor(id: string, updatedAt: string, summaryEnc: string | null): CachedSummary {
    const cached = this.summaries.get(id);
    if (cached && cached.updatedAt === updatedAt && cached.summaryEnc === summaryEnc) return cached;
    const json = summaryEnc === null ? undefined : this.cipher.decrypt(summaryEnc);
    const summary = json ? summarySchema.parse(JSON.parse(json)) : {};
    const fresh = cachedSummary(updatedAt, summaryEnc, id, summary);
    this.summaries.set(id, fresh);
    return fresh;
  }

  /** The stored prescription view, parsed with zod once per stored ciphertext. */
  private prescriptionFor(id: string, prescriptionEnc: string | null): PrescriptionView | undefined {
    if (prescriptionEnc === null) return undefined;
    const cached = this.prescriptions.get(id);
    if (cached && cached.prescriptionEnc === prescriptionEnc) return cached.view;
    const view = prescriptionViewSchema.parse(JSON.parse(this.cipher.decrypt(prescriptionEnc)));
    this.rememberPrescription(id, { prescriptionEnc, view });
    return view;
  }

  /** Keeps the most recently used views only: a counter works on a handful of cases at a time. */
  private rememberPrescription(id: string, entry: CachedPrescription): void {
    this.prescriptions.delete(id);
    this.prescriptions.set(id, entry);
    if (this.prescriptions.size > PRESCRIPTION_CACHE_SIZE) {
      const oldest = this.prescriptions.keys().next();
      if (!oldest.done) this.prescriptions.delete(oldest.value);
    }
  }

  private fromSummaryRow(row: SummaryRow): CaseRecord {
    const { summary } = this.summaryFor(row.prescription_id, row.updated_at, row.summary_enc);
    return {
      prescriptionId: row.prescription_id as PrescriptionId,
      flowType: row.flow_type,
      status: row.status as CaseStatus,
      acceptedAt: row.accepted_at,
      acceptedBy: row.accepted_by,
      acceptDate: row.accept_date ?? undefined,
      expiryDate: row.expiry_date ?? undefined,
      lastDispenseAt: row.last_dispense_at ?? undefined,
      closedAt: row.closed_at ?? undefined,
      updatedAt: row.updated_at,
      lastConfirmedAt: row.last_confirmed_at ?? undefined,
      lastHandoverDate: row.last_handover_date ?? undefined,
      unsentChanges: row.unsent_changes,
      endedAt: row.ended_at ?? undefined,
      endedBy: row.ended_by ?? undefined,
      prescriptionError: row.prescription_error ?? undefined,
      ...summary,
    };
  }

  private fromRow(row: CaseRow): CaseRecord {
    const dec = (value: string | null): string | undefined => (value === null ? undefined : this.cipher.decrypt(value));
    const qes = dec(row.qes_enc);
    return {
      ...this.fromSummaryRow(row),
      accessCode: dec(row.access_code_enc) as AccessCode | undefined,
      secret: dec(row.secret_enc) as Secret | undefined,
      qes: qes === undefined ? undefined : new Uint8Array(Buffer.from(qes, 'base64')),
      prescription: this.prescriptionFor(row.prescription_id, row.prescription_enc),
      prescriptionXml: dec(row.prescription_xml_enc),
    };
  }
}

const summaryOf = (r: CaseRecord): Summary => ({ patientName: r.patientName, kvnr: r.kvnr, medicationLabel: r.medicationLabel });

function cachedSummary(updatedAt: string, summaryEnc: string | null, id: string, summary: Summary): CachedSummary {
  const haystack = [id, summary.patientName, summary.medicationLabel]
    .filter((v): v is string => v !== undefined)
    .map((v) => v.toLocaleLowerCase('de'))
    .join('\n');
  return { updatedAt, summaryEnc, summary, haystack };
}
