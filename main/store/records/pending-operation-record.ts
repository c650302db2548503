/**
 * The row ↔ record mapping of an owed operation (docs/reliability.md, "Before every call"), shared by both store
 * engines (docs/multi-counter.md §1), with the payload encoding: the AccessCode of a claim or the complete list,
 * through the Cipher. The one difference between the engines — PostgreSQL answers the BIGINT `id` and
 * `submission_id` as strings — is normalised by the PostgreSQL repository, so the row here holds numbers.
 */
import { parseAccessCode, type PrescriptionId } from '../../../shared/erezept/identifiers';
import type { Cipher } from '../cipher';
import { decodeEntries, encodeEntries } from '../entries-codec';
import type { NewPendingOperation, PendingOperationRecord, PendingReason, PendingState, RecordedPendingOperation } from '../pending-operations';

export interface PendingOperationRow {
  id: number;
  prescription_id: string;
  operation: string;
  reason: string;
  state: string;
  staff: string;
  created_at: string;
  not_before: string | null;
  attempts: number;
  payload_enc: string | null;
  submission_id: number | null;
  completed_at: string | null;
  message: string | null;
}

/** The fields every owed operation has. */
type Base = Omit<Extract<PendingOperationRecord, { operation: 'reject' | 'abort' }>, 'operation'>;

/** The payload of an operation recorded now: a claim's AccessCode, or the list ($close without body has none). */
export function newPendingPayload(cipher: Cipher, input: NewPendingOperation): string | null {
  if (input.operation === 'accept') return cipher.encrypt(input.accessCode);
  if ((input.operation === 'dispense' || input.operation === 'close') && input.entries) return encodeEntries(cipher, input.entries);
  return null;
}

/** The payload column of a record taken over as it is; none once erased. */
function recordedPayload(cipher: Cipher, record: RecordedPendingOperation): string | null {
  if (record.operation === 'accept') return record.accessCode === undefined ? null : cipher.encrypt(record.accessCode);
  if (record.operation === 'dispense' || record.operation === 'close') return record.entries === undefined ? null : encodeEntries(cipher, record.entries);
  return null;
}

/** The columns of a restoring INSERT, in the order of the values `restoredPendingValues` answers. */
export const RESTORED_PENDING_COLUMNS =
  'prescription_id, operation, reason, state, staff, created_at, not_before, attempts, payload_enc, submission_id, completed_at, message';

type RestoredPendingValues = [string, string, PendingReason, PendingState, string, string, string | null, number, string | null, number | null, string | null, string | null];

/** An operation recorded in another store, exactly as it is (moving a counter's store in, docs/multi-counter.md §2). */
export function restoredPendingValues(cipher: Cipher, record: RecordedPendingOperation): RestoredPendingValues {
  return [
    record.prescriptionId,
    record.operation,
    record.reason,
    record.state,
    record.staff,
    record.createdAt,
    record.notBefore ?? null,
    record.attempts,
    recordedPayload(cipher, record),
    record.submissionId ?? null,
    record.completedAt ?? null,
    record.message ?? null,
  ];
}

export function pendingOperationFromRow(row: PendingOperationRow, cipher: Cipher): PendingOperationRecord {
  const base: Base = {
    id: row.id,
    prescriptionId: row.prescription_id as PrescriptionId,
    reason: row.reason as PendingReason,
    state: row.state as PendingState,
    staff: row.staff,
    createdAt: row.created_at,
    notBefore: row.not_before ?? undefined,
    attempts: row.attempts,
    completedAt: row.completed_at ?? undefined,
    message: row.message ?? undefined,
    submissionId: row.submission_id ?? undefined,
  };
  if (row.operation === 'accept') {
    const parsed = row.payload_enc === null ? undefined : parseAccessCode(cipher.decrypt(row.payload_enc));
    return { ...base, operation: 'accept', accessCode: parsed?.ok ? parsed.data : undefined };
  }
  if (row.operation === 'reject' || row.operation === 'abort') return { ...base, operation: row.operation };
  return {
    ...base,
    operation: row.operation === 'close' ? 'close' : 'dispense',
    entries: row.payload_enc === null ? undefined : decodeEntries(cipher, row.payload_enc),
  };
}
