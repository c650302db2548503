/**
 * The messages with the patients' apps (spec erezept-pharmacy §3.11; store migration 7): Zuweisungen (DispReq) the
 * pharmacy received and the replies it sent. Plain: the Fachdienst's Communication id, kind, PrescriptionID, times,
 * state and staff Kürzel. Encrypted through the Cipher (`content_enc`): everything a patient wrote or was told — the
 * wish with name, address, phone and texts, the KVNR, the AccessCode of a Zuweisung, the reply's text and pick-up code.
 *
 * Erasing keeps a tombstone (id, kind, PrescriptionID, times, state `erased`) and drops the content: the Fachdienst
 * still holds the message, and a later full fetch must not bring it back as new.
 */
import type { Database } from 'better-sqlite3';
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import type { Cipher } from './cipher';
import { MESSAGE_COLUMNS, messageFromRow, newMessageValues, restoredMessageValues, type MessageRow } from './records/message-record';

export type MessageKind = 'dispreq' | 'reply';
/**
 * A Zuweisung: `new` until a pharmacist accepts it (`accepted`, the case exists) or dismisses it (`dismissed`).
 * A reply: `sent`, or `deleted` after „Nachricht löschen“ at the Fachdienst. Any: `erased` (content gone).
 */
export type MessageState = 'new' | 'accepted' | 'dismissed' | 'sent' | 'deleted' | 'erased';

export interface MessageRecord {
  communicationId: string;
  kind: MessageKind;
  prescriptionId: PrescriptionId;
  /** Communication.sent (ISO) */
  sentAt: string;
  /** when this app first stored it */
  storedAt: string;
  state: MessageState;
  /** when a pharmacist accepted, dismissed or deleted it, and who */
  handledAt?: string;
  handledBy?: string;
  /** the decrypted content (JSON chosen by the service); undefined once erased */
  content?: unknown;
}

export interface NewMessage {
  communicationId: string;
  kind: MessageKind;
  prescriptionId: PrescriptionId;
  sentAt: string;
  storedAt: string;
  state: 'new' | 'sent';
  handledBy?: string;
  content: unknown;
}

export class MessageRepository {
  constructor(
    private readonly db: Database,
    private readonly cipher: Cipher,
  ) {}

  /** Stores a message not known yet; `false` when the id is already here (also as a tombstone). */
  insertIfNew(message: NewMessage): boolean {
    const result = this.db
      .prepare(
        `INSERT INTO messages (${MESSAGE_COLUMNS})
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (communication_id) DO NOTHING`,
      )
      .run(...newMessageValues(message, this.cipher));
    return result.changes === 1;
  }

  /**
   * Takes over a message recorded in another store exactly as it is — state, handling, content, or a tombstone
   * without content — unless its id is here already (`false`; moving a counter's store into the shared one,
   * sqlite-import.ts, docs/multi-counter.md §2).
   */
  restore(record: MessageRecord): boolean {
    const result = this.db
      .prepare(
        `INSERT INTO messages (${MESSAGE_COLUMNS})
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (communication_id) DO NOTHING`,
      )
      .run(...restoredMessageValues(record, this.cipher));
    return result.changes === 1;
  }

  get(communicationId: string): MessageRecord | undefined {
    const row = this.db.prepare<[string], MessageRow>('SELECT * FROM messages WHERE communication_id = ?').get(communicationId);
    return row ? messageFromRow(row, this.cipher) : undefined;
  }

  /** The Zuweisungen, open ones first, each group newest first; at most `limit`. */
  listRequests(limit: number): MessageRecord[] {
    return this.db
      .prepare<[number], MessageRow>(
        `SELECT * FROM messages WHERE kind = 'dispreq' AND state <> 'erased'
         ORDER BY CASE state WHEN 'new' THEN 0 ELSE 1 END, sent_at DESC, communication_id LIMIT ?`,
      )
      .all(limit)
      .map((row) => messageFromRow(row, this.cipher));
  }

  /** Every message of one prescription, oldest first (the thread in the case view, A_23796). */
  listFor(prescriptionId: PrescriptionId): MessageRecord[] {
    return this.db
      .prepare<[string], MessageRow>(`SELECT * FROM messages WHERE prescription_id = ? AND state <> 'erased' ORDER BY sent_at, communication_id`)
      .all(prescriptionId)
      .map((row) => messageFromRow(row, this.cipher));
  }

  countOpenRequests(): number {
    return this.db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM messages WHERE kind = 'dispreq' AND state = 'new'`).get()?.n ?? 0;
  }

  /** new → accepted/dismissed, sent → deleted; `false` when the message was not in the state expected. */
  markHandled(communicationId: string, from: MessageState, to: 'accepted' | 'dismissed' | 'deleted', at: string, by: string): boolean {
    return (
      this.db
        .prepare(`UPDATE messages SET state = ?, handled_at = ?, handled_by = ? WHERE communication_id = ? AND state = ?`)
        .run(to, at, by, communicationId, from).changes === 1
    );
  }

  /** With the case's personal data (A_19251): every message of the prescription loses its content. */
  eraseFor(prescriptionId: PrescriptionId): number {
    return this.db.prepare(`UPDATE messages SET state = 'erased', content_enc = NULL WHERE prescription_id = ? AND state <> 'erased'`).run(prescriptionId)
      .changes;
  }

  /**
   * Zuweisungen never accepted (open or dismissed), stored before `before`: their content goes (the retention
   * period, a setting). Accepted ones live as long as their case.
   */
  eraseUnacceptedRequestsBefore(before: string): number {
    return this.db
      .prepare(`UPDATE messages SET state = 'erased', content_enc = NULL WHERE kind = 'dispreq' AND state IN ('new', 'dismissed') AND stored_at < ?`)
      .run(before).changes;
  }
}
