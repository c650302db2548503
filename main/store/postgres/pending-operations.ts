/**
 * Operations owed to the Fachdienst in the PostgreSQL store, as the SQLite PendingOperationRepository
 * (../pending-operations.ts; docs/reliability.md, "Before every call"). Every write notifies `erx_case_changed` and
 * `erx_pending_changed` with the PrescriptionID in its transaction (docs/multi-counter.md §3).
 */
import { parseAccessCode, type PrescriptionId } from '../../../shared/erezept/identifiers';
import type { Cipher } from '../cipher';
import { decodeEntries, encodeEntries } from '../entries-codec';
import {
  pendingPayloadOf,
  type NewPendingOperation,
  type PendingOperationKind,
  type PendingOperationRecord,
  type PendingReason,
  type PendingState,
  type RecordedPendingOperation,
} from '../pending-operations';
import type { PendingOperationStore } from '../repositories';
import { notify, notifyCasesChanged, PENDING_CHANGED } from './notify';
import type { PostgresUnitsOfWork } from './unit-of-work';

interface Row {
  /** BIGINT: a string from node-postgres, as `submission_id` */
  id: string;
  prescription_id: string;
  operation: string;
  reason: string;
  state: string;
  staff: string;
  created_at: string;
  not_before: string | null;
  attempts: number;
  payload_enc: string | null;
  submission_id: string | null;
  completed_at: string | null;
  message: string | null;
}

/** The fields every owed operation has (the SQLite module keeps its `Base` private). */
type Base = Omit<Extract<PendingOperationRecord, { operation: 'reject' | 'abort' }>, 'operation'>;

export class PostgresPendingOperationRepository implements PendingOperationStore {
  constructor(
    private readonly units: PostgresUnitsOfWork,
    private readonly cipher: Cipher,
  ) {}

  async create(
    input: NewPendingOperation & { prescriptionId: PrescriptionId; reason: PendingReason; staff: string; createdAt: string; notBefore?: string },
  ): Promise<number> {
    const payload =
      input.operation === 'accept'
        ? this.cipher.encrypt(input.accessCode)
        : (input.operation === 'dispense' || input.operation === 'close') && input.entries
          ? encodeEntries(this.cipher, input.entries)
          : null;
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
      `INSERT INTO pending_operations (prescription_id, operation, reason, state, staff, created_at, not_before, attempts, payload_enc,
         submission_id, completed_at, message)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id, prescription_id`,
      [
        record.prescriptionId,
        record.operation,
        record.reason,
        record.state,
        record.staff,
        record.createdAt,
        record.notBefore ?? null,
        record.attempts,
        pendingPayloadOf(this.cipher, record),
        record.submissionId ?? null,
        record.completedAt ?? null,
        record.message ?? null,
      ],
    );
    return Number(id);
  }

  async get(id: number): Promise<PendingOperationRecord | undefined> {
    const { rows } = await this.units.query<Row>('SELECT * FROM pending_operations WHERE id = $1', [id]);
    return rows[0] ? this.fromRow(rows[0]) : undefined;
  }

  /** Every operation still owed, oldest first. */
  async pending(): Promise<PendingOperationRecord[]> {
    const { rows } = await this.units.query<Row>(`SELECT * FROM pending_operations WHERE state = 'pending' ORDER BY id`);
    return rows.map((row) => this.fromRow(row));
  }

  /** Pending ones of one prescription, oldest first. */
  async pendingFor(prescriptionId: PrescriptionId, operation?: PendingOperationKind): Promise<PendingOperationRecord[]> {
    const { rows } = await this.units.query<Row>(
      `SELECT * FROM pending_operations WHERE state = 'pending' AND prescription_id = $1 AND ($2::text IS NULL OR operation = $2) ORDER BY id`,
      [prescriptionId, operation ?? null],
    );
    return rows.map((row) => this.fromRow(row));
  }

  /** Pending ones first (oldest first), then the `recentLimit` newest finished ones. */
  async listForDisplay(recentLimit = 20): Promise<PendingOperationRecord[]> {
    const finished = await this.units.query<Row>(`SELECT * FROM pending_operations WHERE state <> 'pending' ORDER BY id DESC LIMIT $1`, [recentLimit]);
    return [...(await this.pending()), ...finished.rows.map((row) => this.fromRow(row))];
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
    const { rows } = await this.units.query<Row>(
      `SELECT * FROM pending_operations WHERE state = 'pending' AND submission_id = $1 ORDER BY id LIMIT 1`,
      [submissionId],
    );
    return rows[0] ? this.fromRow(rows[0]) : undefined;
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

  private fromRow(row: Row): PendingOperationRecord {
    const base: Base = {
      id: Number(row.id),
      prescriptionId: row.prescription_id as PrescriptionId,
      reason: row.reason as PendingReason,
      state: row.state as PendingState,
      staff: row.staff,
      createdAt: row.created_at,
      notBefore: row.not_before ?? undefined,
      attempts: row.attempts,
      completedAt: row.completed_at ?? undefined,
      message: row.message ?? undefined,
      submissionId: row.submission_id === null ? undefined : Number(row.submission_id),
    };
    if (row.operation === 'accept') {
      const parsed = row.payload_enc === null ? undefined : parseAccessCode(this.cipher.decrypt(row.payload_enc));
      return { ...base, operation: 'accept', accessCode: parsed?.ok ? parsed.data : undefined };
    }
    if (row.operation === 'reject' || row.operation === 'abort') return { ...base, operation: row.operation };
    return {
      ...base,
      operation: row.operation === 'close' ? 'close' : 'dispense',
      entries: row.payload_enc === null ? undefined : decodeEntries(this.cipher, row.payload_enc),
    };
  }
}
