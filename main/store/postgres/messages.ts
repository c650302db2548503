/**
 * The messages with the patients' apps in the PostgreSQL store (spec erezept-pharmacy §3.11), as the SQLite
 * MessageRepository (../messages.ts): content only encrypted, an erased message keeps a tombstone. Every write
 * notifies `erx_messages_changed` and `erx_case_changed` with the PrescriptionID in its transaction
 * (docs/multi-counter.md §3).
 */
import type { PrescriptionId } from '../../../shared/erezept/identifiers';
import type { Cipher } from '../cipher';
import type { MessageRecord, MessageState, NewMessage } from '../messages';
import { MESSAGE_COLUMNS, messageFromRow, newMessageValues, restoredMessageValues, type MessageRow } from '../records/message-record';
import type { MessageStore } from '../repositories';
import { MESSAGES_CHANGED, notify, notifyCasesChanged } from './notify';
import type { PostgresUnitsOfWork } from './unit-of-work';

export class PostgresMessageRepository implements MessageStore {
  constructor(
    private readonly units: PostgresUnitsOfWork,
    private readonly cipher: Cipher,
  ) {}

  /** Stores a message not known yet; `false` when the id is already here (also as a tombstone). */
  async insertIfNew(message: NewMessage): Promise<boolean> {
    const inserted = await this.change(
      `INSERT INTO messages (${MESSAGE_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (communication_id) DO NOTHING RETURNING prescription_id`,
      newMessageValues(message, this.cipher),
    );
    return inserted === 1;
  }

  /**
   * Takes over a message recorded in another store exactly as it is (state, handling, content or tombstone) unless
   * its id is here already (`false`) — moving a counter's store in (sqlite-import.ts, docs/multi-counter.md §2).
   */
  async restore(record: MessageRecord): Promise<boolean> {
    const inserted = await this.change(
      `INSERT INTO messages (${MESSAGE_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (communication_id) DO NOTHING RETURNING prescription_id`,
      restoredMessageValues(record, this.cipher),
    );
    return inserted === 1;
  }

  async get(communicationId: string): Promise<MessageRecord | undefined> {
    const { rows } = await this.units.query<MessageRow>('SELECT * FROM messages WHERE communication_id = $1', [communicationId]);
    return rows[0] ? messageFromRow(rows[0], this.cipher) : undefined;
  }

  /** The Zuweisungen, open ones first, each group newest first; at most `limit`. */
  async listRequests(limit: number): Promise<MessageRecord[]> {
    const { rows } = await this.units.query<MessageRow>(
      `SELECT * FROM messages WHERE kind = 'dispreq' AND state <> 'erased'
       ORDER BY CASE state WHEN 'new' THEN 0 ELSE 1 END, sent_at DESC, communication_id LIMIT $1`,
      [limit],
    );
    return rows.map((row) => messageFromRow(row, this.cipher));
  }

  /** Every message of one prescription, oldest first (the thread in the case view, A_23796). */
  async listFor(prescriptionId: PrescriptionId): Promise<MessageRecord[]> {
    const { rows } = await this.units.query<MessageRow>(
      `SELECT * FROM messages WHERE prescription_id = $1 AND state <> 'erased' ORDER BY sent_at, communication_id`,
      [prescriptionId],
    );
    return rows.map((row) => messageFromRow(row, this.cipher));
  }

  async countOpenRequests(): Promise<number> {
    const { rows } = await this.units.query<{ n: string }>(`SELECT COUNT(*) AS n FROM messages WHERE kind = 'dispreq' AND state = 'new'`);
    return Number(rows[0]?.n ?? 0);
  }

  /** new → accepted/dismissed, sent → deleted; `false` when the message was not in the state expected. */
  async markHandled(communicationId: string, from: MessageState, to: 'accepted' | 'dismissed' | 'deleted', at: string, by: string): Promise<boolean> {
    const changed = await this.change(
      `UPDATE messages SET state = $1, handled_at = $2, handled_by = $3 WHERE communication_id = $4 AND state = $5 RETURNING prescription_id`,
      [to, at, by, communicationId, from],
    );
    return changed === 1;
  }

  /** With the case's personal data (A_19251): every message of the prescription loses its content. */
  eraseFor(prescriptionId: PrescriptionId): Promise<number> {
    return this.change(
      `UPDATE messages SET state = 'erased', content_enc = NULL WHERE prescription_id = $1 AND state <> 'erased' RETURNING prescription_id`,
      [prescriptionId],
    );
  }

  /** Zuweisungen never accepted (open or dismissed), stored before `before`: their content goes (retention period). */
  eraseUnacceptedRequestsBefore(before: string): Promise<number> {
    return this.change(
      `UPDATE messages SET state = 'erased', content_enc = NULL WHERE kind = 'dispreq' AND state IN ('new', 'dismissed') AND stored_at < $1
       RETURNING prescription_id`,
      [before],
    );
  }

  /** One write answering `RETURNING prescription_id`, with its notifications (§3); answers the rows written. */
  private change(sql: string, params: readonly unknown[]): Promise<number> {
    return this.units.transaction(async () => {
      const { rows } = await this.units.query<{ prescription_id: string }>(sql, params);
      const prescriptions = rows.map((r) => r.prescription_id);
      await notify(this.units, MESSAGES_CHANGED, prescriptions);
      await notifyCasesChanged(this.units, prescriptions);
      return rows.length;
    });
  }
}
