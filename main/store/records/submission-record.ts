/**
 * The row → record mapping of a submission (architecture §7), shared by both store engines (docs/multi-counter.md
 * §1). The engines differ in two columns, each normalised by its own repository before the row gets here: SQLite
 * stores `with_body` as 0/1, PostgreSQL answers the BIGINT `id` as a string.
 */
import type { PrescriptionId } from '../../../shared/erezept/identifiers';
import type { Cipher } from '../cipher';
import { decodeEntries } from '../entries-codec';
import type { SubmissionOperation, SubmissionRecord, SubmissionState } from '../submissions';

export interface SubmissionRow {
  id: number;
  prescription_id: string;
  operation: string;
  state: string;
  staff: string;
  created_at: string;
  completed_at: string | null;
  entries_enc: string;
  with_body: boolean;
  http_status: number | null;
  error_message: string | null;
}

export function submissionFromRow(row: SubmissionRow, cipher: Cipher): SubmissionRecord {
  return {
    id: row.id,
    prescriptionId: row.prescription_id as PrescriptionId,
    operation: row.operation as SubmissionOperation,
    state: row.state as SubmissionState,
    staff: row.staff,
    createdAt: row.created_at,
    completedAt: row.completed_at ?? undefined,
    entries: decodeEntries(cipher, row.entries_enc),
    withBody: row.with_body,
    httpStatus: row.http_status ?? undefined,
    errorMessage: row.error_message ?? undefined,
  };
}
