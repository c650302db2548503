/**
 * Operations the app owes the Fachdienst (docs/reliability.md, "Before every call"; store migrations 4 and 6): a
 * `$accept` whose answer may be lost is recorded here BEFORE the call (its AccessCode is needed for GET ?ac
 * afterwards, spec §3.3); `$dispense`/`$close` that could not reach the Fachdienst (offline) or got 429 wait here
 * with the complete list. A finished row keeps its German message, so the pharmacist can see what the app did on its
 * own.
 */
import type { Database } from 'better-sqlite3';
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import type { AccessCode, PrescriptionId } from '../../shared/erezept/identifiers';
import type { Cipher } from './cipher';
import { newPendingPayload, pendingOperationFromRow, RESTORED_PENDING_COLUMNS, restoredPendingValues, type PendingOperationRow } from './records/pending-operation-record';

export type PendingOperationKind = 'accept' | 'dispense' | 'close' | 'reject' | 'abort';
export type PendingReason = 'outcome-unknown' | 'offline' | 'rate-limited';
export type PendingState = 'pending' | 'done' | 'failed' | 'cancelled';

interface Base {
  id: number;
  prescriptionId: PrescriptionId;
  reason: PendingReason;
  state: PendingState;
  staff: string;
  createdAt: string;
  notBefore?: string;
  attempts: number;
  completedAt?: string;
  message?: string;
  /** the submission of the attempt in flight ($dispense/$close), if any */
  submissionId?: number;
}

/** What the operation needs to be done later: the AccessCode of a claim, or the complete list. */
export type PendingOperationRecord =
  | (Base & { operation: 'accept'; accessCode: AccessCode | undefined })
  | (Base & { operation: 'dispense' | 'close'; entries: DispenseEntry[] | undefined })
  /**
   * $reject/$abort whose outcome is being reconciled (docs/reliability.md): no payload — GET ?secret needs only
   * the case's Secret
   */
  | (Base & { operation: 'reject' | 'abort' });

export type NewPendingOperation =
  | { operation: 'accept'; accessCode: AccessCode }
  | { operation: 'dispense'; entries: readonly DispenseEntry[] }
  /** entries absent = $close without body (the last confirmed $dispense applies, spec §3.5) */
  | { operation: 'close'; entries?: readonly DispenseEntry[] }
  | { operation: 'reject' | 'abort' };

/** An owed operation as recorded, without its id (a store that takes it over gives a new one). */
export type RecordedPendingOperation = PendingOperationRecord extends infer R ? (R extends PendingOperationRecord ? Omit<R, 'id'> : never) : never;

export class PendingOperationRepository {
  constructor(
    private readonly db: Database,
    private readonly cipher: Cipher,
  ) {}

  create(input: NewPendingOperation & { prescriptionId: PrescriptionId; reason: PendingReason; staff: string; createdAt: string; notBefore?: string }): number {
    const payload = newPendingPayload(this.cipher, input);
    const result = this.db
      .prepare(
        `INSERT INTO pending_operations (prescription_id, operation, reason, state, staff, created_at, not_before, payload_enc)
         VALUES (?, ?, ?, 'pending', ?, ?, ?, ?)`,
      )
      .run(input.prescriptionId, input.operation, input.reason, input.staff, input.createdAt, input.notBefore ?? null, payload);
    return Number(result.lastInsertRowid);
  }

  /**
   * Takes over an operation recorded in another store exactly as it is — state, attempts, waiting time, outcome and
   * payload — and answers its new id (moving a counter's store into the shared one, sqlite-import.ts,
   * docs/multi-counter.md §2). `submissionId` must already name the submission's id in this store.
   */
  restore(record: RecordedPendingOperation): number {
    const result = this.db
      .prepare(
        `INSERT INTO pending_operations (${RESTORED_PENDING_COLUMNS})
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(...restoredPendingValues(this.cipher, record));
    return Number(result.lastInsertRowid);
  }

  get(id: number): PendingOperationRecord | undefined {
    const row = this.db.prepare<[number], PendingOperationRow>('SELECT * FROM pending_operations WHERE id = ?').get(id);
    return row ? pendingOperationFromRow(row, this.cipher) : undefined;
  }

  /** Every operation still owed, oldest first. */
  pending(): PendingOperationRecord[] {
    return this.db
      .prepare<[], PendingOperationRow>(`SELECT * FROM pending_operations WHERE state = 'pending' ORDER BY id`)
      .all()
      .map((row) => pendingOperationFromRow(row, this.cipher));
  }

  /** Pending ones of one prescription, oldest first. */
  pendingFor(prescriptionId: PrescriptionId, operation?: PendingOperationKind): PendingOperationRecord[] {
    return this.db
      .prepare<[{ id: string; operation: string | null }], PendingOperationRow>(
        `SELECT * FROM pending_operations WHERE state = 'pending' AND prescription_id = @id AND (@operation IS NULL OR operation = @operation) ORDER BY id`,
      )
      .all({ id: prescriptionId, operation: operation ?? null })
      .map((row) => pendingOperationFromRow(row, this.cipher));
  }

  /** Pending ones first (oldest first), then the `recentLimit` newest finished ones. */
  listForDisplay(recentLimit = 20): PendingOperationRecord[] {
    const finished = this.db
      .prepare<[number], PendingOperationRow>(`SELECT * FROM pending_operations WHERE state <> 'pending' ORDER BY id DESC LIMIT ?`)
      .all(recentLimit);
    return [...this.pending(), ...finished.map((row) => pendingOperationFromRow(row, this.cipher))];
  }

  countPending(): number {
    return this.db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM pending_operations WHERE state = 'pending'`).get()?.n ?? 0;
  }

  /** One more attempt was made; optionally not before `notBefore` again (429) and with a new reason. */
  recordAttempt(id: number, update: { notBefore?: string | null; reason?: PendingReason; message?: string } = {}): void {
    this.db
      .prepare(
        `UPDATE pending_operations SET attempts = attempts + 1,
           not_before = CASE WHEN @setNotBefore = 1 THEN @notBefore ELSE not_before END,
           reason = COALESCE(@reason, reason), message = COALESCE(@message, message)
         WHERE id = @id AND state = 'pending'`,
      )
      .run({
        id,
        setNotBefore: update.notBefore === undefined ? 0 : 1,
        notBefore: update.notBefore ?? null,
        reason: update.reason ?? null,
        message: update.message ?? null,
      });
  }

  /** A new attempt of this operation is in flight as `submissionId` ($dispense/$close). */
  attachSubmission(id: number, submissionId: number): void {
    this.db
      .prepare(`UPDATE pending_operations SET submission_id = ?, attempts = attempts + 1 WHERE id = ? AND state = 'pending'`)
      .run(submissionId, id);
  }

  /** The pending operation whose attempt in flight is this submission. */
  /** Whether any operation — pending or finished — was ever attached to this submission. */
  attachedTo(submissionId: number): boolean {
    return this.db.prepare<[number], { one: number }>(`SELECT 1 AS one FROM pending_operations WHERE submission_id = ? LIMIT 1`).get(submissionId) !== undefined;
  }

  forSubmission(submissionId: number): PendingOperationRecord | undefined {
    const row = this.db
      .prepare<[number], PendingOperationRow>(`SELECT * FROM pending_operations WHERE state = 'pending' AND submission_id = ? ORDER BY id LIMIT 1`)
      .get(submissionId);
    return row ? pendingOperationFromRow(row, this.cipher) : undefined;
  }

  /** Sets why the operation waits (and until when); no attempt is counted. */
  setWaiting(id: number, reason: PendingReason, notBefore?: string): void {
    this.db
      .prepare(`UPDATE pending_operations SET reason = ?, not_before = ? WHERE id = ? AND state = 'pending'`)
      .run(reason, notBefore ?? null, id);
  }

  /** A plain success leaves no trace to report: the row is removed. */
  delete(id: number): void {
    this.db.prepare('DELETE FROM pending_operations WHERE id = ?').run(id);
  }

  /** Finishes a pending row; the payload (AccessCode or list) is erased — it served its purpose. */
  finish(id: number, outcome: { state: Exclude<PendingState, 'pending'>; completedAt: string; message: string }): boolean {
    const result = this.db
      .prepare(
        `UPDATE pending_operations SET state = ?, completed_at = ?, message = ?, payload_enc = NULL WHERE id = ? AND state = 'pending'`,
      )
      .run(outcome.state, outcome.completedAt, outcome.message, id);
    return result.changes > 0;
  }

  /** After $reject/$abort (A_19251): nothing personal stays, not even a queued list. */
  eraseFor(prescriptionId: PrescriptionId): void {
    this.db.prepare('UPDATE pending_operations SET payload_enc = NULL WHERE prescription_id = ?').run(prescriptionId);
  }
}
