import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrolCounter, EnrolmentError, type PharmacyKeyRecord, type PharmacyKeyTable } from './pharmacy-enrolment';
import { generateOneTimeCode, PharmacyKeyError, wrapPharmacyKeys, type WrappedKeys } from './pharmacy-keys';

/** The store's one row, as PostgreSQL's INSERT … ON CONFLICT DO NOTHING keeps it (fake: unit test only). */
class OneRowTable implements PharmacyKeyTable {
  record: PharmacyKeyRecord | undefined;
  codes = new Map<number, WrappedKeys>();
  async addCodeWrap(wrap: WrappedKeys): Promise<void> {
    this.codes.set(this.codes.size + 1, wrap);
  }
  async codeWraps(): Promise<{ id: number; wrap: WrappedKeys }[]> {
    return [...this.codes].map(([id, wrap]) => ({ id, wrap })).reverse();
  }
  async consumeCodeWrap(id: number): Promise<boolean> {
    return this.codes.delete(id);
  }
  async read(): Promise<PharmacyKeyRecord | undefined> {
    return this.record;
  }
  async insertIfAbsent(record: PharmacyKeyRecord): Promise<boolean> {
    if (this.record) return false;
    this.record = record;
    return true;
  }
}

const cheap = { N: 2 ** 10, r: 8, p: 1 };
const secret = () => 'correct horse battery staple 2026';
let base: string;
let table: OneRowTable;
const dir = (name: string) => join(base, name);

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'erx-enrol-'));
  table = new OneRowTable();
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe('enrolCounter', () => {
  it('the first counter creates the pharmacy keys, a second joins with the same keys and a restart needs no secret', async () => {
    const first = await enrolCounter({ keyDir: dir('kasse1'), table, secret, kdf: cheap });
    const second = await enrolCounter({ keyDir: dir('kasse2'), table, secret, kdf: cheap });
    expect(first.enrolment).toBe('created');
    expect(second.enrolment).toBe('joined');
    // what one counter encrypts, the other reads; the KVNR search key is the same
    expect(second.protection.cipher.decrypt(first.protection.cipher.encrypt('Erika Mustermann'))).toBe('Erika Mustermann');
    expect(second.hmacKey.equals(first.hmacKey)).toBe(true);
    expect(statSync(join(dir('kasse2'), 'store.key')).mode & 0o077).toBe(0);

    const again = await enrolCounter({ keyDir: dir('kasse2'), table, kdf: cheap });
    expect(again.enrolment).toBe('held');
    expect(again.protection.cipher.decrypt(first.protection.cipher.encrypt('x'))).toBe('x');
  });

  it('the store holds only the wrap and check values, never a key in clear', async () => {
    const first = await enrolCounter({ keyDir: dir('kasse1'), table, secret, kdf: cheap });
    const stored = JSON.stringify(table.record);
    expect(stored).not.toContain(first.hmacKey.toString('hex'));
    expect(stored).not.toContain(first.hmacKey.toString('base64'));
    expect(table.record?.wrap.kdf).toMatchObject({ name: 'scrypt', N: cheap.N, r: 8, p: 1 });
  });

  it('a second counter without the enrolment secret is told in German what to do', async () => {
    await enrolCounter({ keyDir: dir('kasse1'), table, secret, kdf: cheap });
    const refused = enrolCounter({ keyDir: dir('kasse2'), table, kdf: cheap });
    await expect(refused).rejects.toThrow(EnrolmentError);
    await expect(refused).rejects.toThrow(/--enrol-passphrase-file/);
  });

  it('a wrong enrolment secret joins nothing', async () => {
    await enrolCounter({ keyDir: dir('kasse1'), table, secret, kdf: cheap });
    await expect(enrolCounter({ keyDir: dir('kasse2'), table, secret: () => 'a different passphrase 123', kdf: cheap })).rejects.toThrow(PharmacyKeyError);
  });

  it('a counter holding another pharmacy’s keys is refused before anything is opened', async () => {
    await enrolCounter({ keyDir: dir('kasse1'), table, secret, kdf: cheap });
    const otherTable = new OneRowTable();
    await enrolCounter({ keyDir: dir('fremd'), table: otherTable, secret, kdf: cheap });
    await expect(enrolCounter({ keyDir: dir('fremd'), table, secret, kdf: cheap })).rejects.toThrow(/anderen Apothekenschlüssel/);
  });

  it('a new, empty store gets the keys a counter already holds (browser mode key files)', async () => {
    const first = await enrolCounter({ keyDir: dir('kasse1'), table, secret, kdf: cheap });
    const emptied = new OneRowTable();
    const republished = await enrolCounter({ keyDir: dir('kasse1'), table: emptied, secret, kdf: cheap });
    expect(republished.enrolment).toBe('published');
    const joined = await enrolCounter({ keyDir: dir('kasse2'), table: emptied, secret, kdf: cheap });
    expect(joined.hmacKey.equals(first.hmacKey)).toBe(true);
  });

  it('two first counters at once end with one set of keys', async () => {
    const [a, b] = await Promise.all([
      enrolCounter({ keyDir: dir('kasse1'), table, secret, kdf: cheap }),
      enrolCounter({ keyDir: dir('kasse2'), table, secret, kdf: cheap }),
    ]);
    expect([a.enrolment, b.enrolment].sort()).toEqual(['created', 'joined']);
    expect(a.hmacKey.equals(b.hmacKey)).toBe(true);
    expect(b.protection.cipher.decrypt(a.protection.cipher.encrypt('x'))).toBe('x');
  });
  it('a one-time code from an enrolled counter lets one new counter join, once', async () => {
    const first = await enrolCounter({ keyDir: dir('kasse1'), table, secret, kdf: cheap });
    const code = generateOneTimeCode();
    await table.addCodeWrap(await wrapPharmacyKeys(first.keys(), code, { purpose: 'one-time-code', kdf: cheap }));
    // typed with spaces and in lower case, as people do
    const typed = code.toLowerCase().replace(/-/g, ' ');
    const joined = await enrolCounter({ keyDir: dir('kasse2'), table, oneTimeCode: () => typed, kdf: cheap });
    expect(joined.enrolment).toBe('joined');
    expect(joined.hmacKey.equals(first.hmacKey)).toBe(true);
    expect(joined.protection.cipher.decrypt(first.protection.cipher.encrypt('x'))).toBe('x');
    await expect(enrolCounter({ keyDir: dir('kasse3'), table, oneTimeCode: () => code, kdf: cheap })).rejects.toThrow(/schon benutzt/);
  });
});
