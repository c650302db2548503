/**
 * The row ↔ record mapping of a message with a patient's app (spec erezept-pharmacy §3.11), shared by both store
 * engines (docs/multi-counter.md §1). The content exists only encrypted (`content_enc`); a tombstone has none.
 * The rows hold only text columns, so the engines need no normalising here.
 */
import type { PrescriptionId } from '../../../shared/erezept/identifiers';
import type { Cipher } from '../cipher';
import type { MessageKind, MessageRecord, MessageState, NewMessage } from '../messages';

export interface MessageRow {
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

/** The columns of an INSERT, in the order of the values `newMessageValues` and `restoredMessageValues` answer. */
export const MESSAGE_COLUMNS = 'communication_id, kind, prescription_id, sent_at, stored_at, state, handled_at, handled_by, content_enc';

type MessageValues = [string, MessageKind, string, string, string, MessageState, string | null, string | null, string | null];

/** A message fetched now: a reply is handled the moment it is sent. */
export function newMessageValues(message: NewMessage, cipher: Cipher): MessageValues {
  return [
    message.communicationId,
    message.kind,
    message.prescriptionId,
    message.sentAt,
    message.storedAt,
    message.state,
    message.state === 'sent' ? message.storedAt : null,
    message.handledBy ?? null,
    cipher.encrypt(JSON.stringify(message.content)),
  ];
}

/** A message taken over from another store exactly as it is, a tombstone without content included. */
export function restoredMessageValues(record: MessageRecord, cipher: Cipher): MessageValues {
  return [
    record.communicationId,
    record.kind,
    record.prescriptionId,
    record.sentAt,
    record.storedAt,
    record.state,
    record.handledAt ?? null,
    record.handledBy ?? null,
    record.content === undefined ? null : cipher.encrypt(JSON.stringify(record.content)),
  ];
}

export function messageFromRow(row: MessageRow, cipher: Cipher): MessageRecord {
  return {
    communicationId: row.communication_id,
    kind: row.kind as MessageKind,
    prescriptionId: row.prescription_id as PrescriptionId,
    sentAt: row.sent_at,
    storedAt: row.stored_at,
    state: row.state as MessageState,
    ...(row.handled_at !== null ? { handledAt: row.handled_at } : {}),
    ...(row.handled_by !== null ? { handledBy: row.handled_by } : {}),
    ...(row.content_enc !== null ? { content: JSON.parse(cipher.decrypt(row.content_enc)) as unknown } : {}),
  };
}
