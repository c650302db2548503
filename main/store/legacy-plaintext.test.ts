import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import type { AccessCode, PrescriptionId, Secret } from '../../shared/erezept/identifiers';
import { ensureDemoPrescriptions } from '../services/demo-prescriptions';
import { createSimulatorFachdienst } from '../services/simulator-harness';
import { prescriptionView } from '../services/testing';
import { AesGcmCipher } from './aes-gcm-cipher';
import type { CaseRecord } from './cases';
import { IdentityCipher, type CiphertextAwareCipher } from './cipher';
import { encryptedColumns, encryptLegacyPlaintext, PLAINTEXT_ENCRYPTED_MARKER } from './legacy-plaintext';
import { openStore, type Store } from './store';

const ID = '160.000.000.000.001.54' as PrescriptionId;
const ERASED_ID = '160.000.000.000.002.51' as PrescriptionId;
const NAME = 'Erika Mustermann';
const ERASED_NAME = 'Ludger Königsstein';
const KVNR = 'X110411675';
const SECRET = 'c36ca26502892b371d252c99b496e31505ff449aca9bc69e231c58148f6233cf' as Secret;
const ACCESS_CODE = '777bea0e13cc9c42ceec14aec3ddee2263325dc2c6c699db115f58fe423607ea' as AccessCode;
const PENDING_ACCESS_CODE = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' as AccessCode;
const DEMO_ACCESS_CODE = 'fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210';
const MEDICATION = 'Sumatriptan-1a Pharma 100 mg Tabletten';
const DISPENSED = 'Ibuprofen Schmerzsaft 400';
const RECEIPT_MARK = 'Quittung-fuer-Erika';
/** what must never be readable in the database file once it is encrypted */
const SENSITIVE = [NAME, ERASED_NAME, KVNR, SECRET, ACCESS_CODE, PENDING_ACCESS_CODE, DEMO_ACCESS_CODE, MEDICATION, DISPENSED, RECEIPT_MARK];

const now = () => new Date('2026-10-05T08:00:00Z');
const hmacKey = Buffer.alloc(32, 3);
const key = Buffer.alloc(32, 9);

const entry: DispenseEntry = {
  key: 'row-1',
  medication: { kind: 'freitext', text: DISPENSED, category: '00', vaccine: false },
  packs: 1,
  serials: [],
  whenHandedOver: '2026-10-05',
};

const sampleCase = (overrides: Partial<CaseRecord> = {}): CaseRecord => ({
  prescriptionId: ID,
  flowType: '160',
  status: 'accepted',
  acceptedAt: '2026-10-05T08:00:00.000Z',
  acceptedBy: 'AB',
  updatedAt: '2026-10-05T08:00:00.000Z',
  patientName: NAME,
  kvnr: KVNR,
  medicationLabel: MEDICATION,
  accessCode: ACCESS_CODE,
  secret: SECRET,
  qes: new Uint8Array(Buffer.from(`signed bundle of ${NAME}`)),
  prescription: prescriptionView({ patient: { name: NAME, kvnr: KVNR, birthDate: '1964-08-12' } }),
  prescriptionXml: `<Bundle><Patient><name value="${NAME}"/></Patient></Bundle>`,
  ...overrides,
});

/** Fills every kind of record, the way a version with IdentityCipher did. */
async function writeEverything(store: Store): Promise<void> {
  await store.cases.save(sampleCase());
  await store.drafts.save({ prescriptionId: ID, entries: [entry], savedAt: '2026-10-05T08:00:00.000Z', staff: 'AB' });
  const submission = await store.submissions.createPending({ prescriptionId: ID, operation: 'dispense', staff: 'AB', createdAt: '2026-10-05T08:01:00.000Z', entries: [entry] });
  await store.submissions.complete(submission, { state: 'confirmed', completedAt: '2026-10-05T08:01:01.000Z', httpStatus: 204 });
  await store.receipts.save({
    prescriptionId: ID,
    bundleId: 'r-1',
    completedAt: '2026-10-05T09:00:00.000Z',
    pharmacyTelematikId: '3-SMC-B-Testkarte-883110000095957',
    signaturePresent: true,
    receivedAt: '2026-10-05T09:00:01.000Z',
    staff: 'AB',
    bundle: { resourceType: 'Bundle', id: RECEIPT_MARK },
  });
  await store.pendingOperations.create({ operation: 'accept', accessCode: PENDING_ACCESS_CODE, prescriptionId: '160.000.000.000.003.48' as PrescriptionId, reason: 'outcome-unknown', staff: 'AB', createdAt: '2026-10-05T08:02:00.000Z' });
  await store.pendingOperations.create({ operation: 'dispense', entries: [entry], prescriptionId: ID, reason: 'offline', staff: 'AB', createdAt: '2026-10-05T08:03:00.000Z' });
  await store.messages.insertIfNew({
    communicationId: 'c-1',
    kind: 'dispreq',
    prescriptionId: ID,
    sentAt: '2026-10-05T07:00:00.000Z',
    storedAt: '2026-10-05T07:01:00.000Z',
    state: 'new',
    content: { wish: { name: NAME }, kvnr: KVNR },
  });
  await store.settings.setSecret('demo.seededTokens', [`Task/160.000.000.000.004.45/$accept?ac=${DEMO_ACCESS_CODE}`]);
  await store.settings.set('staffList', [{ kuerzel: 'AB', name: 'Anna Becker' }]);
  await store.settings.set('currentStaff', 'AB');
  // a case erased after $reject (A_19251): its plaintext lingers in free pages of an old database
  // (a large prescription, so it lies in overflow pages the old version freed without overwriting)
  await store.cases.save(
    sampleCase({ prescriptionId: ERASED_ID, patientName: ERASED_NAME, prescriptionXml: `<Bundle>${`<name value="${ERASED_NAME}"/>`.repeat(2000)}</Bundle>` }),
  );
  await store.cases.erasePersonalData(ERASED_ID, 'rejected', '2026-10-05T08:30:00.000Z');
}

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'erx-legacy-'));
  file = join(dir, 'erx.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function writeLegacyDatabase(): Promise<void> {
  const legacy = openStore({ file, cipher: new IdentityCipher(), hmacKey, now });
  await writeEverything(legacy);
  await legacy.close();
}

/** the bytes of the database and its WAL, as an attacker with the disk would read them */
function rawFiles(): string {
  return [file, `${file}-wal`]
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f).toString('latin1'))
    .join('\n');
}

const leaked = (raw: string): string[] =>
  SENSITIVE.filter((text) => raw.includes(text) || raw.includes(Buffer.from(text, 'utf8').toString('latin1')));

describe('an old database written with IdentityCipher, opened with AesGcmCipher', () => {
  it('stays fully readable', async () => {
    await writeLegacyDatabase();
    const store = openStore({ file, cipher: new AesGcmCipher(key), hmacKey, now });
    try {
      expect(await store.cases.get(ID)).toMatchObject({ patientName: NAME, kvnr: KVNR, secret: SECRET, accessCode: ACCESS_CODE, medicationLabel: MEDICATION });
      expect((await store.cases.get(ID))?.prescription?.patient.name).toBe(NAME);
      expect((await store.cases.get(ID))?.prescriptionXml).toContain(NAME);
      expect(Buffer.from((await store.cases.get(ID))?.qes ?? []).toString()).toBe(`signed bundle of ${NAME}`);
      expect((await store.cases.list({ text: KVNR })).records.map((c) => c.prescriptionId)).toEqual([ID]);
      expect((await store.cases.get(ERASED_ID))?.status).toBe('rejected');
      expect((await store.cases.get(ERASED_ID))?.patientName).toBeUndefined();
      expect((await store.drafts.get(ID))?.entries).toEqual([entry]);
      expect((await store.submissions.latest(ID))?.entries).toEqual([entry]);
      expect((await store.receipts.get(ID))?.bundle).toEqual({ resourceType: 'Bundle', id: RECEIPT_MARK });
      const pending = await store.pendingOperations.pending();
      expect(pending.map((p) => (p.operation === 'accept' ? p.accessCode : 'entries' in p ? p.entries : undefined))).toEqual([PENDING_ACCESS_CODE, [entry]]);
      expect(store.settings.getSecret('demo.seededTokens')).toEqual([`Task/160.000.000.000.004.45/$accept?ac=${DEMO_ACCESS_CODE}`]);
      // plain settings are read without the Cipher and must stay plain
      expect(store.settings.get('staffList')).toEqual([{ kuerzel: 'AB', name: 'Anna Becker' }]);
      expect(store.settings.get('currentStaff')).toBe('AB');
    } finally {
      await store.close();
    }
  });

  it('leaves no name, KVNR, Secret or AccessCode readable in the database file or its WAL', async () => {
    await writeLegacyDatabase();
    // the test can see plaintext at all: the old file holds it (the erased case's name is already wiped by
    // secure_delete, which store.ts sets for exactly this reason, A_19251)
    expect(leaked(rawFiles())).toEqual(SENSITIVE.filter((s) => s !== ERASED_NAME));
    const store = openStore({ file, cipher: new AesGcmCipher(key), hmacKey, now });
    // already while the app runs, not only after a clean shutdown
    expect(leaked(rawFiles())).toEqual([]);
    await store.close();
    expect(leaked(rawFiles())).toEqual([]);
  });

  it('leaves every encrypted column of the schema holding ciphertext only', async () => {
    await writeLegacyDatabase();
    await openStore({ file, cipher: new AesGcmCipher(key), hmacKey, now }).close();
    const db = new Database(file, { readonly: true });
    try {
      const cipher = new AesGcmCipher(key);
      // independent of encryptedColumns(): every `_enc` column the schema has
      const schemaColumns = db
        .prepare<[], { tbl: string; col: string }>(
          `SELECT m.name AS tbl, p.name AS col FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND p.name LIKE '%\\_enc' ESCAPE '\\'`,
        )
        .all();
      expect(schemaColumns.length).toBeGreaterThanOrEqual(10);
      for (const { tbl, col } of schemaColumns) {
        const values = db.prepare<[], { v: unknown }>(`SELECT "${col}" AS v FROM "${tbl}" WHERE "${col}" IS NOT NULL`).all().map((r) => r.v);
        // the test data reaches every column (a new `_enc` column needs a record above)
        expect(values.length, `${tbl}.${col} has no test data`).toBeGreaterThan(0);
        for (const v of values) expect(typeof v === 'string' && cipher.isCiphertext(v), `${tbl}.${col}`).toBe(true);
      }
      const secretSetting = db.prepare<[], { value: string }>(`SELECT value FROM settings WHERE key = 'demo.seededTokens'`).get();
      expect(cipher.isCiphertext(JSON.parse(secretSetting?.value ?? 'null') as string)).toBe(true);
    } finally {
      db.close();
    }
  });

  it('re-encrypts the demo tokens the app itself stores, so seeding still works after the upgrade', async () => {
    // the simulator in-process: it creates the demo prescription and later still knows it (GET ?ac)
    const simulator = await createSimulatorFachdienst();
    const seeding = { transport: simulator.transport, fachdienst: simulator.client, count: 1 };
    const legacy = openStore({ file, cipher: new IdentityCipher(), hmacKey, now });
    const [token] = await ensureDemoPrescriptions({ ...seeding, settings: legacy.settings });
    await legacy.close();
    const accessCode = /\?ac=([0-9a-f]{64})$/.exec(token ?? '')?.[1];
    expect(accessCode).toBeDefined();
    expect(rawFiles()).toContain(accessCode);

    const store = openStore({ file, cipher: new AesGcmCipher(key), hmacKey, now });
    try {
      expect(await ensureDemoPrescriptions({ ...seeding, settings: store.settings })).toEqual([token]);
      // not seeded again: the simulator holds the one prescription of the first run
      expect(simulator.sim.repository.list()).toHaveLength(1);
      expect(rawFiles()).not.toContain(accessCode);
    } finally {
      await store.close();
    }
  });
});

describe('encryptLegacyPlaintext', () => {
  const aes = new AesGcmCipher(key);

  async function legacyDb(): Promise<Database.Database> {
    await writeLegacyDatabase();
    return new Database(file);
  }

  it('covers every `_enc` column of the current schema', async () => {
    const db = await legacyDb();
    try {
      const columns = encryptedColumns(db).map((c) => `${c.table}.${c.column}`);
      expect(columns).toEqual(
        expect.arrayContaining([
          'cases.summary_enc',
          'cases.access_code_enc',
          'cases.secret_enc',
          'cases.qes_enc',
          'cases.prescription_enc',
          'cases.prescription_xml_enc',
          'drafts.entries_enc',
          'submissions.entries_enc',
          'receipts.bundle_enc',
          'pending_operations.payload_enc',
        ]),
      );
      expect(columns.every((c) => c.endsWith('_enc'))).toBe(true);
    } finally {
      db.close();
    }
  });

  it('counts what it changed and changes nothing the second time, also when made to scan again', async () => {
    const db = await legacyDb();
    try {
      // case: 6 columns; draft, submission, receipt, 2 pending operations, a message; the demo tokens
      expect(encryptLegacyPlaintext(db, aes)).toBe(6 + 1 + 1 + 1 + 2 + 1 + 1);
      const snapshot = db.prepare('SELECT * FROM cases ORDER BY prescription_id').all();
      expect(encryptLegacyPlaintext(db, aes)).toBe(0);
      db.prepare('DELETE FROM settings WHERE key = ?').run(PLAINTEXT_ENCRYPTED_MARKER);
      expect(encryptLegacyPlaintext(db, aes)).toBe(0);
      expect(db.prepare('SELECT * FROM cases ORDER BY prescription_id').all()).toEqual(snapshot);
    } finally {
      db.close();
    }
  });

  it('changes all or nothing: a failure halfway leaves the old database as it was', async () => {
    const db = await legacyDb();
    try {
      const before = db.prepare('SELECT * FROM cases ORDER BY prescription_id').all();
      let calls = 0;
      const failing: CiphertextAwareCipher = {
        encrypt: (plain) => {
          if (++calls === 4) throw new Error('disk full');
          return aes.encrypt(plain);
        },
        decrypt: (stored) => aes.decrypt(stored),
        isCiphertext: (stored) => aes.isCiphertext(stored),
      };
      expect(() => encryptLegacyPlaintext(db, failing)).toThrow('disk full');
      expect(db.prepare('SELECT * FROM cases ORDER BY prescription_id').all()).toEqual(before);
      expect(db.prepare('SELECT 1 FROM settings WHERE key = ?').get(PLAINTEXT_ENCRYPTED_MARKER)).toBeUndefined();
      // the next start tries again
      expect(encryptLegacyPlaintext(db, aes)).toBe(13);
    } finally {
      db.close();
    }
  });

  it('is not run for IdentityCipher (tests on :memory: keep plaintext)', async () => {
    const store = openStore({ file, cipher: new IdentityCipher(), hmacKey, now });
    await writeEverything(store);
    await store.close();
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare('SELECT 1 FROM settings WHERE key = ?').get(PLAINTEXT_ENCRYPTED_MARKER)).toBeUndefined();
    } finally {
      db.close();
    }
  });
});

describe('a new database opened with AesGcmCipher', () => {
  it('never holds the plaintext of what the app stores', async () => {
    const store = openStore({ file, cipher: new AesGcmCipher(key), hmacKey, now });
    await writeEverything(store);
    expect((await store.cases.get(ID))?.secret).toBe(SECRET);
    await store.close();
    expect(leaked(rawFiles())).toEqual([]);
  });
});
