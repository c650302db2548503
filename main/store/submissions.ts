/**
 * Every dispense list sent to the Fachdienst with its answer (architecture §7). The Fachdienst cannot give a
 * pharmacy its dispense data back (spec §3.10), so a submission is written as `pending` BEFORE the call and
 * completed with the answer; a `pending` row after a crash means the outcome is unknown and must be
 * reconciled.
 */
import type { Database } from 'better-sqlite3';
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import type { Cipher } from './cipher';
import { encodeEntries } from './entries-codec';
import { submissionFromRow, type SubmissionRow } from './records/submission-record';

export type SubmissionOperation = 'dispense' | 'close';
export type SubmissionState = 'pending' | 'confirmed' | 'failed';

/** A submission written `pending` before the call; `withBody` false only for a $close without body (spec §3.5). */
export interface NewSubmission {
  prescriptionId: PrescriptionId;
  operation: SubmissionOperation;
  staff: string;
  createdAt: string;
  entries: readonly DispenseEntry[];
  withBody?: boolean;
}

export interface SubmissionRecord {
  id: number;
  prescriptionId: PrescriptionId;
  operation: SubmissionOperation;
  state: SubmissionState;
  staff: string;
  createdAt: string;
  completedAt?: string;
  entries: DispenseEntry[];
  /** false for a $close without body (the list of the last confirmed $dispense applies, spec §3.5) */
  withBody: boolean;
  httpStatus?: number;
  errorMessage?: string;
}

/** SQLite stores `with_body` as 0/1; the shared mapping's rows hold a boolean. */
type SqliteRow = Omit<SubmissionRow, 'with_body'> & { with_body: number };

const fromSqlite = (row: SqliteRow): SubmissionRow => ({ ...row, with_body: row.with_body === 1 });

export class SubmissionRepository {
  constructor(
    private readonly db: Database,
    private readonly cipher: Cipher,
  ) {}

  createPending(input: NewSubmission): number {
    const result = this.db
      .prepare(
        `INSERT INTO submissions (prescription_id, operation, state, staff, created_at, entries_enc, with_body)
         VALUES (?, ?, 'pending', ?, ?, ?, ?)`,
      )
      .run(
        input.prescriptionId,
        input.operation,
        input.staff,
        input.createdAt,
        encodeEntries(this.cipher, input.entries),
        input.withBody === false ? 0 : 1,
      );
    return Number(result.lastInsertRowid);
  }

  complete(
    id: number,
    outcome: { state: 'confirmed' | 'failed'; completedAt: string; httpStatus?: number; errorMessage?: string },
  ): void {
    this.db
      .prepare(`UPDATE submissions SET state = ?, completed_at = ?, http_status = ?, error_message = ? WHERE id = ? AND state = 'pending'`)
      .run(outcome.state, outcome.completedAt, outcome.httpStatus ?? null, outcome.errorMessage ?? null, id);
  }

  /** Oldest first. */
  listFor(prescriptionId: PrescriptionId): SubmissionRecord[] {
    return this.db
      .prepare<[string], SqliteRow>('SELECT * FROM submissions WHERE prescription_id = ? ORDER BY id')
      .all(prescriptionId)
      .map((row) => submissionFromRow(fromSqlite(row), this.cipher));
  }

  latest(prescriptionId: PrescriptionId, filter: { operation?: SubmissionOperation; state?: SubmissionState } = {}): SubmissionRecord | undefined {
    const row = this.db
      .prepare<[{ id: string; operation: string | null; state: string | null }], SqliteRow>(
        `SELECT * FROM submissions WHERE prescription_id = @id AND (@operation IS NULL OR operation = @operation) AND (@state IS NULL OR state = @state)
         ORDER BY id DESC LIMIT 1`,
      )
      .get({ id: prescriptionId, operation: filter.operation ?? null, state: filter.state ?? null });
    return row ? submissionFromRow(fromSqlite(row), this.cipher) : undefined;
  }

  /**
   * The list the Fachdienst holds for this acceptance as far as we know: the newest confirmed $dispense or
   * $close with body created at or after `since` (submissions of an earlier, rejected acceptance do not count).
   */
  lastConfirmedList(prescriptionId: PrescriptionId, since: string): SubmissionRecord | undefined {
    const row = this.db
      .prepare<[string, string], SqliteRow>(
        `SELECT * FROM submissions WHERE prescription_id = ? AND state = 'confirmed' AND with_body = 1 AND created_at >= ?
         ORDER BY id DESC LIMIT 1`,
      )
      .get(prescriptionId, since);
    return row ? submissionFromRow(fromSqlite(row), this.cipher) : undefined;
  }

  /** After $reject/$abort (A_19251): the dispensed lists are personal data; times, staff and answers stay. */
  eraseEntries(prescriptionId: PrescriptionId): void {
    this.db
      .prepare('UPDATE submissions SET entries_enc = ? WHERE prescription_id = ?')
      .run(encodeEntries(this.cipher, []), prescriptionId);
  }

  /** Every submission whose outcome is still unknown (e.g. after a crash during a call). */
  pending(): SubmissionRecord[] {
    return this.db
      .prepare<[], SqliteRow>(`SELECT * FROM submissions WHERE state = 'pending' ORDER BY id`)
      .all()
      .map((row) => submissionFromRow(fromSqlite(row), this.cipher));
  }
}
