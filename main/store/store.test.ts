import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import type { AccessCode, PrescriptionId, Secret } from '../../shared/erezept/identifiers';
import { IdentityCipher } from './cipher';
import type { CaseRecord } from './cases';
import { migrate, migrations, SchemaTooNewError } from './migrations';
import { openStore, type Store } from './store';

const ID = '160.000.000.000.001.54' as PrescriptionId;
const now = () => new Date('2026-10-05T08:00:00Z');

const sampleCase = (overrides: Partial<CaseRecord> = {}): CaseRecord => ({
  prescriptionId: ID,
  flowType: '160',
  status: 'accepted',
  acceptedAt: '2026-10-05T08:00:00.000Z',
  acceptedBy: 'AB',
  acceptDate: '2026-10-29',
  expiryDate: '2026-12-31',
  updatedAt: '2026-10-05T08:00:00.000Z',
  patientName: 'Erika Mustermann',
  kvnr: 'X110411675',
  medicationLabel: 'Sumatriptan 100 mg',
  accessCode: 'a'.repeat(64) as AccessCode,
  secret: 'b'.repeat(64) as Secret,
  qes: new Uint8Array([48, 130, 1, 2]),
  ...overrides,
});

const entry: DispenseEntry = {
  key: 'row-1',
  medication: { kind: 'freitext', text: 'Ibuprofen 400', category: '00', vaccine: false },
  packs: 1,
  serials: [],
  whenHandedOver: '2026-10-05',
};

let store: Store;
beforeEach(() => {
  store = openStore({ file: ':memory:', cipher: new IdentityCipher(), hmacKey: Buffer.alloc(32, 1), now });
});
afterEach(() => store.close());

describe('migrations', () => {
  it('are applied once; a second run changes nothing', () => {
    const db = new Database(':memory:');
    expect(migrate(db, now)).toEqual(migrations.map((m) => m.version));
    expect(migrate(db, now)).toEqual([]);
    db.close();
  });

  it('upgrade a version-1 database: existing cases keep their data and get the new progress columns', () => {
    const db = new Database(':memory:');
    migrate(db, now, migrations.slice(0, 1));
    db.prepare(
      `INSERT INTO cases (prescription_id, flow_type, status, accepted_at, accepted_by, updated_at, last_dispense_at)
       VALUES (?, '160', 'dispensed', '2026-10-05T08:00:00.000Z', 'AB', '2026-10-05T08:00:00.000Z', '2026-10-05T09:00:00.000Z')`,
    ).run(ID);
    // every later migration runs, in order
    expect(migrate(db, now)).toEqual(migrations.slice(1).map((m) => m.version));
    const row = db.prepare('SELECT * FROM cases WHERE prescription_id = ?').get(ID) as Record<string, unknown>;
    expect(row).toMatchObject({ status: 'dispensed', last_dispense_at: '2026-10-05T09:00:00.000Z', unsent_changes: 0, last_handover_date: null, ended_by: null });
    db.close();
  });

  it('version 6 keeps every owed operation of version 5, ids included, and accepts $reject/$abort rows', () => {
    const db = new Database(':memory:');
    migrate(db, now, migrations.filter((m) => m.version <= 5));
    db.prepare(
      `INSERT INTO pending_operations (id, prescription_id, operation, reason, state, staff, created_at, payload_enc, attempts, message)
       VALUES (7, ?, 'dispense', 'rate-limited', 'pending', 'AB', '2026-10-05T08:00:00.000Z', 'v1:x', 2, NULL)`,
    ).run(ID);
    expect(() =>
      db.prepare(`INSERT INTO pending_operations (prescription_id, operation, reason, state, staff, created_at) VALUES (?, 'reject', 'outcome-unknown', 'pending', 'AB', 'x')`).run(ID),
    ).toThrow(/CHECK constraint/);
    expect(migrate(db, now)).toEqual(migrations.filter((m) => m.version >= 6).map((m) => m.version));
    expect(db.prepare('SELECT * FROM pending_operations').all()).toEqual([
      expect.objectContaining({ id: 7, operation: 'dispense', reason: 'rate-limited', payload_enc: 'v1:x', attempts: 2 }),
    ]);
    db.prepare(`INSERT INTO pending_operations (prescription_id, operation, reason, state, staff, created_at) VALUES (?, 'reject', 'outcome-unknown', 'pending', 'AB', 'x')`).run(ID);
    // AUTOINCREMENT goes on after the copied ids
    expect(db.prepare(`SELECT id FROM pending_operations WHERE operation = 'reject'`).get()).toEqual({ id: 8 });
    db.close();
  });

  it('refuse a database written by a newer version', () => {
    const db = new Database(':memory:');
    migrate(db, now);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, ?)').run('future', 'x');
    expect(() => migrate(db, now)).toThrow(SchemaTooNewError);
    db.close();
  });
});

describe('cases', () => {
  it('round-trips a case with credentials and QES', async () => {
    await store.cases.save(sampleCase());
    const back = await store.cases.get(ID);
    expect(back).toMatchObject({ status: 'accepted', patientName: 'Erika Mustermann', kvnr: 'X110411675', secret: 'b'.repeat(64) });
    expect(back?.qes).toEqual(new Uint8Array([48, 130, 1, 2]));
  });

  it('lists without decrypting credentials and searches by KVNR through its HMAC', async () => {
    await store.cases.save(sampleCase());
    const [listed] = (await store.cases.list({ text: 'x110411675' })).records;
    expect(listed?.prescriptionId).toBe(ID);
    expect(listed?.secret).toBeUndefined();
    expect((await store.cases.list({ text: 'K220635158' })).records).toEqual([]);
    expect((await store.cases.list({ statuses: ['closed'] })).records).toEqual([]);
  });

  it('erases personal data after $reject/$abort but keeps the case row (A_19251)', async () => {
    await store.cases.save(sampleCase());
    await store.drafts.save({ prescriptionId: ID, entries: [entry], savedAt: '2026-10-05T08:00:00.000Z', staff: 'AB' });
    await store.cases.erasePersonalData(ID, 'rejected', '2026-10-05T09:00:00.000Z');
    const back = await store.cases.get(ID);
    expect(back?.status).toBe('rejected');
    expect(back?.secret).toBeUndefined();
    expect(back?.patientName).toBeUndefined();
    expect(await store.drafts.get(ID)).toBeUndefined();
    expect((await store.cases.list({ text: 'X110411675' })).records).toEqual([]);
  });
});

describe('submissions', () => {
  it('are created pending and completed once', async () => {
    await store.cases.save(sampleCase());
    const id = await store.submissions.createPending({ prescriptionId: ID, operation: 'dispense', staff: 'AB', createdAt: '2026-10-05T08:01:00.000Z', entries: [entry] });
    expect((await store.submissions.pending()).map((s) => s.id)).toEqual([id]);
    await store.submissions.complete(id, { state: 'confirmed', completedAt: '2026-10-05T08:01:01.000Z', httpStatus: 204 });
    // a late second completion does not overwrite the first answer
    await store.submissions.complete(id, { state: 'failed', completedAt: '2026-10-05T08:02:00.000Z', httpStatus: 500 });
    expect(await store.submissions.latest(ID)).toMatchObject({ state: 'confirmed', httpStatus: 204, entries: [entry] });
    expect(await store.submissions.latest(ID, { operation: 'close' })).toBeUndefined();
  });
});

describe('settings', () => {
  it('keep plain and secret values', async () => {
    await store.settings.set('a', { x: 1 });
    await store.settings.setSecret('b', ['token']);
    expect(store.settings.get('a')).toEqual({ x: 1 });
    expect(store.settings.getSecret('b')).toEqual(['token']);
    expect(store.settings.get('missing')).toBeUndefined();
  });
});

describe('transaction', () => {
  it('rolls back everything when one write fails', async () => {
    await store.cases.save(sampleCase());
    await expect(
      store.transaction(async () => {
        await store.cases.updateStatus(ID, { status: 'closed', updatedAt: '2026-10-05T09:00:00.000Z' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await store.cases.get(ID))?.status).toBe('accepted');
  });
});
