/**
 * The messages with the patients' apps in the PostgreSQL store (spec erezept-pharmacy §3.11), as the SQLite
 * MessageRepository (../messages.ts): content only encrypted, an erased message keeps a tombstone. Every write
 * notifies `erx_messages_changed` and `erx_case_changed` with the PrescriptionID in its transaction
 * (docs/multi-counter.md §3).
 */
import type { PrescriptionId } from '../../../shared/erezept/identifiers';
import type { Cipher } from '../cipher';
import type { MessageKind, MessageRecord, MessageState, NewMessage } from '../messages';
import type { MessageStore } from '../repositories';
import { MESSAGES_CHANGED, notify, notifyCasesChanged } from './notify';
import type { PostgresUnitsOfWork } from './unit-of-work';

interface Row {
  communication_id: string;
  kind: string;
  prescription_id: string;
  sent_at: string;
  stored_at: string;
  state: string;
  handled_at: string | null;
  handled_by: string | null;
  content_enc: string | null;
}

export class PostgresMessageRepository implements MessageStore {
  constructor(
    private readonly units: PostgresUnitsOfWork,
    private readonly cipher: Cipher,
  ) {}

  /** Stores a message not known yet; `false` when the id is already here (also as a tombstone). */
  async insertIfNew(message: NewMessage): Promise<boolean> {
    const inserted = await this.change(
      `INSERT INTO messages (communication_id, kind, prescription_id, sent_at, stored_at, state, handled_at, handled_by, content_enc)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (communication_id) DO NOTHING RETURNING prescription_id`,
      [
        message.communicationId,
        message.kind,
        message.prescriptionId,
        message.sentAt,
        message.storedAt,
        message.state,
        message.state === 'sent' ? message.storedAt : null,
        message.handledBy ?? null,
        this.cipher.encrypt(JSON.stringify(message.content)),
      ],
    );
    return inserted === 1;
  }

  /**
   * Takes over a message recorded in another store exactly as it is (state, handling, content or tombstone) unless
   * its id is here already (`false`) — moving a counter's store in (sqlite-import.ts, docs/multi-counter.md §2).
   */
  async restore(record: MessageRecord): Promise<boolean> {
    const inserted = await this.change(
      `INSERT INTO messages (communication_id, kind, prescription_id, sent_at, stored_at, state, handled_at, handled_by, content_enc)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (communication_id) DO NOTHING RETURNING prescription_id`,
      [
        record.communicationId,
        record.kind,
        record.prescriptionId,
        record.sentAt,
        record.storedAt,
        record.state,
        record.handledAt ?? null,
        record.handledBy ?? null,
        record.content === undefined ? null : this.cipher.encrypt(JSON.stringify(record.content)),
      ],
    );
    return inserted === 1;
  }

  async get(communicationId: string): Promise<MessageRecord | undefined> {
    const { rows } = await this.units.query<Row>('SELECT * FROM messages WHERE communication_id = $1', [communicationId]);
    return rows[0] ? this.toRecord(rows[0]) : undefined;
  }

  /** The Zuweisungen, open ones first, each group newest first; at most `limit`. */
  async listRequests(limit: number): Promise<MessageRecord[]> {
    const { rows } = await this.units.query<Row>(
      `SELECT * FROM messages WHERE kind = 'dispreq' AND state <> 'erased'
       ORDER BY CASE state WHEN 'new' THEN 0 ELSE 1 END, sent_at DESC, communication_id LIMIT $1`,
      [limit],
    );
    return rows.map((row) => this.toRecord(row));
  }

  /** Every message of one prescription, oldest first (the thread in the case view, A_23796). */
  async listFor(prescriptionId: PrescriptionId): Promise<MessageRecord[]> {
    const { rows } = await this.units.query<Row>(
      `SELECT * FROM messages WHERE prescription_id = $1 AND state <> 'erased' ORDER BY sent_at, communication_id`,
      [prescriptionId],
    );
    return rows.map((row) => this.toRecord(row));
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

  private toRecord(row: Row): MessageRecord {
    return {
      communicationId: row.communication_id,
      kind: row.kind as MessageKind,
      prescriptionId: row.prescription_id as PrescriptionId,
      sentAt: row.sent_at,
      storedAt: row.stored_at,
      state: row.state as MessageState,
      ...(row.handled_at !== null ? { handledAt: row.handled_at } : {}),
      ...(row.handled_by !== null ? { handledBy: row.handled_by } : {}),
      ...(row.content_enc !== null ? { content: JSON.parse(this.cipher.decrypt(row.content_enc)) as unknown } : {}),
    };
  }
}
