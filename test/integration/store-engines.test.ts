/**
 * The store seam against both engines with the same test bodies (docs/multi-counter.md §1, §7): SQLite for one
 * counter, PostgreSQL for several. Every repository's behaviour — records, order, filters, paging, the free-text and
 * KVNR search, units of work, erasure — must be the same on both; what only PostgreSQL has (one audit chain across
 * counters under an advisory lock §6, notifications §3, migrations under a lock) is tested on its own below.
 * The last block compares one long transcript of calls and answers between the engines record for record.
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import type { AccessCode, PrescriptionId, Secret } from '../../shared/erezept/identifiers';
import { prescriptionViewSchema, type PrescriptionView } from '../../shared/erezept/prescription';
import { AesGcmCipher, DecryptionError } from '../../main/store/aes-gcm-cipher';
import type { CaseRecord } from '../../main/store/cases';
import type { Cipher } from '../../main/store/cipher';
import type { NewMessage } from '../../main/store/messages';
import { migrate, SchemaTooNewError } from '../../main/store/migrations';
import type { PostgresStore } from '../../main/store/postgres/open';
import type { Store, StoreEngine } from '../../main/store/repositories';
import { storeEngines } from './support/store-engines';

const KEY = randomBytes(32);
const aes = (): Cipher => new AesGcmCipher(KEY);
const now = (): Date => new Date('2026-10-05T08:00:00Z');

const RX = (n: number): PrescriptionId => `160.000.000.000.${String(n).padStart(3, '0')}.00` as PrescriptionId;
const at = (minute: number): string => new Date(Date.UTC(2026, 9, 5, 8, minute)).toISOString();
const AC = 'a'.repeat(64) as AccessCode;
const SECRET = 'b'.repeat(64) as Secret;

const view: PrescriptionView = prescriptionViewSchema.parse({
  kbvVersion: '1.3',
  prescriptionId: RX(1),
  authoredOn: '2026-10-01',
  patient: { name: 'Erika Mustermann', kvnr: 'X110411675', birthDate: '1964-08-12' },
  coverage: { kind: 'GKV', code: 'GKV', payorName: 'Test-BKK' },
  practitioner: { name: 'Dr. Hans Topp' },
  organization: { name: 'Praxis Topp' },
  request: { quantity: 1, autIdemExcluded: false, noctu: false },
  medication: { kind: 'pzn', pzn: '06313728', name: 'Sumatriptan-1a Pharma 100 mg Tabletten', category: '00' },
  findings: [],
});

/** Every field set, so a strict comparison sees each column come back. */
const fullCase = (overrides: Partial<CaseRecord> = {}): CaseRecord => ({
  prescriptionId: RX(1),
  flowType: '160',
  status: 'dispensed',
  acceptedAt: at(0),
  acceptedBy: 'AB',
  acceptDate: '2026-10-29',
  expiryDate: '2026-12-31',
  lastDispenseAt: at(5),
  closedAt: at(9),
  updatedAt: at(6),
  lastConfirmedAt: at(5),
  lastHandoverDate: '2026-10-05',
  unsentChanges: true,
  endedAt: at(10),
  endedBy: 'CD',
  patientName: 'Erika Mustermann',
  kvnr: 'X110411675',
  medicationLabel: 'Sumatriptan 100 mg',
  accessCode: AC,
  secret: SECRET,
  qes: new Uint8Array([48, 130, 1, 2, 255]),
  prescription: view,
  prescriptionXml: '<Bundle><name value="Mustermann"/></Bundle>',
  prescriptionError: 'Profil unbekannt',
  ...overrides,
});

/** What a case looks like right after $accept: the optional columns empty. */
const acceptedCase = (n: number, overrides: Partial<CaseRecord> = {}): CaseRecord => ({
  prescriptionId: RX(n),
  flowType: '160',
  status: 'accepted',
  acceptedAt: at(n),
  acceptedBy: 'AB',
  updatedAt: at(n),
  patientName: `Patient${n} Nachname`,
  kvnr: `X${String(100000000 + n)}`,
  medicationLabel: n % 5 === 0 ? 'Ibuprofen 400' : 'Sumatriptan 100 mg',
  accessCode: AC,
  secret: SECRET,
  ...overrides,
});

const entry: DispenseEntry = {
  key: 'row-1',
  medication: { kind: 'pzn', pzn: '06313728', name: 'Sumatriptan-1a Pharma 100 mg Tabletten', ingredients: [], category: '00', vaccine: false },
  packs: 1,
  batch: { lot: 'LOT4711', expiry: '2028-03-31' },
  serials: ['SERIAL0815'],
  whenHandedOver: '2026-10-05',
};

const message = (id: string, overrides: Partial<NewMessage> = {}): NewMessage => ({
  communicationId: id,
  kind: 'dispreq',
  prescriptionId: RX(1),
  sentAt: at(1),
  storedAt: at(2),
  state: 'new',
  content: { wish: { name: 'Erika Mustermann', phone: '030 1234567', addressLines: ['Hauptstr. 1'] }, accessCode: AC },
  ...overrides,
});

/**
 * Stores plaintext visibly between markers, so a test can tell plaintext inside an encrypted column (between
 * markers) from plaintext anywhere else — and, after erasure, that it is gone altogether.
 */
class TransparentMarkingCipher implements Cipher {
  encrypt(plain: string): string {
    return `«ENC:${plain}:ENC»`;
  }
  decrypt(stored: string): string {
    if (!stored.startsWith('«ENC:') || !stored.endsWith(':ENC»')) throw new Error('not encrypted');
    return stored.slice('«ENC:'.length, -':ENC»'.length);
  }
}
const withoutCiphertext = (text: string): string => text.replace(/«ENC:[\s\S]*?:ENC»/g, '');

/** Personal data and credentials of the fixtures; none may be stored outside the Cipher. */
const PERSONAL = ['Mustermann', 'X110411675', SECRET, AC, 'LOT4711', 'SERIAL0815', 'Hauptstr', '030 1234567', Buffer.from([48, 130, 1, 2, 255]).toString('base64')];

const engines = storeEngines();
/** One transcript of calls and answers per engine, compared by the last block. */
const transcripts = new Map<StoreEngine, unknown[]>();

describe.each(engines)('the $name store', (engine) => {
  let store: Store;

  beforeAll(() => engine.start(), 120_000);
  afterAll(() => engine.stop(), 60_000);
  beforeEach(async () => {
    await engine.fresh();
    store = await engine.open({ cipher: aes(), now });
  });
  afterEach(() => engine.closeAll());

  describe('cases', () => {
    it('round-trips every field, credentials and QES through the Cipher; the list carries the summary only', async () => {
      await store.cases.save(fullCase());
      expect(await store.cases.get(RX(1))).toStrictEqual(fullCase());
      const { accessCode: _a, secret: _s, qes: _q, prescription: _p, prescriptionXml: _x, ...summary } = fullCase();
      expect(await store.cases.list()).toStrictEqual({ records: [summary], total: 1 });
      expect(await store.cases.get(RX(2))).toBeUndefined();
    });

    it('save replaces the whole case; absent optional fields come back undefined', async () => {
      await store.cases.save(fullCase());
      await store.cases.save(acceptedCase(1, { unsentChanges: false }));
      const back = await store.cases.get(RX(1));
      expect(back).toMatchObject({ status: 'accepted', patientName: 'Patient1 Nachname', unsentChanges: false });
      expect(back?.qes).toBeUndefined();
      expect(back?.prescription).toBeUndefined();
      expect(back?.closedAt).toBeUndefined();
      expect(await store.cases.list({ text: 'X110411675' })).toEqual({ records: [], total: 0 });
    });

    it('lists newest first, cut to the limit with the number of all matches, filtered by status', async () => {
      for (let n = 1; n <= 25; n++) await store.cases.save(acceptedCase(n, { status: n % 3 === 0 ? 'closed' : 'accepted' }));
      const all = await store.cases.list();
      expect(all.total).toBe(25);
      expect(all.records.map((r) => r.prescriptionId)).toEqual(Array.from({ length: 25 }, (_, i) => RX(25 - i)));
      const page = await store.cases.list({ limit: 10 });
      expect(page.total).toBe(25);
      expect(page.records.map((r) => r.prescriptionId)).toEqual(Array.from({ length: 10 }, (_, i) => RX(25 - i)));
      const closed = await store.cases.list({ statuses: ['closed'], limit: 3 });
      expect(closed).toMatchObject({ total: 8, records: [{ prescriptionId: RX(24) }, { prescriptionId: RX(21) }, { prescriptionId: RX(18) }] });
      expect((await store.cases.list({ statuses: ['accepted', 'closed'] })).total).toBe(25);
      expect(await store.cases.list({ statuses: ['rejected'] })).toEqual({ records: [], total: 0 });
    });

    it('orders cases accepted at the same instant by PrescriptionID, in byte order (as SQLite, whatever the locale)', async () => {
      for (const n of [3, 1, 2]) await store.cases.save(acceptedCase(n, { acceptedAt: at(0) }));
      // a German collation would put „a“ before „B“; byte order puts „B“ (0x42) before „a“ (0x61)
      const lower = `${RX(4)}a` as PrescriptionId;
      const upper = `${RX(4)}B` as PrescriptionId;
      for (const id of [lower, upper]) await store.cases.save({ ...acceptedCase(4, { acceptedAt: at(0) }), prescriptionId: id });
      expect((await store.cases.list()).records.map((r) => r.prescriptionId)).toEqual([RX(1), RX(2), RX(3), upper, lower]);
    });

    it('searches free text in name, medication and PrescriptionID (German lower case), with paging and total', async () => {
      for (let n = 1; n <= 12; n++) await store.cases.save(acceptedCase(n));
      await store.cases.save(acceptedCase(13, { patientName: 'Jürgen Müller' }));
      expect((await store.cases.list({ text: 'MÜLLER' })).records.map((r) => r.prescriptionId)).toEqual([RX(13)]);
      expect((await store.cases.list({ text: '  müll ' })).total).toBe(1);
      const ibu = await store.cases.list({ text: 'ibuprofen' });
      expect(ibu.records.map((r) => r.prescriptionId)).toEqual([RX(10), RX(5)]);
      expect(await store.cases.list({ text: '.007.' })).toMatchObject({ total: 1, records: [{ prescriptionId: RX(7), patientName: 'Patient7 Nachname' }] });
      const paged = await store.cases.list({ text: 'nachname', limit: 4 });
      expect(paged.total).toBe(12);
      expect(paged.records.map((r) => r.prescriptionId)).toEqual([RX(12), RX(11), RX(10), RX(9)]);
      expect(await store.cases.list({ text: 'sumatriptan', statuses: ['closed'] })).toEqual({ records: [], total: 0 });
      expect(await store.cases.list({ text: 'niemand' })).toEqual({ records: [], total: 0 });
    });

    it('finds a KVNR only exactly, through its HMAC (any case, surrounding blanks)', async () => {
      for (let n = 1; n <= 3; n++) await store.cases.save(acceptedCase(n));
      expect((await store.cases.list({ text: ' x100000002 ' })).records.map((r) => r.prescriptionId)).toEqual([RX(2)]);
      expect(await store.cases.list({ text: 'X100000009' })).toEqual({ records: [], total: 0 });
      // the KVNR is no free text: a part of it finds nothing
      expect(await store.cases.list({ text: 'X10000000' })).toEqual({ records: [], total: 0 });
      expect((await store.cases.list({ text: 'X100000002', statuses: ['closed'] })).total).toBe(0);
    });

    it("a search sees another counter's change of a case it has searched before (no stale summary)", async () => {
      await store.cases.save(acceptedCase(1));
      expect((await store.cases.list({ text: 'patient1' })).total).toBe(1);
      const other = await engine.open({ cipher: aes(), now });
      await other.cases.save(acceptedCase(1, { patientName: 'Heinz Neumann', updatedAt: at(30) }));
      expect((await store.cases.list({ text: 'patient1' })).total).toBe(0);
      expect((await store.cases.list({ text: 'neumann' })).records).toMatchObject([{ prescriptionId: RX(1), patientName: 'Heinz Neumann' }]);
    });

    it('updateStatus keeps what it is not given; setUnsentChanges flips the flag', async () => {
      await store.cases.save(acceptedCase(1));
      await store.cases.updateStatus(RX(1), { status: 'dispensed', updatedAt: at(20), lastDispenseAt: at(20), lastConfirmedAt: at(20), lastHandoverDate: '2026-10-05', unsentChanges: false });
      await store.cases.updateStatus(RX(1), { status: 'closed', updatedAt: at(30), closedAt: at(30) });
      expect(await store.cases.get(RX(1))).toMatchObject({
        status: 'closed',
        updatedAt: at(30),
        lastDispenseAt: at(20),
        closedAt: at(30),
        lastConfirmedAt: at(20),
        lastHandoverDate: '2026-10-05',
        unsentChanges: false,
      });
      await store.cases.setUnsentChanges(RX(1), true);
      expect((await store.cases.list()).records[0]?.unsentChanges).toBe(true);
      await store.cases.updateStatus(RX(1), { status: 'closed', updatedAt: at(31) });
      expect((await store.cases.get(RX(1)))?.unsentChanges).toBe(true);
    });

    it('restoreSecret stores a recovered Secret, and the QES only when given', async () => {
      await store.cases.save(fullCase({ secret: undefined }));
      const recovered = 'c'.repeat(64) as Secret;
      await store.cases.restoreSecret(RX(1), recovered, at(40));
      expect(await store.cases.get(RX(1))).toMatchObject({ secret: recovered, updatedAt: at(40), qes: fullCase().qes, status: 'dispensed' });
      await store.cases.restoreSecret(RX(1), SECRET, at(41), new Uint8Array([1, 2, 3]));
      expect(await store.cases.get(RX(1))).toMatchObject({ secret: SECRET, qes: new Uint8Array([1, 2, 3]) });
    });

    it('erasePersonalData keeps the row with status, times and staff, drops the draft (A_19251)', async () => {
      await store.cases.save(fullCase({ endedAt: undefined, endedBy: undefined }));
      await store.drafts.save({ prescriptionId: RX(1), entries: [entry], savedAt: at(3), staff: 'AB' });
      await store.cases.erasePersonalData(RX(1), 'rejected', at(50), 'CD');
      expect(await store.cases.get(RX(1))).toStrictEqual({
        prescriptionId: RX(1),
        flowType: '160',
        status: 'rejected',
        acceptedAt: at(0),
        acceptedBy: 'AB',
        acceptDate: '2026-10-29',
        expiryDate: '2026-12-31',
        lastDispenseAt: at(5),
        closedAt: at(9),
        updatedAt: at(50),
        lastConfirmedAt: at(5),
        lastHandoverDate: '2026-10-05',
        unsentChanges: false,
        endedAt: at(50),
        endedBy: 'CD',
        prescriptionError: 'Profil unbekannt',
        accessCode: undefined,
        secret: undefined,
        qes: undefined,
        prescription: undefined,
        prescriptionXml: undefined,
      });
      expect(await store.drafts.get(RX(1))).toBeUndefined();
      expect((await store.cases.list({ text: 'mustermann' })).total).toBe(0);
      expect((await store.cases.list({ text: 'X110411675' })).total).toBe(0);
    });
  });

  describe('drafts and receipts', () => {
    it('a draft is saved, replaced and read back; it needs its case', async () => {
      await store.cases.save(acceptedCase(1));
      await store.drafts.save({ prescriptionId: RX(1), entries: [entry], savedAt: at(3), staff: 'AB' });
      await store.drafts.save({ prescriptionId: RX(1), entries: [entry, { ...entry, key: 'row-2', packs: 2 }], savedAt: at(4), staff: 'CD' });
      expect(await store.drafts.get(RX(1))).toStrictEqual({ prescriptionId: RX(1), entries: [entry, { ...entry, key: 'row-2', packs: 2 }], savedAt: at(4), staff: 'CD' });
      expect(await store.drafts.get(RX(2))).toBeUndefined();
      await expect(store.drafts.save({ prescriptionId: RX(2), entries: [], savedAt: at(3), staff: 'AB' })).rejects.toThrow();
    });

    it('a receipt is saved, replaced and read back with its Bundle', async () => {
      await store.cases.save(acceptedCase(1));
      const receipt = {
        prescriptionId: RX(1),
        bundleId: 'rcpt-1',
        completedAt: at(8),
        pharmacyTelematikId: '3-SMC-B-Testkarte-883110000095957',
        signaturePresent: true,
        receivedAt: at(8),
        staff: 'AB',
        bundle: { resourceType: 'Bundle', entry: [{ note: 'RECEIPT-CONTENT' }] },
      };
      await store.receipts.save(receipt);
      expect(await store.receipts.get(RX(1))).toStrictEqual(receipt);
      await store.receipts.save({ ...receipt, bundleId: 'rcpt-2', signaturePresent: false });
      expect(await store.receipts.get(RX(1))).toMatchObject({ bundleId: 'rcpt-2', signaturePresent: false });
      expect(await store.receipts.get(RX(2))).toBeUndefined();
    });
  });

  describe('submissions', () => {
    it('are written pending, completed once, and found by operation, state and acceptance', async () => {
      await store.cases.save(acceptedCase(1));
      const first = await store.submissions.createPending({ prescriptionId: RX(1), operation: 'dispense', staff: 'AB', createdAt: at(10), entries: [entry] });
      const second = await store.submissions.createPending({ prescriptionId: RX(1), operation: 'close', staff: 'AB', createdAt: at(11), entries: [], withBody: false });
      expect(typeof first).toBe('number');
      expect(second).toBeGreaterThan(first);
      expect((await store.submissions.pending()).map((s) => s.id)).toEqual([first, second]);

      await store.submissions.complete(first, { state: 'confirmed', completedAt: at(12), httpStatus: 200 });
      // a late second completion does not overwrite the first answer
      await store.submissions.complete(first, { state: 'failed', completedAt: at(13), httpStatus: 500, errorMessage: 'spät' });
      await store.submissions.complete(second, { state: 'failed', completedAt: at(14), httpStatus: 409, errorMessage: 'Konflikt' });

      expect(await store.submissions.listFor(RX(1))).toStrictEqual([
        { id: first, prescriptionId: RX(1), operation: 'dispense', state: 'confirmed', staff: 'AB', createdAt: at(10), completedAt: at(12), entries: [entry], withBody: true, httpStatus: 200, errorMessage: undefined },
        { id: second, prescriptionId: RX(1), operation: 'close', state: 'failed', staff: 'AB', createdAt: at(11), completedAt: at(14), entries: [], withBody: false, httpStatus: 409, errorMessage: 'Konflikt' },
      ]);
      expect(await store.submissions.pending()).toEqual([]);
      expect((await store.submissions.latest(RX(1)))?.id).toBe(second);
      expect((await store.submissions.latest(RX(1), { operation: 'dispense' }))?.id).toBe(first);
      expect((await store.submissions.latest(RX(1), { state: 'confirmed' }))?.id).toBe(first);
      expect(await store.submissions.latest(RX(1), { operation: 'close', state: 'confirmed' })).toBeUndefined();
      expect(await store.submissions.latest(RX(2))).toBeUndefined();
      expect((await store.submissions.lastConfirmedList(RX(1), at(10)))?.id).toBe(first);
      // an earlier acceptance's submissions do not count
      expect(await store.submissions.lastConfirmedList(RX(1), at(11))).toBeUndefined();
    });

    it('eraseEntries empties the lists and keeps times, staff and answers', async () => {
      await store.cases.save(acceptedCase(1));
      const id = await store.submissions.createPending({ prescriptionId: RX(1), operation: 'dispense', staff: 'AB', createdAt: at(10), entries: [entry] });
      await store.submissions.complete(id, { state: 'confirmed', completedAt: at(12), httpStatus: 200 });
      await store.submissions.eraseEntries(RX(1));
      expect(await store.submissions.listFor(RX(1))).toMatchObject([{ id, entries: [], state: 'confirmed', httpStatus: 200, staff: 'AB' }]);
    });
  });

  describe('pending operations', () => {
    const base = { prescriptionId: RX(1), reason: 'outcome-unknown' as const, staff: 'AB', createdAt: at(1) };

    it('keep what each operation needs: the AccessCode of a claim, the list, nothing for $reject', async () => {
      const accept = await store.pendingOperations.create({ ...base, operation: 'accept', accessCode: AC });
      const dispense = await store.pendingOperations.create({ ...base, operation: 'dispense', entries: [entry], reason: 'offline', notBefore: at(5) });
      const close = await store.pendingOperations.create({ ...base, operation: 'close' });
      const reject = await store.pendingOperations.create({ ...base, prescriptionId: RX(2), operation: 'reject' });
      const common = { prescriptionId: RX(1), staff: 'AB', createdAt: at(1), state: 'pending', attempts: 0, completedAt: undefined, message: undefined, submissionId: undefined };
      expect(await store.pendingOperations.pending()).toStrictEqual([
        { ...common, id: accept, operation: 'accept', reason: 'outcome-unknown', notBefore: undefined, accessCode: AC },
        { ...common, id: dispense, operation: 'dispense', reason: 'offline', notBefore: at(5), entries: [entry] },
        { ...common, id: close, operation: 'close', reason: 'outcome-unknown', notBefore: undefined, entries: undefined },
        { ...common, id: reject, prescriptionId: RX(2), operation: 'reject', reason: 'outcome-unknown', notBefore: undefined },
      ]);
      expect(await store.pendingOperations.get(dispense)).toMatchObject({ entries: [entry] });
      expect(await store.pendingOperations.get(9999)).toBeUndefined();
      expect((await store.pendingOperations.pendingFor(RX(1))).map((o) => o.id)).toEqual([accept, dispense, close]);
      expect((await store.pendingOperations.pendingFor(RX(1), 'close')).map((o) => o.id)).toEqual([close]);
      expect(await store.pendingOperations.countPending()).toBe(4);
    });

    it('count attempts, wait, attach submissions, finish once and are listed pending first, then the newest finished', async () => {
      await store.cases.save(acceptedCase(1));
      const a = await store.pendingOperations.create({ ...base, operation: 'dispense', entries: [entry] });
      const b = await store.pendingOperations.create({ ...base, operation: 'close', entries: [entry] });
      const c = await store.pendingOperations.create({ ...base, operation: 'accept', accessCode: AC });

      await store.pendingOperations.recordAttempt(a, { notBefore: at(9), reason: 'rate-limited', message: 'Zu viele Anfragen' });
      expect(await store.pendingOperations.get(a)).toMatchObject({ attempts: 1, notBefore: at(9), reason: 'rate-limited', message: 'Zu viele Anfragen' });
      await store.pendingOperations.recordAttempt(a);
      expect(await store.pendingOperations.get(a)).toMatchObject({ attempts: 2, notBefore: at(9), reason: 'rate-limited' });
      await store.pendingOperations.recordAttempt(a, { notBefore: null });
      expect(await store.pendingOperations.get(a)).toMatchObject({ attempts: 3, notBefore: undefined });

      await store.pendingOperations.setWaiting(b, 'offline', at(7));
      expect(await store.pendingOperations.get(b)).toMatchObject({ reason: 'offline', notBefore: at(7), attempts: 0 });
      await store.pendingOperations.setWaiting(b, 'outcome-unknown');
      expect((await store.pendingOperations.get(b))?.notBefore).toBeUndefined();

      const submission = await store.submissions.createPending({ prescriptionId: RX(1), operation: 'close', staff: 'AB', createdAt: at(8), entries: [entry] });
      expect(await store.pendingOperations.attachedTo(submission)).toBe(false);
      await store.pendingOperations.attachSubmission(b, submission);
      expect(await store.pendingOperations.forSubmission(submission)).toMatchObject({ id: b, submissionId: submission, attempts: 1 });

      expect(await store.pendingOperations.finish(b, { state: 'done', completedAt: at(12), message: 'Abgeschlossen' })).toBe(true);
      expect(await store.pendingOperations.finish(b, { state: 'failed', completedAt: at(13), message: 'nochmal' })).toBe(false);
      expect(await store.pendingOperations.get(b)).toMatchObject({ state: 'done', completedAt: at(12), message: 'Abgeschlossen', entries: undefined });
      // finished rows no longer change
      await store.pendingOperations.recordAttempt(b);
      await store.pendingOperations.attachSubmission(b, submission);
      expect(await store.pendingOperations.get(b)).toMatchObject({ attempts: 1, state: 'done' });
      expect(await store.pendingOperations.forSubmission(submission)).toBeUndefined();
      expect(await store.pendingOperations.attachedTo(submission)).toBe(true);

      expect(await store.pendingOperations.finish(c, { state: 'cancelled', completedAt: at(14), message: 'Abgebrochen' })).toBe(true);
      expect((await store.pendingOperations.listForDisplay()).map((o) => o.id)).toEqual([a, c, b]);
      expect((await store.pendingOperations.listForDisplay(1)).map((o) => o.id)).toEqual([a, c]);
      expect(await store.pendingOperations.countPending()).toBe(1);

      await store.pendingOperations.delete(a);
      expect(await store.pendingOperations.get(a)).toBeUndefined();
      expect(await store.pendingOperations.countPending()).toBe(0);
    });

    it('eraseFor drops every payload of the prescription, pending or finished', async () => {
      const accept = await store.pendingOperations.create({ ...base, operation: 'accept', accessCode: AC });
      const dispense = await store.pendingOperations.create({ ...base, operation: 'dispense', entries: [entry] });
      const other = await store.pendingOperations.create({ ...base, prescriptionId: RX(2), operation: 'dispense', entries: [entry] });
      await store.pendingOperations.eraseFor(RX(1));
      expect(await store.pendingOperations.get(accept)).toMatchObject({ state: 'pending', accessCode: undefined });
      expect(await store.pendingOperations.get(dispense)).toMatchObject({ state: 'pending', entries: undefined });
      expect(await store.pendingOperations.get(other)).toMatchObject({ entries: [entry] });
    });
  });

  describe('messages', () => {
    it('are stored once; the record carries handledAt/handledBy/content only when present', async () => {
      expect(await store.messages.insertIfNew(message('c-1'))).toBe(true);
      expect(await store.messages.insertIfNew(message('c-1', { content: { changed: true } }))).toBe(false);
      expect(await store.messages.get('c-1')).toStrictEqual({
        communicationId: 'c-1',
        kind: 'dispreq',
        prescriptionId: RX(1),
        sentAt: at(1),
        storedAt: at(2),
        state: 'new',
        content: message('c-1').content,
      });
      await store.messages.insertIfNew(message('r-1', { kind: 'reply', state: 'sent', handledBy: 'AB', content: { text: 'Abholbereit' } }));
      expect(await store.messages.get('r-1')).toMatchObject({ state: 'sent', handledAt: at(2), handledBy: 'AB', content: { text: 'Abholbereit' } });
      expect(await store.messages.get('nope')).toBeUndefined();
    });

    it('list open Zuweisungen first (newest first), a prescription\'s thread oldest first, and count the open ones', async () => {
      await store.messages.insertIfNew(message('old-open', { sentAt: at(1) }));
      await store.messages.insertIfNew(message('new-open', { sentAt: at(3) }));
      await store.messages.insertIfNew(message('done', { sentAt: at(4) }));
      await store.messages.insertIfNew(message('same-time-b', { sentAt: at(2), prescriptionId: RX(2) }));
      await store.messages.insertIfNew(message('same-time-a', { sentAt: at(2), prescriptionId: RX(2) }));
      await store.messages.insertIfNew(message('reply', { kind: 'reply', state: 'sent', sentAt: at(5), content: {} }));
      await store.messages.insertIfNew(message('a-lower', { sentAt: at(0), prescriptionId: RX(3) }));
      await store.messages.insertIfNew(message('B-upper', { sentAt: at(0), prescriptionId: RX(3) }));
      expect(await store.messages.markHandled('done', 'new', 'accepted', at(6), 'AB')).toBe(true);
      expect(await store.messages.markHandled('done', 'new', 'dismissed', at(7), 'AB')).toBe(false);
      expect(await store.messages.get('done')).toMatchObject({ state: 'accepted', handledAt: at(6), handledBy: 'AB' });

      // ties by Communication id in byte order („B“ before „a“), as SQLite
      expect((await store.messages.listRequests(10)).map((m) => m.communicationId)).toEqual(['new-open', 'same-time-a', 'same-time-b', 'old-open', 'B-upper', 'a-lower', 'done']);
      expect((await store.messages.listRequests(2)).map((m) => m.communicationId)).toEqual(['new-open', 'same-time-a']);
      expect((await store.messages.listFor(RX(1))).map((m) => m.communicationId)).toEqual(['old-open', 'new-open', 'done', 'reply']);
      expect(await store.messages.countOpenRequests()).toBe(6);
    });

    it('erasure keeps a tombstone that is not stored again; retention erases only never-accepted Zuweisungen', async () => {
      await store.messages.insertIfNew(message('a-1'));
      await store.messages.insertIfNew(message('a-2', { kind: 'reply', state: 'sent' }));
      await store.messages.insertIfNew(message('b-open', { prescriptionId: RX(2), storedAt: at(2) }));
      await store.messages.insertIfNew(message('b-dismissed', { prescriptionId: RX(2), storedAt: at(2) }));
      await store.messages.insertIfNew(message('b-accepted', { prescriptionId: RX(2), storedAt: at(2) }));
      await store.messages.insertIfNew(message('b-late', { prescriptionId: RX(2), storedAt: at(40) }));
      await store.messages.markHandled('b-dismissed', 'new', 'dismissed', at(3), 'AB');
      await store.messages.markHandled('b-accepted', 'new', 'accepted', at(3), 'AB');

      expect(await store.messages.eraseFor(RX(1))).toBe(2);
      expect(await store.messages.eraseFor(RX(1))).toBe(0);
      expect(await store.messages.get('a-1')).toStrictEqual({ communicationId: 'a-1', kind: 'dispreq', prescriptionId: RX(1), sentAt: at(1), storedAt: at(2), state: 'erased' });
      expect(await store.messages.insertIfNew(message('a-1'))).toBe(false);
      expect(await store.messages.listFor(RX(1))).toEqual([]);

      expect(await store.messages.eraseUnacceptedRequestsBefore(at(30))).toBe(2);
      expect((await store.messages.listRequests(10)).map((m) => m.communicationId)).toEqual(['b-late', 'b-accepted']);
    });
  });

  describe('settings', () => {
    it('keep plain and secret values as JSON; reads answer at once and hand out copies', async () => {
      await store.settings.set('pharmacy', { name: 'Apotheke am Markt', staff: ['AB', 'CD'] });
      await store.settings.setSecret('demo-token', ['eyJ-token']);
      const pharmacy = store.settings.get('pharmacy') as { staff: string[] };
      expect(pharmacy).toEqual({ name: 'Apotheke am Markt', staff: ['AB', 'CD'] });
      pharmacy.staff.push('XX');
      expect(store.settings.get('pharmacy')).toEqual({ name: 'Apotheke am Markt', staff: ['AB', 'CD'] });
      expect(store.settings.getSecret('demo-token')).toEqual(['eyJ-token']);
      expect(store.settings.get('demo-token')).toEqual(expect.stringMatching(/^v1:/));
      expect(store.settings.get('missing')).toBeUndefined();
      expect(store.settings.getSecret('missing')).toBeUndefined();
      await store.settings.set('pharmacy', 7);
      expect(store.settings.get('pharmacy')).toBe(7);
    });

    it('are there after reopening', async () => {
      await store.settings.set('counter', 'Kasse 1');
      await store.close();
      const reopened = await engine.open({ cipher: aes(), now });
      expect(reopened.settings.get('counter')).toBe('Kasse 1');
    });
  });

  describe('audit', () => {
    it('appends entries, lists them per prescription and verifies the chain; an edited entry breaks it', async () => {
      await store.audit.append({ at: at(1), staff: 'AB', operation: 'accept', prescriptionId: RX(1), result: 'ok', httpStatus: 200 });
      await store.audit.append({ at: at(2), staff: 'AB', operation: 'login', result: 'ok' });
      await store.audit.append({ at: at(3), staff: 'CD', operation: 'dispense', prescriptionId: RX(1), result: 'unknown' });
      expect(await store.audit.list(RX(1))).toStrictEqual([
        { at: at(1), staff: 'AB', operation: 'accept', prescriptionId: RX(1), result: 'ok', httpStatus: 200 },
        { at: at(3), staff: 'CD', operation: 'dispense', prescriptionId: RX(1), result: 'unknown', httpStatus: undefined },
      ]);
      expect(await store.audit.list()).toHaveLength(3);
      expect(await store.audit.verify()).toEqual({ ok: true, chained: 3, unchained: 0 });
      await engine.raw(`UPDATE audit SET staff = 'XY' WHERE operation = 'login'`);
      expect(await store.audit.verify()).toEqual({ ok: false, brokenAtId: 2, reason: 'hash-mismatch' });
    });

    it('keeps an override entry — rule as result, staff, no reason (docs/checks.md)', async () => {
      await store.audit.append({ at: at(1), staff: 'CD', operation: 'override', prescriptionId: RX(1), result: 'PH_SUBSTANCE_DIFFERS' });
      expect(await store.audit.list(RX(1))).toStrictEqual([
        { at: at(1), staff: 'CD', operation: 'override', prescriptionId: RX(1), result: 'PH_SUBSTANCE_DIFFERS', httpStatus: undefined },
      ]);
      expect(await store.audit.verify()).toEqual({ ok: true, chained: 1, unchained: 0 });
    });

    it('two counters appending at the same time keep ONE valid chain (§6)', async () => {
      const other = await engine.open({ cipher: aes(), now });
      const counters = [store, other];
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          counters[i % 2]?.audit.append({ at: at(i), staff: i % 2 === 0 ? 'AB' : 'CD', operation: 'dispense', prescriptionId: RX(i), result: 'ok' }),
        ),
      );
      expect(await store.audit.verify()).toEqual({ ok: true, chained: 40, unchained: 0 });
      expect(await other.audit.list()).toHaveLength(40);
    });
  });

  describe('units of work', () => {
    it('a unit of work that throws leaves nothing behind, in any repository', async () => {
      await expect(
        store.transaction(async () => {
          await store.cases.save(fullCase());
          await store.drafts.save({ prescriptionId: RX(1), entries: [entry], savedAt: at(3), staff: 'AB' });
          const submission = await store.submissions.createPending({ prescriptionId: RX(1), operation: 'dispense', staff: 'AB', createdAt: at(4), entries: [entry] });
          const owed = await store.pendingOperations.create({ prescriptionId: RX(1), operation: 'dispense', entries: [entry], reason: 'offline', staff: 'AB', createdAt: at(4) });
          await store.pendingOperations.attachSubmission(owed, submission);
          await store.receipts.save({ prescriptionId: RX(1), bundleId: 'r', completedAt: at(5), pharmacyTelematikId: 't', signaturePresent: true, receivedAt: at(5), staff: 'AB', bundle: {} });
          await store.messages.insertIfNew(message('c-1'));
          await store.audit.append({ at: at(5), staff: 'AB', operation: 'dispense', prescriptionId: RX(1), result: 'ok' });
          await store.settings.set('inside', 1);
          // inside the unit of work its own writes are visible
          expect(await store.cases.get(RX(1))).toMatchObject({ patientName: 'Erika Mustermann' });
          expect(store.settings.get('inside')).toBe(1);
          throw new Error('Fachdienst nicht erreichbar');
        }),
      ).rejects.toThrow('Fachdienst nicht erreichbar');

      expect(await store.cases.get(RX(1))).toBeUndefined();
      expect(await store.cases.list()).toEqual({ records: [], total: 0 });
      expect(await store.drafts.get(RX(1))).toBeUndefined();
      expect(await store.submissions.listFor(RX(1))).toEqual([]);
      expect(await store.pendingOperations.listForDisplay()).toEqual([]);
      expect(await store.receipts.get(RX(1))).toBeUndefined();
      expect(await store.messages.get('c-1')).toBeUndefined();
      expect(await store.audit.verify()).toEqual({ ok: true, chained: 0, unchained: 0 });
      expect(store.settings.get('inside')).toBeUndefined();
      // and the store goes on working
      await store.cases.save(acceptedCase(1));
      expect((await store.cases.list()).total).toBe(1);
    });

    it('commits all writes of a unit of work together and answers its result', async () => {
      const result = await store.transaction(async () => {
        await store.cases.save(acceptedCase(1));
        await store.settings.set('after', true);
        return store.submissions.createPending({ prescriptionId: RX(1), operation: 'dispense', staff: 'AB', createdAt: at(4), entries: [entry] });
      });
      expect(await store.submissions.pending()).toMatchObject([{ id: result }]);
      expect(store.settings.get('after')).toBe(true);
      const other = await engine.open({ cipher: aes(), now });
      expect(await other.cases.get(RX(1))).toMatchObject({ status: 'accepted' });
    });

    it('a nested unit of work joins the outer one: it rolls back with it', async () => {
      await expect(
        store.transaction(async () => {
          const inner = await store.transaction(async () => {
            await store.cases.save(acceptedCase(1));
            return 'inner';
          });
          expect(inner).toBe('inner');
          await store.cases.save(acceptedCase(2));
          throw new Error('outer fails');
        }),
      ).rejects.toThrow('outer fails');
      expect(await store.cases.list()).toEqual({ records: [], total: 0 });
    });

    it('a failing statement rolls back the whole unit of work', async () => {
      await expect(
        store.transaction(async () => {
          await store.cases.save(acceptedCase(1));
          await store.drafts.save({ prescriptionId: RX(9), entries: [], savedAt: at(3), staff: 'AB' }); // no such case
        }),
      ).rejects.toThrow();
      expect(await store.cases.get(RX(1))).toBeUndefined();
    });
  });

  describe('personal data', () => {
    async function writeEverything(target: Store): Promise<void> {
      await target.cases.save(fullCase({ endedAt: undefined, endedBy: undefined }));
      await target.drafts.save({ prescriptionId: RX(1), entries: [entry], savedAt: at(3), staff: 'AB' });
      const id = await target.submissions.createPending({ prescriptionId: RX(1), operation: 'dispense', staff: 'AB', createdAt: at(4), entries: [entry] });
      await target.submissions.complete(id, { state: 'confirmed', completedAt: at(5), httpStatus: 200 });
      await target.pendingOperations.create({ prescriptionId: RX(1), operation: 'close', entries: [entry], reason: 'offline', staff: 'AB', createdAt: at(6) });
      await target.pendingOperations.create({ prescriptionId: RX(1), operation: 'accept', accessCode: AC, reason: 'outcome-unknown', staff: 'AB', createdAt: at(0) });
      await target.messages.insertIfNew(message('c-1'));
      await target.audit.append({ at: at(5), staff: 'AB', operation: 'dispense', prescriptionId: RX(1), result: 'ok', httpStatus: 200 });
      await target.settings.setSecret('demo-token', { token: 'demo-token-value' });
    }

    it('reach the store only through the Cipher, and erasure after $reject leaves none of them (A_19251)', async () => {
      const marked = await engine.open({ cipher: new TransparentMarkingCipher(), now });
      await writeEverything(marked);
      const before = await engine.storedText();
      for (const plain of PERSONAL) {
        expect(before, plain).toContain(plain); // the check sees the values …
        expect(withoutCiphertext(before), plain).not.toContain(plain); // … only inside ciphertext
      }
      await marked.transaction(async () => {
        await marked.cases.erasePersonalData(RX(1), 'rejected', at(20), 'CD');
        await marked.submissions.eraseEntries(RX(1));
        await marked.pendingOperations.eraseFor(RX(1));
        await marked.messages.eraseFor(RX(1));
      });
      const after = await engine.storedText();
      expect(after).toContain(RX(1)); // plain for lists: the id stays
      for (const plain of PERSONAL) expect(after, plain).not.toContain(plain);
    });

    it('with AES-GCM no table holds plaintext; a second counter with the same key reads it, another key fails loudly', async () => {
      await writeEverything(store);
      const text = await engine.storedText();
      for (const plain of PERSONAL) expect(text, plain).not.toContain(plain);
      expect(text).toContain('v1:');
      const second = await engine.open({ cipher: aes(), now });
      expect(await second.cases.get(RX(1))).toStrictEqual(fullCase({ endedAt: undefined, endedBy: undefined }));
      expect(second.settings.getSecret('demo-token')).toEqual({ token: 'demo-token-value' });
      const stranger = await engine.open({ cipher: new AesGcmCipher(randomBytes(32)), now });
      await expect(stranger.cases.get(RX(1))).rejects.toThrow(DecryptionError);
    });
  });

  it('resetTrainingData empties cases and everything of them, owed operations and audit; settings stay', async () => {
    await store.cases.save(fullCase());
    await store.drafts.save({ prescriptionId: RX(1), entries: [entry], savedAt: at(3), staff: 'AB' });
    const submission = await store.submissions.createPending({ prescriptionId: RX(1), operation: 'dispense', staff: 'AB', createdAt: at(4), entries: [entry] });
    const owed = await store.pendingOperations.create({ prescriptionId: RX(1), operation: 'dispense', entries: [entry], reason: 'offline', staff: 'AB', createdAt: at(4) });
    await store.pendingOperations.attachSubmission(owed, submission);
    await store.receipts.save({ prescriptionId: RX(1), bundleId: 'r', completedAt: at(5), pharmacyTelematikId: 't', signaturePresent: true, receivedAt: at(5), staff: 'AB', bundle: {} });
    await store.messages.insertIfNew(message('c-1'));
    await store.audit.append({ at: at(5), staff: 'AB', operation: 'dispense', prescriptionId: RX(1), result: 'ok' });
    await store.settings.set('pharmacy', { name: 'Apotheke am Markt' });

    await store.resetTrainingData();
    expect(await store.cases.list()).toEqual({ records: [], total: 0 });
    expect(await store.drafts.get(RX(1))).toBeUndefined();
    expect(await store.submissions.listFor(RX(1))).toEqual([]);
    expect(await store.pendingOperations.listForDisplay()).toEqual([]);
    expect(await store.receipts.get(RX(1))).toBeUndefined();
    expect(await store.messages.get('c-1')).toBeUndefined();
    expect(await store.audit.list()).toEqual([]);
    expect(store.settings.get('pharmacy')).toEqual({ name: 'Apotheke am Markt' });
    // the chain starts again from its genesis
    await store.audit.append({ at: at(6), staff: 'AB', operation: 'accept', result: 'ok' });
    expect(await store.audit.verify()).toEqual({ ok: true, chained: 1, unchained: 0 });
  });

  it('records one transcript of calls and answers (compared between the engines below)', async () => {
    transcripts.set(engine.name, await transcriptOf(store));
  });

  describe.runIf(engine.name === 'postgres')('PostgreSQL only', () => {
    const pgStore = (s: Store): PostgresStore => s as PostgresStore;

    it("settings: another counter's write is read after reload(); a reload keeps this counter's newer write", async () => {
      const other = pgStore(await engine.open({ cipher: aes(), now }));
      await store.settings.set('staff', ['AB']);
      expect(other.settings.get('staff')).toBeUndefined();
      await other.settings.reload();
      expect(other.settings.get('staff')).toEqual(['AB']);
      // a reload in flight while this counter writes must not bring the older row back
      const reload = other.settings.reload();
      await other.settings.set('staff', ['AB', 'CD']);
      await reload;
      expect(other.settings.get('staff')).toEqual(['AB', 'CD']);
    });

    it('notifies erx_case_changed (and the messages/pending/settings channels) on commit only, once per transaction and case', async () => {
      const listener = await engine.client?.();
      if (!listener) throw new Error('no client');
      const heard: string[] = [];
      listener.on('notification', (n) => heard.push(`${n.channel} ${n.payload ?? ''}`));
      for (const channel of ['erx_case_changed', 'erx_messages_changed', 'erx_pending_changed', 'erx_settings_changed']) await listener.query(`LISTEN ${channel}`);

      await store.cases.save(acceptedCase(1));
      await store.transaction(async () => {
        await store.drafts.save({ prescriptionId: RX(1), entries: [entry], savedAt: at(3), staff: 'AB' });
        await store.cases.setUnsentChanges(RX(1), true);
      });
      await expect(
        store.transaction(async () => {
          await store.cases.save(acceptedCase(2));
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      await store.messages.insertIfNew(message('c-1', { prescriptionId: RX(3) }));
      await store.messages.insertIfNew(message('c-1', { prescriptionId: RX(3) })); // known: no write, no notification
      await store.pendingOperations.create({ prescriptionId: RX(4), operation: 'reject', reason: 'outcome-unknown', staff: 'AB', createdAt: at(1) });
      await store.audit.append({ at: at(5), staff: 'AB', operation: 'login', result: 'ok' }); // no case changed
      await store.settings.set('sentinel', 1);

      // notifications of one connection arrive in commit order: the last one means all have arrived
      const deadline = Date.now() + 10_000;
      while (!heard.includes('erx_settings_changed sentinel') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(heard).toEqual([
        `erx_case_changed ${RX(1)}`,
        `erx_case_changed ${RX(1)}`,
        `erx_messages_changed ${RX(3)}`,
        `erx_case_changed ${RX(3)}`,
        `erx_case_changed ${RX(4)}`,
        `erx_pending_changed ${RX(4)}`,
        'erx_settings_changed sentinel',
      ]);
    });

    it('an append waits while another counter holds the audit lock, then chains onto its entry', async () => {
      const other = await engine.open({ cipher: aes(), now });
      let release: () => void = () => undefined;
      const holding = new Promise<void>((resolve) => (release = resolve));
      let firstAppended: () => void = () => undefined;
      const appended = new Promise<void>((resolve) => (firstAppended = resolve));
      const first = other.transaction(async () => {
        await other.audit.append({ at: at(1), staff: 'CD', operation: 'accept', result: 'ok' });
        firstAppended();
        await holding; // the unit of work is still open: the lock is held until COMMIT
      });
      await appended;
      let secondDone = false;
      const second = store.audit.append({ at: at(2), staff: 'AB', operation: 'accept', result: 'ok' }).then(() => (secondDone = true));
      try {
        await new Promise((r) => setTimeout(r, 200));
        expect(secondDone).toBe(false);
      } finally {
        release(); // also when the expectation failed: a held unit of work would keep its connection from closing
      }
      await Promise.all([first, second]);
      expect(await store.audit.list()).toMatchObject([{ staff: 'CD' }, { staff: 'AB' }]);
      expect(await store.audit.verify()).toEqual({ ok: true, chained: 2, unchained: 0 });
    });

    it('migrations: recorded once, the same tables and columns as SQLite, a newer schema refused in German', async () => {
      await store.close();
      await engine.open({ cipher: aes(), now });
      expect(await engine.raw('SELECT version, name, applied_at FROM schema_migrations ORDER BY version')).toEqual([
        { version: 1, name: expect.stringContaining('messages') as unknown, applied_at: now().toISOString() },
        { version: 2, name: expect.stringContaining('leases') as unknown, applied_at: now().toISOString() },
        { version: 3, name: expect.stringContaining('article master') as unknown, applied_at: now().toISOString() },
      ]);

      const sqlite = new Database(':memory:');
      migrate(sqlite, now);
      const sqliteColumns = sqlite
        .prepare<[], { t: string; c: string }>(`SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name <> 'sqlite_sequence'`)
        .all()
        .map((r) => `${r.t}.${r.c}`)
        .sort();
      sqlite.close();
      // the shared store's own tables (leases, enrolment: migration 2) have no SQLite counterpart
      const sharedOnly = ['case_leases', 'pharmacy_keys', 'enrolment_codes'];
      const pgColumns = (await engine.raw(`SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = 'public'`))
        .filter((r) => !sharedOnly.includes(String(r.t)))
        .map((r) => `${String(r.t)}.${String(r.c)}`)
        .sort();
      expect(pgColumns).toEqual(sqliteColumns);

      await engine.raw(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (4, 'future', 'x')`);
      const refused = engine.open({ cipher: aes(), now });
      await expect(refused).rejects.toThrow(SchemaTooNewError);
      await expect(refused).rejects.toThrow('Die Datenbank stammt von einer neueren Programmversion (Schema 4, bekannt bis 3).');
    });

    it('two counters starting at once on an empty database both come up on one schema (advisory lock)', async () => {
      await engine.fresh();
      const [a, b, c] = await Promise.all([1, 2, 3].map(() => engine.open({ cipher: aes(), now })));
      await a?.cases.save(acceptedCase(1));
      expect(await b?.cases.get(RX(1))).toMatchObject({ status: 'accepted' });
      expect(await c?.cases.list()).toMatchObject({ total: 1 });
      expect(await engine.raw('SELECT COUNT(*)::int AS n FROM schema_migrations')).toEqual([{ n: 3 }]);
    });
  });
});

describe('both engines', () => {
  it('answer the same calls with identical records', () => {
    const sqlite = transcripts.get('sqlite');
    const postgres = transcripts.get('postgres');
    if (!sqlite || !postgres) throw new Error('run the whole file: the transcripts are recorded by each engine\'s block');
    expect(postgres).toStrictEqual(sqlite);
  });
});

/** A long run of calls through every repository; every answer is recorded. */
async function transcriptOf(store: Store): Promise<unknown[]> {
  const out: unknown[] = [];
  const note = (label: string, value: unknown): void => {
    out.push([label, value]);
  };
  await store.cases.save(fullCase());
  for (let n = 2; n <= 6; n++) await store.cases.save(acceptedCase(n, { status: n % 2 === 0 ? 'accepted' : 'closed' }));
  note('case full', await store.cases.get(RX(1)));
  note('case plain', await store.cases.get(RX(2)));
  note('list', await store.cases.list());
  note('list page', await store.cases.list({ limit: 2, statuses: ['accepted'] }));
  note('list text', await store.cases.list({ text: 'sumatriptan', limit: 3 }));
  note('list kvnr', await store.cases.list({ text: 'x100000003' }));
  await store.cases.updateStatus(RX(2), { status: 'dispensed', updatedAt: at(30), lastDispenseAt: at(30), unsentChanges: true });
  await store.cases.restoreSecret(RX(3), 'c'.repeat(64) as Secret, at(31), new Uint8Array([9]));
  note('updated', [await store.cases.get(RX(2)), await store.cases.get(RX(3))]);

  await store.drafts.save({ prescriptionId: RX(1), entries: [entry], savedAt: at(3), staff: 'AB' });
  note('draft', await store.drafts.get(RX(1)));
  const s1 = await store.submissions.createPending({ prescriptionId: RX(1), operation: 'dispense', staff: 'AB', createdAt: at(4), entries: [entry] });
  const s2 = await store.submissions.createPending({ prescriptionId: RX(1), operation: 'close', staff: 'AB', createdAt: at(5), entries: [], withBody: false });
  await store.submissions.complete(s1, { state: 'confirmed', completedAt: at(6), httpStatus: 200 });
  note('submissions', [await store.submissions.listFor(RX(1)), await store.submissions.latest(RX(1)), await store.submissions.lastConfirmedList(RX(1), at(0)), await store.submissions.pending()]);
  await store.receipts.save({ prescriptionId: RX(1), bundleId: 'r', completedAt: at(7), pharmacyTelematikId: 't', signaturePresent: false, receivedAt: at(7), staff: 'AB', bundle: { a: [1, 'x'] } });
  note('receipt', await store.receipts.get(RX(1)));

  const p1 = await store.pendingOperations.create({ prescriptionId: RX(7), operation: 'accept', accessCode: AC, reason: 'outcome-unknown', staff: 'AB', createdAt: at(1) });
  const p2 = await store.pendingOperations.create({ prescriptionId: RX(1), operation: 'close', reason: 'rate-limited', staff: 'AB', createdAt: at(2), notBefore: at(9) });
  await store.pendingOperations.create({ prescriptionId: RX(1), operation: 'abort', reason: 'outcome-unknown', staff: 'AB', createdAt: at(3) });
  await store.pendingOperations.attachSubmission(p2, s2);
  await store.pendingOperations.recordAttempt(p1, { message: 'Zeitüberschreitung' });
  await store.pendingOperations.finish(p1, { state: 'done', completedAt: at(8), message: 'Übernommen' });
  note('pending', [await store.pendingOperations.listForDisplay(), await store.pendingOperations.forSubmission(s2), await store.pendingOperations.countPending()]);

  await store.messages.insertIfNew(message('m-1'));
  await store.messages.insertIfNew(message('m-2', { kind: 'reply', state: 'sent', handledBy: 'AB', content: { text: 'Abholbereit', code: 42 } }));
  await store.messages.markHandled('m-1', 'new', 'accepted', at(9), 'CD');
  note('messages', [await store.messages.listRequests(5), await store.messages.listFor(RX(1)), await store.messages.countOpenRequests()]);

  await store.audit.append({ at: at(1), staff: 'AB', operation: 'accept', prescriptionId: RX(1), result: 'ok', httpStatus: 200 });
  await store.audit.append({ at: at(2), staff: 'AB', operation: 'dispense', result: 'failed' });
  note('audit', [await store.audit.list(), await store.audit.verify()]);
  await store.settings.set('pharmacy', { name: 'Apotheke am Markt', counters: 3 });
  await store.settings.setSecret('token', 'geheim');
  note('settings', [store.settings.get('pharmacy'), store.settings.getSecret('token'), store.settings.get('none')]);

  await store.transaction(async () => {
    await store.cases.erasePersonalData(RX(1), 'aborted', at(40), 'AB');
    await store.submissions.eraseEntries(RX(1));
    await store.pendingOperations.eraseFor(RX(1));
    note('erased messages', await store.messages.eraseFor(RX(1)));
  });
  note('after erasure', [await store.cases.get(RX(1)), await store.drafts.get(RX(1)), await store.submissions.listFor(RX(1)), await store.pendingOperations.pendingFor(RX(1)), await store.messages.get('m-1'), await store.cases.list({ text: 'mustermann' })]);
  return out;
}
