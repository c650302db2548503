/** Receipts (Quittungen) in the PostgreSQL store, as the SQLite ReceiptRepository (../receipts.ts). */
import type { PrescriptionId } from '../../../shared/erezept/identifiers';
import type { Cipher } from '../cipher';
import type { ReceiptRecord } from '../receipts';
import type { ReceiptStore } from '../repositories';
import { notifyCasesChanged } from './notify';
import type { PostgresUnitsOfWork } from './unit-of-work';

interface ReceiptRow {
  bundle_id: string;
  completed_at: string;
  pharmacy_telematik_id: string;
  signature_present: boolean;
  received_at: string;
  staff: string;
  bundle_enc: string;
}

export class PostgresReceiptRepository implements ReceiptStore {
  constructor(
    private readonly units: PostgresUnitsOfWork,
    private readonly cipher: Cipher,
  ) {}

  async save(receipt: ReceiptRecord): Promise<void> {
    await this.units.transaction(async () => {
      await this.units.query(
        `INSERT INTO receipts (prescription_id, bundle_id, completed_at, pharmacy_telematik_id, signature_present,
           received_at, staff, bundle_enc)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (prescription_id) DO UPDATE SET bundle_id = excluded.bundle_id, completed_at = excluded.completed_at,
           pharmacy_telematik_id = excluded.pharmacy_telematik_id, signature_present = excluded.signature_present,
           received_at = excluded.received_at, staff = excluded.staff, bundle_enc = excluded.bundle_enc`,
        [
          receipt.prescriptionId,
          receipt.bundleId,
          receipt.completedAt,
          receipt.pharmacyTelematikId,
          receipt.signaturePresent,
          receipt.receivedAt,
          receipt.staff,
          this.cipher.encrypt(JSON.stringify(receipt.bundle)),
        ],
      );
      await notifyCasesChanged(this.units, [receipt.prescriptionId]);
    });
  }

  async get(id: PrescriptionId): Promise<ReceiptRecord | undefined> {
    const { rows } = await this.units.query<ReceiptRow>('SELECT * FROM receipts WHERE prescription_id = $1', [id]);
    const row = rows[0];
    if (!row) return undefined;
    return {
      prescriptionId: id,
      bundleId: row.bundle_id,
      completedAt: row.completed_at,
      pharmacyTelematikId: row.pharmacy_telematik_id,
      signaturePresent: row.signature_present,
      receivedAt: row.received_at,
      staff: row.staff,
      bundle: JSON.parse(this.cipher.decrypt(row.bundle_enc)) as unknown,
    };
  }
}
