/**
 * The row ↔ record mapping of a case, shared by both store engines (docs/multi-counter.md §1: the same records,
 * encryption, KVNR HMAC, order and search in SQLite and PostgreSQL). Each engine keeps only its SQL; the one
 * difference in the row — SQLite stores `unsent_changes` as 0/1, PostgreSQL as BOOLEAN — is normalised by the
 * SQLite repository before and after its statements, so the row here always holds a boolean.
 *
 * The codec also holds the two caches both repositories need (docs/performance.md, inbox-10k): decrypted
 * summaries for the free-text search and parsed prescription views. An entry is valid only while the row holds
 * the same `updated_at` and ciphertext; every save encrypts anew with a fresh IV, so a row changed by another
 * counter or rolled back never matches a stale entry.
 */
import { z } from 'zod';
import type { AccessCode, PrescriptionId, Secret } from '../../../shared/erezept/identifiers';
import { prescriptionViewSchema, type PrescriptionView } from '../../../shared/erezept/prescription';
import type { CaseStatus } from '../../../shared/ipc/contract';
import type { CaseRecord } from '../cases';
import type { Cipher } from '../cipher';
import type { KvnrHasher } from '../kvnr-key';

/** What the inbox reads of a case: never the QES or the prescription (≈ 30 KB a row). */
export interface CaseSummaryRow {
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

/** A whole `cases` row, the column names both engines share. */
export interface CaseRow extends CaseSummaryRow {
  kvnr_hmac: string | null;
  access_code_enc: string | null;
  secret_enc: string | null;
  qes_enc: string | null;
  prescription_enc: string | null;
  prescription_xml_enc: string | null;
}

/** Every column in the order of an INSERT and its parameters. */
export const CASE_COLUMNS = [
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

/** The columns of a CaseSummaryRow, for a SELECT list. */
export const SUMMARY_COLUMNS = `prescription_id, flow_type, status, accepted_at, accepted_by, accept_date, expiry_date,
  last_dispense_at, closed_at, updated_at, last_confirmed_at, last_handover_date, unsent_changes, ended_at, ended_by,
  summary_enc, prescription_error`;
export const NEWEST_FIRST = 'ORDER BY accepted_at DESC, prescription_id';

const KVNR_PATTERN = /^[A-Z][0-9]{9}$/;

/** Whether a free-text query is a KVNR, which both engines match exactly through its HMAC. */
export const isKvnrQuery = (text: string): boolean => KVNR_PATTERN.test(text.toUpperCase());

/** Parsed prescription views kept (most recently used): a counter works on a handful of cases at a time. */
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

/** The parsed prescription view of one stored ciphertext (zod parsing costs ms per read). */
interface CachedPrescription {
  prescriptionEnc: string;
  view: PrescriptionView;
}

export class CaseCodec {
  private readonly summaries = new Map<string, CachedSummary>();
  private readonly prescriptions = new Map<string, CachedPrescription>();

  constructor(
    private readonly cipher: Cipher,
    private readonly hashKvnr: KvnrHasher,
  ) {}

  /** The KVNR's HMAC, the only form in which a KVNR is searchable. */
  kvnrHmac(kvnr: string): string {
    return this.hashKvnr(kvnr);
  }

  toRow(r: CaseRecord): CaseRow {
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
      qes_enc: enc(r.qes ? encodeQes(r.qes) : undefined),
      prescription_enc: enc(r.prescription ? JSON.stringify(r.prescription) : undefined),
      prescription_xml_enc: enc(r.prescriptionXml),
      prescription_error: r.prescriptionError ?? null,
    };
  }

  /** The QES as stored in `qes_enc` (restoreSecret writes it alone). */
  encryptQes(qes: Uint8Array): string {
    return this.cipher.encrypt(encodeQes(qes));
  }

  /**
   * Fills the caches with what was just written. They check the ciphertext on every read, so they stay right
   * even if the surrounding transaction rolls back.
   */
  saved(record: CaseRecord, row: CaseRow): void {
    if (row.prescription_enc !== null && record.prescription) {
      this.rememberPrescription(record.prescriptionId, { prescriptionEnc: row.prescription_enc, view: record.prescription });
    } else {
      this.prescriptions.delete(record.prescriptionId);
    }
    this.summaries.set(record.prescriptionId, cachedSummary(row.updated_at, row.summary_enc, record.prescriptionId, summaryOf(record)));
  }

  /** The case's personal data is gone (A_19251): nothing of it stays in memory either. */
  erased(id: string): void {
    this.summaries.delete(id);
    this.prescriptions.delete(id);
  }

  /** Whether the row's PrescriptionID, patient name or medication contains `needle` (lower case, German rules). */
  matches(id: string, updatedAt: string, summaryEnc: string | null, needle: string): boolean {
    return this.summaryFor(id, updatedAt, summaryEnc).haystack.includes(needle);
  }

  fromSummaryRow(row: CaseSummaryRow): CaseRecord {
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

  fromRow(row: CaseRow): CaseRecord {
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

  /** Keeps the most recently used views only. */
  private rememberPrescription(id: string, entry: CachedPrescription): void {
    this.prescriptions.delete(id);
    this.prescriptions.set(id, entry);
    if (this.prescriptions.size > PRESCRIPTION_CACHE_SIZE) {
      const oldest = this.prescriptions.keys().next();
      if (!oldest.done) this.prescriptions.delete(oldest.value);
    }
  }
}

const encodeQes = (qes: Uint8Array): string => Buffer.from(qes).toString('base64');

const summaryOf = (r: CaseRecord): Summary => ({ patientName: r.patientName, kvnr: r.kvnr, medicationLabel: r.medicationLabel });

function cachedSummary(updatedAt: string, summaryEnc: string | null, id: string, summary: Summary): CachedSummary {
  const haystack = [id, summary.patientName, summary.medicationLabel]
    .filter((v): v is string => v !== undefined)
    .map((v) => v.toLocaleLowerCase('de'))
    .join('\n');
  return { updatedAt, summaryEnc, summary, haystack };
}
