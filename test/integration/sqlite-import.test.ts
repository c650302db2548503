/**
 * Moving a counter's own SQLite store into the shared store (issue 18 item 1, docs/multi-counter.md §2;
 * main/store/sqlite-import.ts): every record comes back equal through the target's repositories, re-encrypted with
 * the pharmacy key (no plaintext, no ciphertext of the counter's key in the target), the audit chain verifies, all
 * or nothing in one unit of work, a PrescriptionID the target already holds refuses the import. The round trip runs
 * against both engines as target (the import only uses the Store seam); the rule at start (openCounterStore) against
 * a real PostgreSQL: refused without --import-local-store while work is open, imported and renamed with it, never
 * imported twice.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, renameSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import type { AccessCode, PrescriptionId, Secret } from '../../shared/erezept/identifiers';
import { prescriptionViewSchema } from '../../shared/erezept/prescription';
import { AesGcmCipher } from '../../main/store/aes-gcm-cipher';
import type { CaseRecord } from '../../main/store/cases';
import { openCounterStore, type CounterStoreOptions } from '../../main/store/counter-store';
import { LocalSettingsFile } from '../../main/store/local-settings';
import type { PendingOperationRecord } from '../../main/store/pending-operations';
import type { SettingsStore, Store } from '../../main/store/repositories';
import {
  IMPORT_ID_KEY,
  IMPORT_OPERATION,
  IMPORT_STAFF,
  importedMarkerKey,
  ImportConflictError,
  importSqliteStore,
  LocalStoreNotImportedError,
  type SqliteImportSummary,
} from '../../main/store/sqlite-import';
import type { PostgresConnection } from '../../main/store/postgres/open';
import { openStore } from '../../main/store/store';
import type { SubmissionRecord } from '../../main/store/submissions';
import { storeEngines } from './support/store-engines';

const now = (): Date => new Date('2026-10-05T12:00:00Z');
const at = (minute: number): string => new Date(Date.UTC(2026, 9, 5, 8, minute)).toISOString();
const RX = (n: number): PrescriptionId =>
  `160.000.000.000.${String(n).padStart(3, '0')}.00` as PrescriptionId;
const AC = 'a'.repeat(64) as AccessCode;
const SECRET = 'b'.repeat(64) as Secret;
const CLIENT_PASSWORD = 'Konnektor-Passwort-4711';

/** the counter's own data key and KVNR key, and the pharmacy's */
const OWN_KEY = randomBytes(32);
const PHARMACY_KEY = randomBytes(32);
const ownCipher = (): AesGcmCipher => new AesGcmCipher(OWN_KEY);
const pharmacyCipher = (): AesGcmCipher => new AesGcmCipher(PHARMACY_KEY);

const view = prescriptionViewSchema.parse({
  kbvVersion: '1.3',
  prescriptionId: RX(1),
  authoredOn: '2026-10-01',
  patient: { name: 'Erika Mustermann', kvnr: 'X110411675', birthDate: '1964-08-12' },
  coverage: { kind: 'GKV', code: 'GKV', payorName: 'Test-BKK' },
  practitioner: { name: 'Dr. Hans Topp' },
  organization: { name: 'Praxis Topp' },
  request: { quantity: 1, autIdemExcluded: false, noctu: false },
  medication: {
    kind: 'pzn',
    pzn: '06313728',
    name: 'Sumatriptan-1a Pharma 100 mg Tabletten',
    category: '00',
  },
  findings: [],
});

const entry: DispenseEntry = {
  key: 'row-1',
  medication: {
    kind: 'pzn',
    pzn: '06313728',
    name: 'Sumatriptan-1a Pharma 100 mg Tabletten',
    ingredients: [],
    category: '00',
    vaccine: false,
  },
  packs: 1,
  batch: { lot: 'LOT4711', expiry: '2028-03-31' },
  serials: ['SERIAL0815'],
  whenHandedOver: '2026-10-05',
};

const caseOf = (n: number, overrides: Partial<CaseRecord> = {}): CaseRecord => ({
  prescriptionId: RX(n),
  flowType: '160',
  status: 'accepted',
  acceptedAt: at(n),
  acceptedBy: 'AB',
  acceptDate: '2026-10-29',
  expiryDate: '2026-12-31',
  updatedAt: at(n + 1),
  unsentChanges: false,
  patientName: 'Erika Mustermann',
  kvnr: 'X110411675',
  medicationLabel: 'Sumatriptan 100 mg',
  accessCode: AC,
  secret: SECRET,
  qes: new Uint8Array([48, 130, 1, 2, 255]),
  prescription: view,
  prescriptionXml: '<Bundle><name value="Mustermann"/></Bundle>',
  ...overrides,
});

const content = {
  wish: { name: 'Erika Mustermann', phone: '030 1234567', addressLines: ['Hauptstr. 1'] },
  accessCode: AC,
};

/** Personal data and credentials of the fixtures: none may reach the target outside the pharmacy key's Cipher. */
const PERSONAL = [
  'Mustermann',
  'X110411675',
  SECRET,
  AC,
  'LOT4711',
  'SERIAL0815',
  'Hauptstr',
  '030 1234567',
  CLIENT_PASSWORD,
];

/** The prescriptions of the local store (RX 7–9 have messages or owed operations, no case). */
const LOCAL_IDS = [1, 2, 3, 4, 5].map(RX);
const LOCAL_PRESCRIPTIONS = new Set<string>([...LOCAL_IDS, RX(7), RX(8), RX(9)]);
const MESSAGE_IDS = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'];

/**
 * A counter's store as it is after some weeks: a case per status (two erased after $reject/$abort), drafts,
 * submissions (confirmed, failed, one pending), a receipt, owed operations (one attached to the pending
 * submission, finished ones, one with its payload erased), messages (handled, open, tombstones), audit rows and
 * settings — pharmacy-wide and this workplace's, plain and secret.
 */
async function fillLocalStore(store: Store): Promise<void> {
  await store.cases.save(caseOf(1, { unsentChanges: true, prescriptionError: 'Profil unbekannt' }));
  await store.drafts.save({ prescriptionId: RX(1), entries: [entry], savedAt: at(20), staff: 'AB' });

  await store.cases.save(
    caseOf(2, {
      status: 'dispensed',
      lastDispenseAt: at(21),
      lastConfirmedAt: at(21),
      lastHandoverDate: '2026-10-05',
    }),
  );
  await store.drafts.save({
    prescriptionId: RX(2),
    entries: [entry, { ...entry, key: 'row-2', packs: 2 }],
    savedAt: at(22),
    staff: 'CD',
  });
  const confirmed = await store.submissions.createPending({
    prescriptionId: RX(2),
    operation: 'dispense',
    staff: 'AB',
    createdAt: at(21),
    entries: [entry],
  });
  await store.submissions.complete(confirmed, { state: 'confirmed', completedAt: at(21), httpStatus: 204 });

  await store.cases.save(
    caseOf(3, { status: 'closed', lastDispenseAt: at(23), closedAt: at(25), lastConfirmedAt: at(25) }),
  );
  const failed = await store.submissions.createPending({
    prescriptionId: RX(3),
    operation: 'close',
    staff: 'AB',
    createdAt: at(24),
    entries: [entry],
  });
  await store.submissions.complete(failed, {
    state: 'failed',
    completedAt: at(24),
    httpStatus: 500,
    errorMessage: 'Fachdienst nicht erreichbar',
  });
  const closed = await store.submissions.createPending({
    prescriptionId: RX(3),
    operation: 'close',
    staff: 'AB',
    createdAt: at(25),
    entries: [],
    withBody: false,
  });
  await store.submissions.complete(closed, { state: 'confirmed', completedAt: at(25), httpStatus: 200 });
  await store.receipts.save({
    prescriptionId: RX(3),
    bundleId: 'receipt-3',
    completedAt: at(25),
    pharmacyTelematikId: '3-SMC-B-Testkarte-883110000116873',
    signaturePresent: true,
    receivedAt: at(25),
    staff: 'AB',
    bundle: { resourceType: 'Bundle', id: 'receipt-3' },
  });

  // the pending submission of RX 2 after this one: ids interleave across cases
  const inFlight = await store.submissions.createPending({
    prescriptionId: RX(2),
    operation: 'dispense',
    staff: 'CD',
    createdAt: at(26),
    entries: [entry],
  });

  for (const [n, status] of [
    [4, 'rejected'],
    [5, 'aborted'],
  ] as const) {
    await store.cases.save(caseOf(n, { status: 'dispensed' }));
    await store.submissions.createPending({
      prescriptionId: RX(n),
      operation: 'dispense',
      staff: 'AB',
      createdAt: at(27),
      entries: [entry],
    });
    await store.messages.insertIfNew({
      communicationId: `m${n + 2}`,
      kind: 'dispreq',
      prescriptionId: RX(n),
      sentAt: at(1),
      storedAt: at(2),
      state: 'new',
      content,
    });
    await store.pendingOperations.create({
      prescriptionId: RX(n),
      operation: 'close',
      entries: [entry],
      reason: 'offline',
      staff: 'AB',
      createdAt: at(28),
    });
    await store.cases.erasePersonalData(RX(n), status, at(29), 'CD');
    await store.submissions.eraseEntries(RX(n));
    await store.messages.eraseFor(RX(n));
    await store.pendingOperations.eraseFor(RX(n));
  }

  // owed operations: a claim whose answer was lost, the $dispense waiting after 429 with its attempt in flight, finished ones
  await store.pendingOperations.create({
    prescriptionId: RX(9),
    operation: 'accept',
    accessCode: AC,
    reason: 'outcome-unknown',
    staff: 'AB',
    createdAt: at(30),
  });
  const owed = await store.pendingOperations.create({
    prescriptionId: RX(2),
    operation: 'dispense',
    entries: [entry],
    reason: 'offline',
    staff: 'CD',
    createdAt: at(26),
  });
  await store.pendingOperations.attachSubmission(owed, inFlight);
  await store.pendingOperations.recordAttempt(owed, {
    notBefore: at(40),
    reason: 'rate-limited',
    message: 'Der Fachdienst bittet zu warten (429).',
  });
  const gaveUp = await store.pendingOperations.create({
    prescriptionId: RX(8),
    operation: 'accept',
    accessCode: AC,
    reason: 'offline',
    staff: 'AB',
    createdAt: at(31),
  });
  await store.pendingOperations.finish(gaveUp, {
    state: 'failed',
    completedAt: at(32),
    message: 'Das Rezept ist bereits angenommen.',
  });
  const closeLater = await store.pendingOperations.create({
    prescriptionId: RX(3),
    operation: 'close',
    reason: 'offline',
    staff: 'AB',
    createdAt: at(24),
  });
  await store.pendingOperations.attachSubmission(closeLater, closed);
  await store.pendingOperations.finish(closeLater, {
    state: 'done',
    completedAt: at(25),
    message: 'Abgeschlossen.',
  });
  await store.pendingOperations.create({
    prescriptionId: RX(4),
    operation: 'reject',
    reason: 'outcome-unknown',
    staff: 'CD',
    createdAt: at(29),
  });

  // messages: accepted, a reply sent and one deleted, an open Zuweisung, one dismissed and erased after the retention
  await store.messages.insertIfNew({
    communicationId: 'm1',
    kind: 'dispreq',
    prescriptionId: RX(1),
    sentAt: at(0),
    storedAt: at(0),
    state: 'new',
    content,
  });
  await store.messages.markHandled('m1', 'new', 'accepted', at(1), 'AB');
  await store.messages.insertIfNew({
    communicationId: 'm2',
    kind: 'reply',
    prescriptionId: RX(1),
    sentAt: at(3),
    storedAt: at(3),
    state: 'sent',
    handledBy: 'AB',
    content: { text: 'Abholbereit', pickUp: 'XY12' },
  });
  await store.messages.insertIfNew({
    communicationId: 'm3',
    kind: 'reply',
    prescriptionId: RX(1),
    sentAt: at(4),
    storedAt: at(4),
    state: 'sent',
    handledBy: 'AB',
    content: { text: 'Irrtum' },
  });
  await store.messages.markHandled('m3', 'sent', 'deleted', at(5), 'CD');
  await store.messages.insertIfNew({
    communicationId: 'm4',
    kind: 'dispreq',
    prescriptionId: RX(9),
    sentAt: at(6),
    storedAt: at(6),
    state: 'new',
    content,
  });
  await store.messages.insertIfNew({
    communicationId: 'm5',
    kind: 'dispreq',
    prescriptionId: RX(7),
    sentAt: at(0),
    storedAt: at(0),
    state: 'new',
    content,
  });
  await store.messages.markHandled('m5', 'new', 'dismissed', at(2), 'AB');
  await store.messages.eraseUnacceptedRequestsBefore(at(1));

  for (const [operation, n] of [
    ['accept', 1],
    ['dispense', 2],
    ['close', 3],
    ['reject', 4],
    ['message-accept', 1],
  ] as const) {
    await store.audit.append({
      at: at(n),
      staff: 'AB',
      operation,
      prescriptionId: RX(n),
      result: 'ok',
      httpStatus: 200,
    });
  }
  await store.audit.append({
    at: at(30),
    staff: 'AB',
    operation: 'accept',
    prescriptionId: RX(9),
    result: 'unknown',
  });

  await store.settings.set('staffList', [
    { kuerzel: 'AB', name: 'Anna Berg' },
    { kuerzel: 'CD', name: 'Carl Dorn' },
  ]);
  await store.settings.set('pharmacy', {
    telematikId: '3-SMC-B-Testkarte-883110000116873',
    name: 'Adler-Apotheke',
  });
  await store.settings.set('messageRetentionDays', 30);
  await store.settings.setSecret('demo.seededTokens', [`Task/${RX(1)}/$accept?ac=${AC}`]);
  await store.settings.set('counterName', 'Kasse 1');
  await store.settings.set('currentStaff', 'AB');
  await store.settings.set('tiSettings', { konnektor: { host: 'konnektor.local' } });
  await store.settings.setSecret('tiSecrets', { clientPassword: CLIENT_PASSWORD });
}

const PHARMACY_SETTINGS = ['demo.seededTokens', 'messageRetentionDays', 'pharmacy', 'staffList'];
const LOCAL_SETTINGS = ['counterName', 'currentStaff', 'tiSecrets', 'tiSettings'];
const SECRET_SETTINGS = new Set(['demo.seededTokens', 'tiSecrets']);

/** What another counter already keeps in the shared store: its ids come first, so the imported ones shift. */
async function fillOtherCounter(store: Store): Promise<void> {
  await store.cases.save(caseOf(50, { patientName: 'Otto Normal', kvnr: 'Y220000001' }));
  const submission = await store.submissions.createPending({
    prescriptionId: RX(50),
    operation: 'dispense',
    staff: 'EF',
    createdAt: at(10),
    entries: [],
  });
  const owed = await store.pendingOperations.create({
    prescriptionId: RX(50),
    operation: 'dispense',
    entries: [],
    reason: 'offline',
    staff: 'EF',
    createdAt: at(10),
  });
  await store.pendingOperations.attachSubmission(owed, submission);
  await store.audit.append({
    at: at(10),
    staff: 'EF',
    operation: 'accept',
    prescriptionId: RX(50),
    result: 'ok',
    httpStatus: 200,
  });
  await store.settings.set('staffList', [{ kuerzel: 'EF', name: 'Eva Fink' }]);
}

/**
 * Everything of the local prescriptions as the repositories answer it. Ids of submissions and owed operations are
 * replaced by their rank among these (the target numbers them anew), the link to the submission likewise — so an
 * equal snapshot also proves the order and the remapped links.
 */
async function snapshot(store: Store): Promise<unknown> {
  const mine = (r: { prescriptionId: string }): boolean => LOCAL_PRESCRIPTIONS.has(r.prescriptionId);
  const submissions = (await Promise.all(LOCAL_IDS.map((id) => store.submissions.listFor(id)))).flat();
  const rank = new Map([...submissions].sort((a, b) => a.id - b.id).map((s, i) => [s.id, i + 1]));
  const operations = (await store.pendingOperations.listForDisplay(1000)).filter(mine);
  const operationRank = new Map([...operations].sort((a, b) => a.id - b.id).map((o, i) => [o.id, i + 1]));
  const submission = (s: SubmissionRecord): unknown => ({ ...s, id: rank.get(s.id) });
  const operation = (o: PendingOperationRecord): unknown => ({
    ...o,
    id: operationRank.get(o.id),
    submissionId: o.submissionId === undefined ? undefined : rank.get(o.submissionId),
  });
  return {
    cases: await Promise.all(LOCAL_IDS.map((id) => store.cases.get(id))),
    drafts: await Promise.all(LOCAL_IDS.map((id) => store.drafts.get(id))),
    receipts: await Promise.all(LOCAL_IDS.map((id) => store.receipts.get(id))),
    submissions: (await Promise.all(LOCAL_IDS.map((id) => store.submissions.listFor(id)))).map((list) =>
      list.map(submission),
    ),
    pendingSubmissions: (await store.submissions.pending()).filter(mine).map(submission),
    operations: operations.map(operation),
    owed: (await store.pendingOperations.pending()).filter(mine).map(operation),
    messages: await Promise.all(MESSAGE_IDS.map((id) => store.messages.get(id))),
    requests: (await store.messages.listRequests(100)).filter(mine),
  };
}

const settingsOf = (settings: SettingsStore, keys: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(
    keys.map((key) => [key, SECRET_SETTINGS.has(key) ? settings.getSecret(key) : settings.get(key)]),
  );

/** Every `v1:` value (AesGcmCipher output) in a text. */
const ciphertexts = (text: string): string[] => text.match(/v1:[A-Za-z0-9+/=]{16,}/g) ?? [];

function sqliteText(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db
      .prepare<[], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
      .all();
    return tables
      .map((t) => `${t.name}: ${JSON.stringify(db.prepare(`SELECT * FROM "${t.name}"`).all())}`)
      .join('\n');
  } finally {
    db.close();
  }
}

describe.each(storeEngines())('importing a SQLite store into the $name store', (engine) => {
  let dir: string;
  let source: Store;
  let sourceFile: string;
  let target: Store;

  beforeAll(() => engine.start(), 120_000);
  afterAll(() => engine.stop(), 60_000);
  beforeEach(async () => {
    await engine.fresh();
    target = await engine.open({ cipher: pharmacyCipher(), now });
    dir = await mkdtemp(join(tmpdir(), 'erx-sqlite-import-'));
    sourceFile = join(dir, 'erx.db');
    source = openStore({ file: sourceFile, cipher: ownCipher(), hmacKey: Buffer.alloc(32, 3), now });
    await fillLocalStore(source);
  });
  afterEach(async () => {
    await source.close();
    await engine.closeAll();
    await rm(dir, { recursive: true, force: true });
  });

  const runImport = (into: Store = target): Promise<SqliteImportSummary> =>
    importSqliteStore({
      sqlite: { store: source, file: sourceFile, cipher: ownCipher() },
      target: into,
      localSettings: new LocalSettingsFile(join(dir, 'local-settings.json'), pharmacyCipher()),
      now,
    });

  it('brings every record over equal, re-encrypted with the pharmacy key, ids renumbered and links kept', async () => {
    await fillOtherCounter(target);
    const before = await snapshot(source);
    const sourceAudit = await source.audit.list();
    const otherAudit = await target.audit.list();

    const summary = await runImport();

    expect(summary).toMatchObject({
      cases: 5,
      drafts: 2,
      receipts: 1,
      submissions: 6,
      pendingOperations: 7,
      messages: 7,
      messagesAlreadyShared: [],
      auditEntries: sourceAudit.length,
      sourceAudit: { ok: true, chained: sourceAudit.length, unchained: 0 },
      settings: ['demo.seededTokens', 'messageRetentionDays', 'pharmacy'],
      settingsKept: ['staffList'],
      localSettings: LOCAL_SETTINGS,
      localSettingsLeft: [],
    });
    // read as another counter reads it: through a store opened afresh (a repository answers a case it saved itself
    // from its summary cache, with the absent name fields of an erased case as explicit `undefined` keys)
    const reader = await engine.open({ cipher: pharmacyCipher(), now });
    expect(await snapshot(reader)).toStrictEqual(before);
    // the other counter's records are untouched
    expect(await target.cases.get(RX(50))).toMatchObject({ patientName: 'Otto Normal' });
    // the KVNR search works with the pharmacy's KVNR key (the HMAC was computed anew)
    expect(
      (await target.cases.list({ text: 'X110411675' })).records.map((r) => r.prescriptionId).sort(),
    ).toEqual([RX(1), RX(2), RX(3)]);

    // one chain: the other counter's entries, then the imported ones in their order, then the import itself
    expect(await target.audit.list()).toStrictEqual([
      ...otherAudit,
      ...sourceAudit,
      {
        at: now().toISOString(),
        staff: IMPORT_STAFF,
        operation: IMPORT_OPERATION,
        prescriptionId: undefined,
        result: 'ok',
        httpStatus: undefined,
      },
    ]);
    expect(await target.audit.verify()).toEqual({
      ok: true,
      chained: otherAudit.length + sourceAudit.length + 1,
      unchained: 0,
    });

    // pharmacy settings in the store (the shared staff list wins), the workplace's in its file
    expect(settingsOf(target.settings, PHARMACY_SETTINGS)).toStrictEqual({
      ...settingsOf(source.settings, PHARMACY_SETTINGS),
      staffList: [{ kuerzel: 'EF', name: 'Eva Fink' }],
    });
    expect(settingsOf(target.settings, LOCAL_SETTINGS)).toStrictEqual(
      Object.fromEntries(LOCAL_SETTINGS.map((key) => [key, undefined])),
    );
    const local = new LocalSettingsFile(join(dir, 'local-settings.json'), pharmacyCipher());
    expect(settingsOf(local, LOCAL_SETTINGS)).toStrictEqual(settingsOf(source.settings, LOCAL_SETTINGS));
    // the SQLite engine's bookkeeping stays behind (the summary lists exactly what was copied)
    expect(source.settings.get(IMPORT_ID_KEY)).toBe(summary.importId);
    expect(target.settings.get(IMPORT_ID_KEY)).toBeUndefined();
    expect(target.settings.get(importedMarkerKey(summary.importId))).toEqual({
      importedAt: now().toISOString(),
      cases: 5,
    });

    // nothing in clear, and no value copied under the counter's own key
    const stored = await engine.storedText();
    for (const text of PERSONAL) expect(stored).not.toContain(text);
    const own = ciphertexts(sqliteText(sourceFile));
    expect(own.length).toBeGreaterThan(20);
    for (const value of own) expect(stored).not.toContain(value);
    expect(ciphertexts(stored).length).toBeGreaterThan(20);
  });

  it('refuses when the target already holds one of the prescriptions, naming it; nothing is imported', async () => {
    await target.cases.save(caseOf(3, { acceptedBy: 'EF' }));
    const storedBefore = await engine.storedText();

    const failure = await runImport().catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ImportConflictError);
    expect((failure as ImportConflictError).prescriptionIds).toEqual([RX(3)]);
    expect((failure as Error).message).toContain(RX(3));
    expect((failure as Error).message).toContain('nichts geändert');
    expect(await engine.storedText()).toBe(storedBefore);
  });

  it('is all or nothing: a failure after every record was written leaves the target as it was', async () => {
    await fillOtherCounter(target);
    const storedBefore = await engine.storedText();
    // the import's last write, the closing audit entry, fails
    const failing: Store = {
      ...target,
      audit: {
        list: (id) => target.audit.list(id),
        verify: () => target.audit.verify(),
        append: async (entry) => {
          if (entry.operation === IMPORT_OPERATION) throw new Error('Verbindung verloren');
          await target.audit.append(entry);
        },
      },
    };

    await expect(runImport(failing)).rejects.toThrow('Verbindung verloren');

    expect(await engine.storedText()).toBe(storedBefore);
    expect(await target.audit.verify()).toMatchObject({ ok: true });
  });

  it('keeps a message the target already holds (the same Fachdienst message, fetched by another counter)', async () => {
    await target.messages.insertIfNew({
      communicationId: 'm4',
      kind: 'dispreq',
      prescriptionId: RX(9),
      sentAt: at(6),
      storedAt: at(7),
      state: 'new',
      content: { other: true },
    });

    const summary = await runImport();

    expect(summary.messagesAlreadyShared).toEqual(['m4']);
    expect(summary.messages).toBe(6);
    expect(await target.messages.get('m4')).toMatchObject({ storedAt: at(7), content: { other: true } });
  });
});

describe('the rule at start on the shared store (openCounterStore)', () => {
  const engine = storeEngines().find((e) => e.name === 'postgres');
  if (engine === undefined) throw new Error('no PostgreSQL harness');
  const connection = (): PostgresConnection => {
    if (engine.connection === undefined) throw new Error('no connection');
    return engine.connection();
  };
  let dir: string;
  let storeDir: string;
  let sharedOptions: CounterStoreOptions;
  const opened: Store[] = [];

  beforeAll(() => engine.start(), 120_000);
  afterAll(() => engine.stop(), 60_000);
  beforeEach(async () => {
    await engine.fresh();
    dir = await mkdtemp(join(tmpdir(), 'erx-sqlite-import-start-'));
    storeDir = join(dir, 'data');
    await mkdir(storeDir);
    const { host, port, user, database, password } = connection();
    // as at a pharmacy: the password in a 0600 passfile, the enrolment passphrase in a 0600 file (§2, §5)
    const passfile = join(dir, 'pgpass');
    await writeFile(passfile, `${host}:${port}:*:${user}:${await password?.()}\n`, { mode: 0o600 });
    const passphrase = join(dir, 'passphrase');
    await writeFile(passphrase, 'eine lange Passphrase für die Apotheke\n', { mode: 0o600 });
    sharedOptions = {
      choice: {
        engine: 'postgres',
        location: { host, port, user, database },
        enrolPassphraseFile: passphrase,
      },
      storeDir,
      now,
      env: { env: { PGPASSFILE: passfile } },
    };
    // the counter's own store, as the SQLite engine keeps it: <storeDir>/erx.db under its own key in <storeDir>
    const { store } = await openCounterStore({ choice: { engine: 'sqlite' }, storeDir, now });
    await fillLocalStore(store);
    await store.close();
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    await engine.closeAll();
    await rm(dir, { recursive: true, force: true });
  });

  const start = async (importLocalStore?: boolean): Promise<Awaited<ReturnType<typeof openCounterStore>>> => {
    const counter = await openCounterStore({
      ...sharedOptions,
      ...(importLocalStore !== undefined ? { importLocalStore } : {}),
    });
    opened.push(counter.store);
    return counter;
  };
  const files = (): string[] => readdirSync(storeDir).sort();
  const ownSnapshot = async (): Promise<unknown> => {
    const { store } = await openCounterStore({ choice: { engine: 'sqlite' }, storeDir, now });
    try {
      return await snapshot(store);
    } finally {
      await store.close();
    }
  };

  it('refuses without --import-local-store while the own store has open cases or owed operations; nothing changes', async () => {
    const failure = await start().catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(LocalStoreNotImportedError);
    expect(failure).toMatchObject({ openCases: 2, owedOperations: 5 });
    expect((failure as Error).message).toContain('--import-local-store');
    expect((failure as Error).message).toContain('mit 2 offenen Rezepten und 5 ausstehenden Vorgängen');
    expect(existsSync(join(storeDir, 'erx.db'))).toBe(true);
    expect(await engine.raw('SELECT COUNT(*)::int AS n FROM cases')).toEqual([{ n: 0 }]);
  });

  it('imports with --import-local-store, renames the file (keys stay), and a second start imports nothing again', async () => {
    const before = await ownSnapshot();

    const counter = await start(true);

    expect(counter.shared?.localStore).toMatchObject({
      kind: 'imported',
      summary: { cases: 5 },
      renamedTo: join(storeDir, 'erx.db.imported-2026-10-05T12-00-00.000Z'),
    });
    expect(counter.store.settings.get('counterName')).toBe('Kasse 1');
    expect(counter.store.settings.getSecret('tiSecrets')).toEqual({ clientPassword: CLIENT_PASSWORD });
    expect(await counter.store.audit.verify()).toMatchObject({ ok: true, chained: 7 });
    expect(files()).toEqual(
      expect.arrayContaining(['data.key', 'erx.db.imported-2026-10-05T12-00-00.000Z', 'store.key']),
    );
    expect(files()).not.toContain('erx.db');
    await counter.store.close();

    const again = await start(true);
    expect(again.shared?.localStore).toEqual({ kind: 'none' });
    // read through this fresh start (no repository cache from the import)
    expect(await snapshot(again.store)).toStrictEqual(before);
    expect(await again.store.audit.verify()).toMatchObject({ ok: true, chained: 7 });
    expect(await engine.raw('SELECT COUNT(*)::int AS n FROM cases')).toEqual([{ n: 5 }]);
  });

  it('after an import whose start ended before the rename, the next start only renames the file', async () => {
    const counter = await start(true);
    await counter.store.close();
    // as if the process had died between COMMIT and the rename
    renameSync(join(storeDir, 'erx.db.imported-2026-10-05T12-00-00.000Z'), join(storeDir, 'erx.db'));
    sharedOptions = { ...sharedOptions, now: () => new Date('2026-10-06T07:00:00Z') };

    const again = await start();

    expect(again.shared?.localStore).toEqual({
      kind: 'renamed',
      renamedTo: join(storeDir, 'erx.db.imported-2026-10-06T07-00-00.000Z'),
    });
    expect(await engine.raw('SELECT COUNT(*)::int AS n FROM cases')).toEqual([{ n: 5 }]);
    expect(await again.store.audit.verify()).toMatchObject({ ok: true, chained: 7 });
  });

  it('a conflict refuses the start with the flag: nothing imported, the file not renamed', async () => {
    const other = await openStoreOnTarget();
    await other.cases.save(caseOf(2, { acceptedBy: 'EF' }));

    await expect(start(true)).rejects.toThrow(ImportConflictError);

    expect(files()).toContain('erx.db');
    expect(files().some((name) => name.includes('imported'))).toBe(false);
    expect(await engine.raw('SELECT prescription_id FROM cases')).toEqual([{ prescription_id: RX(2) }]);
    expect(await engine.raw('SELECT COUNT(*)::int AS n FROM audit')).toEqual([{ n: 0 }]);
  });

  it('an own store with nothing open is left untouched without the flag (history only), and imported with it', async () => {
    const { store } = await openCounterStore({ choice: { engine: 'sqlite' }, storeDir, now });
    for (const id of [RX(1), RX(2)])
      await store.cases.updateStatus(id, { status: 'closed', updatedAt: at(50), closedAt: at(50) });
    for (const op of await store.pendingOperations.pending())
      await store.pendingOperations.finish(op.id, {
        state: 'cancelled',
        completedAt: at(50),
        message: 'Abgebrochen.',
      });
    await store.close();

    const counter = await start();
    expect(counter.shared?.localStore).toEqual({ kind: 'left', file: join(storeDir, 'erx.db') });
    expect(files()).toContain('erx.db');
    expect(await engine.raw('SELECT COUNT(*)::int AS n FROM cases')).toEqual([{ n: 0 }]);
    await counter.store.close();

    const importing = await start(true);
    expect(importing.shared?.localStore).toMatchObject({ kind: 'imported', summary: { cases: 5 } });
    expect(files()).not.toContain('erx.db');
  });

  /** Another counter on the same database (the enrolled pharmacy keys come from the first start). */
  async function openStoreOnTarget(): Promise<Store> {
    const { host, port, user, database } = connection();
    const otherDir = join(dir, 'other');
    const counter = await openCounterStore({
      ...sharedOptions,
      choice: {
        engine: 'postgres',
        location: { host, port, user, database },
        enrolPassphraseFile: join(dir, 'passphrase'),
      },
      storeDir: otherDir,
    });
    opened.push(counter.store);
    return counter.store;
  }
});
