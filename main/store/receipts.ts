/**
 * The receipt (Quittung) $close returns (spec §7): kept for GKV billing (TA7 references it) and for printing
 * for PKV patients. The whole Bundle goes through the Cipher; the summary fields stay plain.
 */
import type { Database } from 'better-sqlite3';
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import type { Cipher } from './cipher';

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

interface ReceiptRow {
  prescription_id: string;
  bundle_id: string;
  completed_at: string;
  pharmacy_telematik_id: string;
  signature_present: number;
  received_at: string;
  staff: string;
  bundle_enc: string;
}

export class ReceiptRepository {
  constructor(
    private readonly db: Database,
    private readonly cipher: Cipher,
  ) {}

  save(receipt: ReceiptRecord): void {
    this.db
      .prepare(
        `INSERT INTO receipts (prescription_id, bundle_id, completed_at, pharmacy_telematik_id, signature_present,
           received_at, staff, bundle_enc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (prescription_id) DO UPDATE SET bundle_id = excluded.bundle_id, completed_at = excluded.completed_at,
           pharmacy_telematik_id = excluded.pharmacy_telematik_id, signature_present = excluded.signature_present,
           received_at = excluded.received_at, staff = excluded.staff, bundle_enc = excluded.bundle_enc`,
      )
      .run(
        receipt.prescriptionId,
        receipt.bundleId,
        receipt.completedAt,
        receipt.pharmacyTelematikId,
        receipt.signaturePresent ? 1 : 0,
        receipt.receivedAt,
        receipt.staff,
        this.cipher.encrypt(JSON.stringify(receipt.bundle)),
      );
  }

  get(id: PrescriptionId): ReceiptRecord | undefined {
    const row = this.db.prepare<[string], ReceiptRow>('SELECT * FROM receipts WHERE prescription_id = ?').get(id);
    if (!row) return undefined;
    return {
      prescriptionId: id,
      bundleId: row.bundle_id,
      completedAt: row.completed_at,
      pharmacyTelematikId: row.pharmacy_telematik_id,
      signaturePresent: row.signature_present === 1,
      receivedAt: row.received_at,
      staff: row.staff,
      bundle: JSON.parse(this.cipher.decrypt(row.bundle_enc)) as unknown,
    };
  }
}
