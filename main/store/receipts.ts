/**
 * The receipt (Quittung) $close returns (spec §7): kept for GKV billing (TA7 references it) and for printing
 * for PKV patients. The whole Bundle goes through the Cipher; the summary fields stay plain.
 */
import type { Database } from 'better-sqlite3';
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import type { Cipher } from './cipher';
import { RECEIPT_COLUMNS, RECEIPT_ON_CONFLICT, receiptFromRow, receiptToRow, type ReceiptRow } from './records/receipt-record';

export interface ReceiptRecord {
  prescriptionId: PrescriptionId;
  bundleId: string;
  completedAt: string;
  pharmacyTelematikId: string;
  signaturePresent: boolean;
  receivedAt: string;
  staff: string;
  /** the receipt Bundle as FHIR JSON */
  bundle: unknown;
}

/** SQLite stores `signature_present` as 0/1; the shared mapping's rows hold a boolean. */
type SqliteRow = Omit<ReceiptRow, 'signature_present'> & { signature_present: number };

export class ReceiptRepository {
  constructor(
    private readonly db: Database,
    private readonly cipher: Cipher,
  ) {}

  save(receipt: ReceiptRecord): void {
    const row = receiptToRow(receipt, this.cipher);
    const sqliteRow: SqliteRow = { ...row, signature_present: row.signature_present ? 1 : 0 };
    this.db
      .prepare(
        `INSERT INTO receipts (${RECEIPT_COLUMNS.join(', ')}) VALUES (${RECEIPT_COLUMNS.map((c) => `@${c}`).join(', ')})
         ${RECEIPT_ON_CONFLICT}`,
      )
      .run(sqliteRow);
  }

  get(id: PrescriptionId): ReceiptRecord | undefined {
    const row = this.db.prepare<[string], SqliteRow>('SELECT * FROM receipts WHERE prescription_id = ?').get(id);
    return row ? receiptFromRow({ ...row, signature_present: row.signature_present === 1 }, this.cipher) : undefined;
  }
}
