/**
 * Local cases (architecture §7): one per PrescriptionID. The Secret and AccessCode are stored the moment
 * $accept answers (A_19169-01, spec §3.2: losing the Secret blocks the prescription); the QES and the
 * prescription read from it, patient name and KVNR go through the Cipher.
 */
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import type { AccessCode, PrescriptionId, Secret } from '../../shared/erezept/identifiers';
import { prescriptionViewSchema, type PrescriptionView } from '../../shared/erezept/prescription';
import type { CaseStatus } from '../../shared/ipc/contract';
import type { Cipher } from './cipher';
import type { KvnrHasher } from './kvnr-key';

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

interface CaseRow {
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
  unsent_changes: number;
  ended_at: string | null;
  ended_by: string | null;
  kvnr_hmac: string | null;
  summary_enc: string | null;
  access_code_enc: string | null;
  secret_enc: string | null;
  qes_enc: string | null;
  prescription_enc: string | null;
  prescription_xml_enc: string | null;
  prescription_error: string | null;
}

const summarySchema = z.object({
  patientName: z.string().optional(),
  kvnr: z.string().optional(),
  medicationLabel: z.string().optional(),
});

const KVNR_PATTERN = /^[A-Z][0-9]{9}$/;

/**
 * What the inbox needs of a case: never the QES or the prescription (≈ 30 KB a row; docs/performance.md,
 * inbox-10k).
 */
const SUMMARY_COLUMNS = `prescription_id, flow_type, status, accepted_at, accepted_by, accept_date, expiry_date,
  last_dispense_at, closed_at, updated_at, last_confirmed_at, last_handover_date, unsent_changes, ended_at, ended_by,
  summary_enc, prescription_error`;
const NEWEST_FIRST = 'ORDER BY accepted_at DESC, prescription_id';
/** The inbox page when the caller names none (contract `erx:listCases`). */
export const DEFAULT_CASE_LIMIT = 200;
/** Parsed prescription views kept (most recently used). */
const PRESCRIPTION_CACHE_SIZE = 64;

type SummaryRow = Omit<CaseRow, 'kvnr_hmac' | 'access_code_enc' | 'secret_enc' | 'qes_enc' | 'prescription_enc' | 'prescription_xml_enc'>;
type Summary = z.infer<typeof summarySchema>;

/**
 * A decrypted summary, valid while the row still holds the same `updated_at` and the same ciphertext (a save
 * encrypts anew with a fresh IV, so a changed or rolled-back row never matches a stale entry).
 */
interface CachedSummary {
  updatedAt: string;
  summaryEnc: string | null;
  summary: Summary;
  /** lower-cased PrescriptionID, patient name and medication, joined for the free-text search */
  haystack: string;
}

/** The parsed prescription view of one stored ciphertext (zod parsing costs ms per read; docs/performance.md). */
interface CachedPrescription {
  prescriptionEnc: string;
  view: PrescriptionView;
}

export interface CasePage {
  /** the newest `limit` matching cases */
  records: CaseRecord[];
  /** how many cases match */
  total: number;
}

export class CaseRepository {
  private readonly summaries = new Map<string, CachedSummary>();
  private readonly prescriptions = new Map<string, CachedPrescription>();

  constructor(
    private readonly db: Database,
    private readonly cipher: Cipher,
    private readonly hashKvnr: KvnrHasher,
  ) {}

  /** Inserts or replaces the whole case (used at $accept and recovery). */
  save(record: CaseRecord): void {
    const row = this.toRow(record);
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
      .run(row);
    // The caches check the ciphertext on every read, so they stay right even if the transaction rolls back.
    if (row.prescription_enc !== null && record.prescription) {
      this.rememberPrescription(record.prescriptionId, { prescriptionEnc: row.prescription_enc, view: record.prescription });
    } else {
      this.prescriptions.delete(record.prescriptionId);
    }
    this.summaries.set(record.prescriptionId, this.cachedSummary(row.updated_at, row.summary_enc, record.prescriptionId, summaryOf(record)));
  }

  get(id: PrescriptionId): CaseRecord | undefined {
    const row = this.db.prepare<[string], CaseRow>('SELECT * FROM cases WHERE prescription_id = ?').get(id);
    return row ? this.fromRow(row) : undefined;
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
    const byKvnr = KVNR_PATTERN.test(text.toUpperCase());
    if (byKvnr) {
      clauses.push('kvnr_hmac = ?');
      params.push(this.hashKvnr(text));
    }
    const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
    const limit = query.limit ?? DEFAULT_CASE_LIMIT;

    if (!text || byKvnr) {
      const rows = this.db
        .prepare<(string | number)[], SummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM cases ${where} ${NEWEST_FIRST} LIMIT ?`)
        .all(...params, limit);
      const total =
        rows.length < limit
          ? rows.length
          : (this.db.prepare<string[], { n: number }>(`SELECT COUNT(*) AS n FROM cases ${where}`).get(...params)?.n ?? 0);
      return { records: rows.map((r) => this.fromSummaryRow(r)), total };
    }

    // Free text: only id, time and ciphertext per candidate; the summaries come from the cache.
    const needle = text.toLocaleLowerCase('de');
    const candidates = this.db
      .prepare<string[], [string, string, string | null]>(`SELECT prescription_id, updated_at, summary_enc FROM cases ${where} ${NEWEST_FIRST}`)
      .raw()
      .all(...params);
    const matching: string[] = [];
    for (const [id, updatedAt, summaryEnc] of candidates) {
      if (this.summaryFor(id, updatedAt, summaryEnc).haystack.includes(needle)) matching.push(id);
    }
    const page = matching.slice(0, limit);
    if (page.length === 0) return { records: [], total: matching.length };
    const rows = this.db
      .prepare<string[], SummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM cases WHERE prescription_id IN (${page.map(() => '?').join(', ')})`)
      .all(...page);
    const byId = new Map(rows.map((r) => [r.prescription_id, r]));
    const records = page.flatMap((id) => {
      const row = byId.get(id);
      return row ? [this.fromSummaryRow(row)] : [];
    });
    return { records, total: matching.length };
  }

  /** Fields absent in `change` keep their value; `unsentChanges` is written when given. */
  updateStatus(
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
        .run(enc, this.cipher.encrypt(Buffer.from(qes).toString('base64')), updatedAt, id);
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
    this.summaries.delete(id);
    this.prescriptions.delete(id);
  }

  private toRow(r: CaseRecord): CaseRow {
    const enc = (value: string | undefined): string | null => (value === undefined ? null : this.cipher.encrypt(value));
    const summary = summaryOf(r);
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
      unsent_changes: r.unsentChanges ? 1 : 0,
      ended_at: r.endedAt ?? null,
      ended_by: r.endedBy ?? null,
      kvnr_hmac: r.kvnr ? this.hashKvnr(r.kvnr) : null,
      summary_enc: enc(JSON.stringify(summary)),
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
    const fresh = this.cachedSummary(updatedAt, summaryEnc, id, summary);
    this.summaries.set(id, fresh);
    return fresh;
  }

  private cachedSummary(updatedAt: string, summaryEnc: string | null, id: string, summary: Summary): CachedSummary {
    const haystack = [id, summary.patientName, summary.medicationLabel]
      .filter((v): v is string => v !== undefined)
      .map((v) => v.toLocaleLowerCase('de'))
      .join('\n');
    return { updatedAt, summaryEnc, summary, haystack };
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

  /** Keeps the most recently used views only: the counter works on a handful of cases at a time. */
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
      unsentChanges: row.unsent_changes === 1,
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
