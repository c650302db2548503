/**
 * The messages store (messages.ts, spec erezept-pharmacy §3.11): content only encrypted, open Zuweisungen first,
 * erasure keeps a tombstone so a later fetch does not bring a message back, retention erases only never-accepted ones.
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import { AesGcmCipher } from './aes-gcm-cipher';
import { MessageRepository, type NewMessage } from './messages';
import { migrate } from './migrations';

const RX_A = '160.000.100.000.001.05' as PrescriptionId;
const RX_B = '160.000.100.000.002.02' as PrescriptionId;

let db: Database.Database;
let messages: MessageRepository;
beforeEach(() => {
  db = new Database(':memory:');
  migrate(db, () => new Date('2026-12-01T08:00:00Z'));
  messages = new MessageRepository(db, new AesGcmCipher(randomBytes(32)));
});
afterEach(() => db.close());

const request = (id: string, overrides: Partial<NewMessage> = {}): NewMessage => ({
  communicationId: id,
  kind: 'dispreq',
  prescriptionId: RX_A,
  sentAt: '2026-12-01T09:00:00Z',
  storedAt: '2026-12-01T09:05:00Z',
  state: 'new',
  content: { wish: { name: 'Erika Mustermann', phone: '030 1234567', addressLines: ['Hauptstr. 1'] }, accessCode: 'a'.repeat(64) },
  ...overrides,
});

describe('MessageRepository', () => {
  it('keeps names, phone and AccessCode only encrypted; the content comes back as stored', () => {
    messages.insertIfNew(request('c-1'));
    const raw = JSON.stringify(db.prepare('SELECT * FROM messages').all());
    for (const personal of ['Mustermann', '030 1234567', 'Hauptstr', 'a'.repeat(64)]) expect(raw).not.toContain(personal);
    expect(messages.get('c-1')?.content).toEqual(request('c-1').content);
  });

  it('a message already stored is not stored again (a repeated fetch)', () => {
    expect(messages.insertIfNew(request('c-1'))).toBe(true);
    expect(messages.insertIfNew(request('c-1', { content: { changed: true } }))).toBe(false);
    expect(messages.get('c-1')?.content).toEqual(request('c-1').content);
  });

  it('lists open Zuweisungen first, each group newest first, and counts the open ones', () => {
    messages.insertIfNew(request('old-open', { sentAt: '2026-12-01T08:00:00Z' }));
    messages.insertIfNew(request('new-open', { sentAt: '2026-12-01T10:00:00Z' }));
    messages.insertIfNew(request('newest-done', { sentAt: '2026-12-01T11:00:00Z' }));
    messages.markHandled('newest-done', 'new', 'accepted', '2026-12-01T11:05:00Z', 'AB');
    expect(messages.listRequests(10).map((m) => m.communicationId)).toEqual(['new-open', 'old-open', 'newest-done']);
    expect(messages.countOpenRequests()).toBe(2);
  });

  it('a state change happens once: a second accept of the same Zuweisung is refused', () => {
    messages.insertIfNew(request('c-1'));
    expect(messages.markHandled('c-1', 'new', 'accepted', '2026-12-01T10:00:00Z', 'AB')).toBe(true);
    expect(messages.markHandled('c-1', 'new', 'accepted', '2026-12-01T10:01:00Z', 'CD')).toBe(false);
    expect(messages.get('c-1')).toMatchObject({ state: 'accepted', handledBy: 'AB' });
  });

  it('erasing with the case (A_19251) drops the content of every message of that prescription and keeps a tombstone', () => {
    messages.insertIfNew(request('c-1'));
    messages.insertIfNew(request('r-1', { kind: 'reply', state: 'sent', content: { text: 'Abholcode 4711' } }));
    messages.insertIfNew(request('c-2', { prescriptionId: RX_B }));
    expect(messages.eraseFor(RX_A)).toBe(2);
    expect(messages.get('c-1')).toMatchObject({ state: 'erased' });
    expect(messages.get('c-1')?.content).toBeUndefined();
    expect(messages.listFor(RX_A)).toEqual([]);
    expect(JSON.stringify(db.prepare('SELECT content_enc FROM messages WHERE prescription_id = ?').all(RX_A))).toBe('[{"content_enc":null},{"content_enc":null}]');
    // the tombstone keeps a later fetch from storing it again
    expect(messages.insertIfNew(request('c-1'))).toBe(false);
    expect(messages.get('c-2')?.content).toBeDefined();
  });

  it('retention: only Zuweisungen never accepted and stored before the cut-off are erased', () => {
    messages.insertIfNew(request('old-open', { storedAt: '2026-10-01T00:00:00Z' }));
    messages.insertIfNew(request('old-dismissed', { storedAt: '2026-10-01T00:00:00Z' }));
    messages.markHandled('old-dismissed', 'new', 'dismissed', '2026-10-02T00:00:00Z', 'AB');
    messages.insertIfNew(request('old-accepted', { storedAt: '2026-10-01T00:00:00Z' }));
    messages.markHandled('old-accepted', 'new', 'accepted', '2026-10-02T00:00:00Z', 'AB');
    messages.insertIfNew(request('recent', { storedAt: '2026-11-30T00:00:00Z' }));
    expect(messages.eraseUnacceptedRequestsBefore('2026-11-01T00:00:00Z')).toBe(2);
    expect(messages.listRequests(10).map((m) => m.communicationId).sort()).toEqual(['old-accepted', 'recent']);
  });
});
