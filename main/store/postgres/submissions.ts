/**
 * Submissions in the PostgreSQL store, as the SQLite SubmissionRepository (../submissions.ts): written `pending`
 * BEFORE the Fachdienst call and completed with its answer. Every write notifies `erx_case_changed` (§3).
 */
import type { PrescriptionId } from '../../../shared/erezept/identifiers';
import type { Cipher } from '../cipher';
import { encodeEntries } from '../entries-codec';
import { submissionFromRow, type SubmissionRow } from '../records/submission-record';
import type { SubmissionStore } from '../repositories';
import type { NewSubmission, SubmissionOperation, SubmissionRecord, SubmissionState } from '../submissions';
import { notifyCasesChanged } from './notify';
import type { PostgresUnitsOfWork } from './unit-of-work';

/** A row as node-postgres answers it: the BIGINT `id` as a string. */
type PostgresRow = Omit<SubmissionRow, 'id'> & { id: string };

const fromPostgres = (row: PostgresRow): SubmissionRow => ({ ...row, id: Number(row.id) });

export class PostgresSubmissionRepository implements SubmissionStore {
  constructor(
    private readonly units: PostgresUnitsOfWork,
    private readonly cipher: Cipher,
  ) {}

  async createPending(input: NewSubmission): Promise<number> {
    return this.units.transaction(async () => {
      const { rows } = await this.units.query<{ id: string }>(
        `INSERT INTO submissions (prescription_id, operation, state, staff, created_at, entries_enc, with_body)
         VALUES ($1, $2, 'pending', $3, $4, $5, $6) RETURNING id`,
        [input.prescriptionId, input.operation, input.staff, input.createdAt, encodeEntries(this.cipher, input.entries), input.withBody !== false],
      );
      await notifyCasesChanged(this.units, [input.prescriptionId]);
      return Number(rows[0]?.id);
    });
  }

  async complete(
    id: number,
    outcome: { state: 'confirmed' | 'failed'; completedAt: string; httpStatus?: number; errorMessage?: string },
  ): Promise<void> {
    await this.units.transaction(async () => {
      const { rows } = await this.units.query<{ prescription_id: string }>(
        `UPDATE submissions SET state = $1, completed_at = $2, http_status = $3, error_message = $4 WHERE id = $5 AND state = 'pending'
         RETURNING prescription_id`,
        [outcome.state, outcome.completedAt, outcome.httpStatus ?? null, outcome.errorMessage ?? null, id],
      );
      await notifyCasesChanged(
        this.units,
        rows.map((r) => r.prescription_id),
      );
    });
  }

  /** Oldest first. */
  async listFor(prescriptionId: PrescriptionId): Promise<SubmissionRecord[]> {
    const { rows } = await this.units.query<PostgresRow>('SELECT * FROM submissions WHERE prescription_id = $1 ORDER BY id', [prescriptionId]);
    return rows.map((row) => submissionFromRow(fromPostgres(row), this.cipher));
  }

  async latest(prescriptionId: PrescriptionId, filter: { operation?: SubmissionOperation; state?: SubmissionState } = {}): Promise<SubmissionRecord | undefined> {
    const { rows } = await this.units.query<PostgresRow>(
      `SELECT * FROM submissions WHERE prescription_id = $1 AND ($2::text IS NULL OR operation = $2) AND ($3::text IS NULL OR state = $3)
       ORDER BY id DESC LIMIT 1`,
      [prescriptionId, filter.operation ?? null, filter.state ?? null],
    );
    return rows[0] ? submissionFromRow(fromPostgres(rows[0]), this.cipher) : undefined;
  }

  /**
   * The newest confirmed $dispense or $close with body created at or after `since` (`created_at` compares as a
   * string in byte order, as in SQLite: the column is COLLATE "C").
   */
  async lastConfirmedList(prescriptionId: PrescriptionId, since: string): Promise<SubmissionRecord | undefined> {
    const { rows } = await this.units.query<PostgresRow>(
      `SELECT * FROM submissions WHERE prescription_id = $1 AND state = 'confirmed' AND with_body AND created_at >= $2
       ORDER BY id DESC LIMIT 1`,
      [prescriptionId, since],
    );
    return rows[0] ? submissionFromRow(fromPostgres(rows[0]), this.cipher) : undefined;
  }

  /** After $reject/$abort (A_19251): the dispensed lists are personal data; times, staff and answers stay. */
  async eraseEntries(prescriptionId: PrescriptionId): Promise<void> {
    await this.units.transaction(async () => {
      await this.units.query('UPDATE submissions SET entries_enc = $1 WHERE prescription_id = $2', [encodeEntries(this.cipher, []), prescriptionId]);
      await notifyCasesChanged(this.units, [prescriptionId]);
    });
  }

  /** Every submission whose outcome is still unknown (e.g. after a crash during a call). */
  async pending(): Promise<SubmissionRecord[]> {
    const { rows } = await this.units.query<PostgresRow>(`SELECT * FROM submissions WHERE state = 'pending' ORDER BY id`);
    return rows.map((row) => submissionFromRow(fromPostgres(row), this.cipher));
  }
}
