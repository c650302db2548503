/**
 * Operations owed to the Fachdienst in the PostgreSQL store, as the SQLite PendingOperationRepository
 * (../pending-operations.ts; docs/reliability.md, "Before every call"). Every write notifies `erx_case_changed` and
 * `erx_pending_changed` with the PrescriptionID in its transaction (docs/multi-counter.md §3).
 */
import type { PrescriptionId } from '../../../shared/erezept/identifiers';
import type { Cipher } from '../cipher';
import type { NewPendingOperation, PendingOperationKind, PendingOperationRecord, PendingReason, PendingState, RecordedPendingOperation } from '../pending-operations';
import { newPendingPayload, pendingOperationFromRow, RESTORED_PENDING_COLUMNS, restoredPendingValues, type PendingOperationRow } from '../records/pending-operation-record';
import type { PendingOperationStore } from '../repositories';
import { notify, notifyCasesChanged, PENDING_CHANGED } from './notify';
import type { PostgresUnitsOfWork } from './unit-of-work';

/** A row as node-postgres answers it: the BIGINT `id` and `submission_id` as strings. */
type PostgresRow = Omit<PendingOperationRow, 'id' | 'submission_id'> & { id: string; submission_id: string | null };

const fromPostgres = (row: PostgresRow): PendingOperationRow => ({
  ...row,
  id: Number(row.id),
  submission_id: row.submission_id === null ? null : Number(row.submission_id),
});

export class PostgresPendingOperationRepository implements PendingOperationStore {
  constructor(
    private readonly units: PostgresUnitsOfWork,
    private readonly cipher: Cipher,
  ) {}

  async create(
    input: NewPendingOperation & { prescriptionId: PrescriptionId; reason: PendingReason; staff: string; createdAt: string; notBefore?: string },
  ): Promise<number> {
    const payload = newPendingPayload(this.cipher, input);
    const [id] = await this.change(
      `INSERT INTO pending_operations (prescription_id, operation, reason, state, staff, created_at, not_before, payload_enc)
       VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7) RETURNING id, prescription_id`,
      [input.prescriptionId, input.operation, input.reason, input.staff, input.createdAt, input.notBefore ?? null, payload],
    );
    return Number(id);
  }

  /**
   * Takes over an operation recorded in another store exactly as it is (state, attempts, waiting time, outcome,
   * payload) and answers its new id — moving a counter's store in (sqlite-import.ts, docs/multi-counter.md §2).
   * `submissionId` must already name the submission's id in this store.
   */
  async restore(record: RecordedPendingOperation): Promise<number> {
    const [id] = await this.change(
      `INSERT INTO pending_operations (${RESTORED_PENDING_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id, prescription_id`,
      restoredPendingValues(this.cipher, record),
    );
    return Number(id);
  }

  async get(id: number): Promise<PendingOperationRecord | undefined> {
    const { rows } = await this.units.query<PostgresRow>('SELECT * FROM pending_operations WHERE id = $1', [id]);
    return rows[0] ? pendingOperationFromRow(fromPostgres(rows[0]), this.cipher) : undefined;
  }

  /** Every operation still owed, oldest first. */
  async pending(): Promise<PendingOperationRecord[]> {
    const { rows } = await this.units.query<PostgresRow>(`SELECT * FROM pending_operations WHERE state = 'pending' ORDER BY id`);
    return rows.map((row) => pendingOperationFromRow(fromPostgres(row), this.cipher));
  }

  /** Pending ones of one prescription, oldest first. */
  async pendingFor(prescriptionId: PrescriptionId, operation?: PendingOperationKind): Promise<PendingOperationRecord[]> {
    const { rows } = await this.units.query<PostgresRow>(
      `SELECT * FROM pending_operations WHERE state = 'pending' AND prescription_id = $1 AND ($2::text IS NULL OR operation = $2) ORDER BY id`,
      [prescriptionId, operation ?? null],
    );
    return rows.map((row) => pendingOperationFromRow(fromPostgres(row), this.cipher));
  }

  /** Pending ones first (oldest first), then the `recentLimit` newest finished ones. */
  async listForDisplay(recentLimit = 20): Promise<PendingOperationRecord[]> {
    const finished = await this.units.query<PostgresRow>(`SELECT * FROM pending_operations WHERE state <> 'pending' ORDER BY id DESC LIMIT $1`, [recentLimit]);
    return [...(await this.pending()), ...finished.rows.map((row) => pendingOperationFromRow(fromPostgres(row), this.cipher))];
  }

  async countPending(): Promise<number> {
    const { rows } = await this.units.query<{ n: string }>(`SELECT COUNT(*) AS n FROM pending_operations WHERE state = 'pending'`);
    return Number(rows[0]?.n ?? 0);
  }

  /** One more attempt was made; optionally not before `notBefore` again (429) and with a new reason. */
  async recordAttempt(id: number, update: { notBefore?: string | null; reason?: PendingReason; message?: string } = {}): Promise<void> {
    await this.change(
      `UPDATE pending_operations SET attempts = attempts + 1,
         not_before = CASE WHEN $2::boolean THEN $3 ELSE not_before END,
         reason = COALESCE($4, reason), message = COALESCE($5, message)
       WHERE id = $1 AND state = 'pending' RETURNING id, prescription_id`,
      [id, update.notBefore !== undefined, update.notBefore ?? null, update.reason ?? null, update.message ?? null],
    );
  }

  /** A new attempt of this operation is in flight as `submissionId` ($dispense/$close). */
  async attachSubmission(id: number, submissionId: number): Promise<void> {
    await this.change(
      `UPDATE pending_operations SET submission_id = $2, attempts = attempts + 1 WHERE id = $1 AND state = 'pending' RETURNING id, prescription_id`,
      [id, submissionId],
    );
  }

  /** Whether any operation — pending or finished — was ever attached to this submission. */
  async attachedTo(submissionId: number): Promise<boolean> {
    const { rows } = await this.units.query('SELECT 1 AS one FROM pending_operations WHERE submission_id = $1 LIMIT 1', [submissionId]);
    return rows.length > 0;
  }

  /** The pending operation whose attempt in flight is this submission. */
  async forSubmission(submissionId: number): Promise<PendingOperationRecord | undefined> {
    const { rows } = await this.units.query<PostgresRow>(
      `SELECT * FROM pending_operations WHERE state = 'pending' AND submission_id = $1 ORDER BY id LIMIT 1`,
      [submissionId],
    );
    return rows[0] ? pendingOperationFromRow(fromPostgres(rows[0]), this.cipher) : undefined;
  }

  /** Sets why the operation waits (and until when); no attempt is counted. */
  async setWaiting(id: number, reason: PendingReason, notBefore?: string): Promise<void> {
    await this.change(
      `UPDATE pending_operations SET reason = $2, not_before = $3 WHERE id = $1 AND state = 'pending' RETURNING id, prescription_id`,
      [id, reason, notBefore ?? null],
    );
  }

  /** A plain success leaves no trace to report: the row is removed. */
  async delete(id: number): Promise<void> {
    await this.change('DELETE FROM pending_operations WHERE id = $1 RETURNING id, prescription_id', [id]);
  }

  /** Finishes a pending row; the payload (AccessCode or list) is erased — it served its purpose. */
  async finish(id: number, outcome: { state: Exclude<PendingState, 'pending'>; completedAt: string; message: string }): Promise<boolean> {
    const changed = await this.change(
      `UPDATE pending_operations SET state = $2, completed_at = $3, message = $4, payload_enc = NULL WHERE id = $1 AND state = 'pending'
       RETURNING id, prescription_id`,
      [id, outcome.state, outcome.completedAt, outcome.message],
    );
    return changed.length > 0;
  }

  /** After $reject/$abort (A_19251): nothing personal stays, not even a queued list. */
  async eraseFor(prescriptionId: PrescriptionId): Promise<void> {
    await this.change('UPDATE pending_operations SET payload_enc = NULL WHERE prescription_id = $1 RETURNING id, prescription_id', [prescriptionId]);
  }

  /**
   * Runs one write that answers `RETURNING id, prescription_id`, notifies the prescriptions it touched in the same
   * transaction (§3) and answers the ids of the rows written.
   */
  private change(sql: string, params: readonly unknown[]): Promise<string[]> {
    return this.units.transaction(async () => {
      const { rows } = await this.units.query<{ id: string; prescription_id: string }>(sql, params);
      const prescriptions = rows.map((r) => r.prescription_id);
      await notifyCasesChanged(this.units, prescriptions);
      await notify(this.units, PENDING_CHANGED, prescriptions);
      return rows.map((r) => r.id);
    });
  }
}
