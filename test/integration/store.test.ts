/**
 * The store on a real SQLite file (architecture §8): reopening, migrations, a pending submission surviving a
 * crash, and personal data reaching the disk only as Cipher output.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccessCode, PrescriptionId, Secret } from '../../shared/erezept/identifiers';
import type { Cipher } from '../../main/store/cipher';
import { loadOrCreateKey } from '../../main/store/kvnr-key';
import { migrations } from '../../main/store/migrations';
import { openStore } from '../../main/store/store';

const ID = '160.000.000.000.001.54' as PrescriptionId;
const SECRET = 'b'.repeat(64) as Secret;
const AC = 'a'.repeat(64) as AccessCode;

/** Marks ciphertext and hides the plain text (base64), so the file can be searched for leaks. */
class MarkingCipher implements Cipher {
  encrypt(plain: string): string {
    return `ENC1:${Buffer.from(plain, 'utf8').toString('base64')}`;
  }
  decrypt(stored: string): string {
    if (!stored.startsWith('ENC1:')) throw new Error('not encrypted');
    return Buffer.from(stored.slice(5), 'base64').toString('utf8');
  }
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'erx-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = () =>
  openStore({ file: join(dir, 'erx.db'), cipher: new MarkingCipher(), hmacKey: loadOrCreateKey(join(dir, 'store.key')) });

const entry = {
  key: 'row-1',
  medication: { kind: 'pzn' as const, pzn: '06313728', name: 'Sumatriptan-1a Pharma 100 mg Tabletten', ingredients: [], category: '00' as const, vaccine: false },
  packs: 1,
  batch: { lot: 'LOT4711', expiry: '2028-03-31' },
  serials: ['SERIAL0815'],
  whenHandedOver: '2026-10-05',
};

async function writeCase(): Promise<void> {
  const store = open();
  await store.cases.save({
    prescriptionId: ID,
    flowType: '160',
    status: 'accepted',
    acceptedAt: '2026-10-05T08:00:00.000Z',
    acceptedBy: 'AB',
    expiryDate: '2026-12-31',
    updatedAt: '2026-10-05T08:00:00.000Z',
    patientName: 'Erika Mustermann',
    kvnr: 'X110411675',
    medicationLabel: 'Sumatriptan-1a Pharma',
    accessCode: AC,
    secret: SECRET,
    qes: new TextEncoder().encode('QES-BYTES-<Bundle>'),
    prescription: undefined,
    prescriptionXml: '<Bundle><name value="Mustermann"/></Bundle>',
  });
  await store.submissions.createPending({ prescriptionId: ID, operation: 'dispense', staff: 'AB', createdAt: '2026-10-05T08:01:00.000Z', entries: [entry] });
  await store.receipts.save({
    prescriptionId: ID,
    bundleId: 'rcpt-1',
    completedAt: '2026-10-05T08:05:00.000Z',
    pharmacyTelematikId: '3-SMC-B-Testkarte-883110000095957',
    signaturePresent: true,
    receivedAt: '2026-10-05T08:05:00.000Z',
    staff: 'AB',
    bundle: { resourceType: 'Bundle', note: 'RECEIPT-CONTENT' },
  });
  await store.audit.append({ at: '2026-10-05T08:00:00.000Z', staff: 'AB', operation: 'accept', prescriptionId: ID, result: 'ok', httpStatus: 200 });
  await store.close();
}

describe('store on a real SQLite file', () => {
  it('creates erx.db in WAL mode and a private HMAC key file', async () => {
    await writeCase();
    expect(existsSync(join(dir, 'erx.db'))).toBe(true);
    const db = new Database(join(dir, 'erx.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    expect(statSync(join(dir, 'store.key')).mode & 0o077).toBe(0);
  });

  it('reopens with everything in place; migrations run once', async () => {
    await writeCase();
    const store = open();
    expect(await store.cases.get(ID)).toMatchObject({ secret: SECRET, accessCode: AC, patientName: 'Erika Mustermann' });
    expect((await store.receipts.get(ID))?.bundle).toEqual({ resourceType: 'Bundle', note: 'RECEIPT-CONTENT' });
    expect((await store.cases.list({ text: 'X110411675' })).records).toHaveLength(1);
    await store.close();
    const db = new Database(join(dir, 'erx.db'));
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    db.close();
    // each known migration exactly once, although the store was opened twice
    expect(versions).toEqual(migrations.map((m) => ({ version: m.version })));
  });

  it('a submission left pending by a crash is still pending after reopening', async () => {
    await writeCase();
    const store = open();
    const pending = await store.submissions.pending();
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ prescriptionId: ID, operation: 'dispense', state: 'pending', entries: [entry] });
    await store.close();
  });

  it('the HMAC key survives a restart, so KVNR search keeps working', async () => {
    await writeCase();
    const key = readFileSync(join(dir, 'store.key'), 'utf8');
    const store = open();
    expect(readFileSync(join(dir, 'store.key'), 'utf8')).toBe(key);
    expect((await store.cases.list({ text: 'X110411675' })).records.map((c) => c.prescriptionId)).toEqual([ID]);
    await store.close();
  });

  it('personal data and credentials reach the disk only as ciphertext', async () => {
    await writeCase();
    const bytes = ['erx.db', 'erx.db-wal']
      .map((f) => join(dir, f))
      .filter(existsSync)
      .map((f) => readFileSync(f).toString('latin1'))
      .join('\n');
    for (const plain of ['Mustermann', 'X110411675', SECRET, AC, 'QES-BYTES', 'LOT4711', 'SERIAL0815', 'RECEIPT-CONTENT', 'Sumatriptan']) {
      expect(bytes, plain).not.toContain(plain);
    }
    expect(bytes).toContain('ENC1:');
    // plain for lists: id, status, dates
    expect(bytes).toContain(ID);
    expect(bytes).toContain('2026-12-31');
  });
});
