/**
 * The row ↔ record mapping of a receipt (Quittung, spec §7), shared by both store engines (docs/multi-counter.md
 * §1): the Bundle only through the Cipher, the summary fields plain. SQLite stores `signature_present` as 0/1 and
 * converts it in its own repository; the row here holds a boolean.
 */
import type { PrescriptionId } from '../../../shared/erezept/identifiers';
import type { Cipher } from '../cipher';
import type { ReceiptRecord } from '../receipts';

export interface ReceiptRow {
  prescription_id: string;
  bundle_id: string;
  completed_at: string;
  pharmacy_telematik_id: string;
  signature_present: boolean;
  received_at: string;
  staff: string;
  bundle_enc: string;
}

/** Every column in the order of an INSERT and its parameters. */
export const RECEIPT_COLUMNS = [
  'prescription_id',
  'bundle_id',
  'completed_at',
  'pharmacy_telematik_id',
  'signature_present',
  'received_at',
  'staff',
  'bundle_enc',
] as const satisfies readonly (keyof ReceiptRow)[];

/** A receipt saved again for the same prescription replaces the stored one (both engines know `excluded`). */
export const RECEIPT_ON_CONFLICT = `ON CONFLICT (prescription_id) DO UPDATE SET ${RECEIPT_COLUMNS.filter((c) => c !== 'prescription_id')
  .map((c) => `${c} = excluded.${c}`)
  .join(', ')}`;

export function receiptToRow(receipt: ReceiptRecord, cipher: Cipher): ReceiptRow {
  return {
    prescription_id: receipt.prescriptionId,
    bundle_id: receipt.bundleId,
    completed_at: receipt.completedAt,
    pharmacy_telematik_id: receipt.pharmacyTelematikId,
    signature_present: receipt.signaturePresent,
    received_at: receipt.receivedAt,
    staff: receipt.staff,
    bundle_enc: cipher.encrypt(JSON.stringify(receipt.bundle)),
  };
}

export function receiptFromRow(row: ReceiptRow, cipher: Cipher): ReceiptRecord {
  return {
    prescriptionId: row.prescription_id as PrescriptionId,
    bundleId: row.bundle_id,
    completedAt: row.completed_at,
    pharmacyTelematikId: row.pharmacy_telematik_id,
    signaturePresent: row.signature_present,
    receivedAt: row.received_at,
    staff: row.staff,
    bundle: JSON.parse(cipher.decrypt(row.bundle_enc)) as unknown,
  };
}
