/** Receipts (Quittungen) in the PostgreSQL store, as the SQLite ReceiptRepository (../receipts.ts). */
import type { PrescriptionId } from '../../../shared/erezept/identifiers';
import type { Cipher } from '../cipher';
import type { ReceiptRecord } from '../receipts';
import { RECEIPT_COLUMNS, RECEIPT_ON_CONFLICT, receiptFromRow, receiptToRow, type ReceiptRow } from '../records/receipt-record';
import type { ReceiptStore } from '../repositories';
import { notifyCasesChanged } from './notify';
import type { PostgresUnitsOfWork } from './unit-of-work';

export class PostgresReceiptRepository implements ReceiptStore {
  constructor(
    private readonly units: PostgresUnitsOfWork,
    private readonly cipher: Cipher,
  ) {}

  async save(receipt: ReceiptRecord): Promise<void> {
    const row = receiptToRow(receipt, this.cipher);
    await this.units.transaction(async () => {
      await this.units.query(
        `INSERT INTO receipts (${RECEIPT_COLUMNS.join(', ')}) VALUES (${RECEIPT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
         ${RECEIPT_ON_CONFLICT}`,
        RECEIPT_COLUMNS.map((c) => row[c]),
      );
      await notifyCasesChanged(this.units, [receipt.prescriptionId]);
    });
  }

  async get(id: PrescriptionId): Promise<ReceiptRecord | undefined> {
    const { rows } = await this.units.query<ReceiptRow>('SELECT * FROM receipts WHERE prescription_id = $1', [id]);
    return rows[0] ? receiptFromRow(rows[0], this.cipher) : undefined;
  }
}
