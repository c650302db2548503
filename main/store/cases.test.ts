/**
 * The inbox and case reads at pharmacy scale: what CaseRepository reads, decrypts and parses.
 * A counting cipher shows the work — a list must never touch the QES or prescription, a repeated search
 * decrypts nothing, a repeated read parses the prescription view once.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccessCode, PrescriptionId, Secret } from '../../shared/erezept/identifiers';
import { prescriptionViewSchema } from '../../shared/erezept/prescription';
import { prescriptionView } from '../services/testing';
import { CaseRepository, type CaseRecord } from './cases';
import type { Cipher } from './cipher';
import { kvnrHasher } from './kvnr-key';
import { migrate } from './migrations';

/** Tags what it stores, so a decrypt of the wrong column shows in `decrypted`. */
class CountingCipher implements Cipher {
  decrypted: string[] = [];
  encrypt(plain: string): string {
    return `enc:${plain}`;
  }
  decrypt(stored: string): string {
    const plain = stored.slice('enc:'.length);
    this.decrypted.push(plain);
    return plain;
  }
}

/** PrescriptionIDs with valid check digits are not needed by the repository; unique, sortable ids are. */
const idOf = (n: number) => `160.000.000.${String(n).padStart(3, '0').slice(-3)}.${String(Math.floor(n / 1000)).padStart(3, '0')}.00` as PrescriptionId;

const caseNo = (n: number, overrides: Partial<CaseRecord> = {}): CaseRecord => {
  const at = new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();
  return {
    prescriptionId: idOf(n),
    flowType: '160',
    status: n % 2 === 0 ? 'accepted' : 'closed',
    acceptedAt: at,
    acceptedBy: 'AB',
    updatedAt: at,
    patientName: `Patient${n} Nachname${n}`,
    kvnr: `X${String(100000000 + n)}`,
    medicationLabel: n % 10 === 0 ? 'Ibuprofen 400' : 'Sumatriptan 100 mg',
    accessCode: 'a'.repeat(64) as AccessCode,
    secret: 'b'.repeat(64) as Secret,
    qes: new Uint8Array([48, 130, 1, 2]),
    prescriptionXml: '<Bundle/>',
    ...overrides,
  };
};

let db: Database.Database;
let cipher: CountingCipher;
let cases: CaseRepository;
const hmac = kvnrHasher(Buffer.alloc(32, 1));

beforeEach(() => {
  db = new Database(':memory:');
  migrate(db, () => new Date('2026-10-05T08:00:00Z'));
  cipher = new CountingCipher();
  cases = new CaseRepository(db, cipher, hmac);
});
afterEach(() => db.close());

function seed(count: number): void {
  db.transaction(() => {
    for (let n = 1; n <= count; n++) cases.save(caseNo(n));
  })();
}

describe('CaseRepository.list (the inbox)', () => {
  it('returns the newest 200 by default with the number of all matches, filtered by status in SQL', () => {
    seed(250);
    const page = cases.list();
    expect(page.total).toBe(250);
    expect(page.records).toHaveLength(200);
    expect(page.records[0]?.prescriptionId).toBe(idOf(250));
    expect(page.records[199]?.prescriptionId).toBe(idOf(51));

    const closed = cases.list({ statuses: ['closed'], limit: 10 });
    expect(closed.total).toBe(125);
    expect(closed.records.map((r) => r.prescriptionId)).toEqual([249, 247, 245, 243, 241, 239, 237, 235, 233, 231].map(idOf));
  });

  it('never decrypts Secret, AccessCode, QES, prescription or XML, and decrypts each summary only once', () => {
    seed(250);
    const fresh = new CaseRepository(db, cipher, hmac);
    cipher.decrypted = [];
    fresh.list();
    expect(cipher.decrypted).toHaveLength(200);
    expect(cipher.decrypted.every((plain) => plain.startsWith('{"patientName"'))).toBe(true);

    cipher.decrypted = [];
    fresh.list();
    expect(fresh.list({ text: 'nachname7' }).total).toBeGreaterThan(0);
    // 50 summaries outside the first page, decrypted once for the first search …
    expect(cipher.decrypted).toHaveLength(50);
    cipher.decrypted = [];
    // … and no search after that decrypts anything
    fresh.list({ text: 'ibuprofen' });
    fresh.list({ text: 'sumatriptan', statuses: ['accepted'] });
    expect(cipher.decrypted).toEqual([]);
  });

  it('searches names, medication and PrescriptionID in the cache, newest first, cut to the limit', () => {
    seed(250);
    const ibu = cases.list({ text: 'IBUPROFEN', limit: 3 });
    expect(ibu.total).toBe(25);
    expect(ibu.records.map((r) => r.prescriptionId)).toEqual([idOf(250), idOf(240), idOf(230)]);
    expect(ibu.records[0]?.patientName).toBe('Patient250 Nachname250');
    expect(cases.list({ text: idOf(17) }).records.map((r) => r.prescriptionId)).toEqual([idOf(17)]);
    expect(cases.list({ text: 'X100000017' }).records.map((r) => r.prescriptionId)).toEqual([idOf(17)]);
    expect(cases.list({ text: 'nobody' })).toEqual({ records: [], total: 0 });
  });

  it('finds a case by what a save or an erasure changed, never by what it replaced', () => {
    seed(3);
    expect(cases.list({ text: 'nachname2' }).total).toBe(1);
    cases.save(caseNo(2, { patientName: 'Erika Mustermann', updatedAt: '2026-10-05T09:00:00.000Z' }));
    expect(cases.list({ text: 'nachname2' }).total).toBe(0);
    expect(cases.list({ text: 'mustermann' }).records.map((r) => r.prescriptionId)).toEqual([idOf(2)]);

    // A_19251: after $reject/$abort only the PrescriptionID finds the case
    cases.erasePersonalData(idOf(2), 'rejected', '2026-10-05T10:00:00.000Z', 'AB');
    expect(cases.list({ text: 'mustermann' }).total).toBe(0);
    expect(cases.list({ text: idOf(2) }).records[0]?.patientName).toBeUndefined();
  });

  it('a row changed behind the repository (another connection, a rolled-back save) is decrypted anew', () => {
    seed(2);
    expect(cases.list({ text: 'nachname1' }).total).toBe(1);
    const other = new CaseRepository(db, cipher, hmac);
    other.save(caseNo(1, { patientName: 'Max Neu' }));
    expect(cases.list({ text: 'nachname1' }).total).toBe(0);
    expect(cases.list({ text: 'max neu' }).total).toBe(1);
  });

  it('pages the newest first through an index (migration 5)', () => {
    const plan = db
      .prepare<[], { detail: string }>('EXPLAIN QUERY PLAN SELECT prescription_id FROM cases ORDER BY accepted_at DESC, prescription_id LIMIT 200')
      .all()
      .map((r) => r.detail)
      .join(' | ');
    expect(plan).toContain('cases_newest');
    expect(plan).not.toContain('TEMP B-TREE');
  });
});

describe('CaseRepository.get (one case)', () => {
  it('parses the stored prescription view once, not on every read, and again only when it changed', () => {
    const view = prescriptionView();
    cases.save(caseNo(1, { prescription: view }));
    const fresh = new CaseRepository(db, cipher, hmac);
    const parse = vi.spyOn(prescriptionViewSchema, 'parse');
    try {
      expect(fresh.get(idOf(1))?.prescription).toEqual(view);
      expect(fresh.get(idOf(1))?.prescription).toEqual(view);
      expect(parse).toHaveBeenCalledTimes(1);

      const changed = prescriptionView({ authoredOn: '2026-10-02' });
      fresh.save(caseNo(1, { prescription: changed }));
      expect(fresh.get(idOf(1))?.prescription?.authoredOn).toBe('2026-10-02');
      expect(parse).toHaveBeenCalledTimes(1);
      // a save through another repository is noticed by its ciphertext
      new CaseRepository(db, cipher, hmac).save(caseNo(1, { prescription: view }));
      expect(fresh.get(idOf(1))?.prescription?.authoredOn).toBe(view.authoredOn);
      expect(parse).toHaveBeenCalledTimes(2);
    } finally {
      parse.mockRestore();
    }
  });
});
