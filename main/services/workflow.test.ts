import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import type { AppEvent } from '../../shared/ipc/contract';
import { IdentityCipher } from '../store/cipher';
import { openStore, type Store } from '../store/store';
import { EventHub } from './events';
import { SettingsService } from './settings';
import { FakeClock, FakeFachdienst, fakeCodecs, prescriptionView } from './testing';
import { WorkflowService } from './workflow';
import { failureOf } from '../testing';

const ID1 = '160.000.000.000.001.54' as PrescriptionId;
const ID2 = '160.000.000.000.000.57' as PrescriptionId;
const AC1 = '1'.repeat(64);
const AC2 = '2'.repeat(64);
const token = (id: string, ac: string) => `Task/${id}/$accept?ac=${ac}`;

let store: Store;
let clock: FakeClock;
let fd: FakeFachdienst;
let codecs: ReturnType<typeof fakeCodecs>;
let settings: SettingsService;
let events: AppEvent[];
let workflow: WorkflowService;

beforeEach(() => {
  // 23:30 UTC on 5 Oct = 01:30 on 6 Oct in Berlin: the German date counts (A_27660).
  clock = new FakeClock(new Date('2026-10-05T23:30:00Z'));
  store = openStore({ file: ':memory:', cipher: new IdentityCipher(), hmacKey: Buffer.alloc(32, 7), now: () => clock.now() });
  fd = new FakeFachdienst(clock);
  fd.addTask(ID1, AC1);
  fd.addTask(ID2, AC2);
  codecs = fakeCodecs();
  settings = new SettingsService({ settings: store.settings, backend: { kind: 'embedded', url: 'http://127.0.0.1:1/' }, appVersion: '1.2.3', clock, dataProtection: 'key-file' });
  settings.setStaff('ab');
  const hub = new EventHub();
  events = [];
  hub.subscribe((e) => events.push(e));
  let n = 0;
  workflow = new WorkflowService({ store, fachdienst: fd, settings, events: hub, clock, ids: { next: () => `row-${++n}` }, codecs });
});

afterEach(() => store.close());


async function acceptedCase(): Promise<DispenseEntry[]> {
  const { results } = await workflow.scanCode(token(ID1, AC1));
  expect(results[0]?.ok).toBe(true);
  return (await workflow.getCase(ID1)).draft ?? [];
}

describe('scanCode', () => {
  it('accepts a scanned token, stores Secret, AccessCode and QES, prefills the draft from the prescription', async () => {
    const { results } = await workflow.scanCode(token(ID1, AC1));
    expect(results).toEqual([expect.objectContaining({ ok: true, outcome: 'accepted', prescriptionId: ID1 })]);

    const record = store.cases.get(ID1);
    expect(record?.secret).toBe(fd.tasks.get(ID1)?.secret);
    expect(record?.accessCode).toBe(AC1);
    expect(record?.qes).toEqual(new Uint8Array([1, 2, 3]));
    expect(record?.acceptedBy).toBe('AB');

    const detail = await workflow.getCase(ID1);
    expect(detail.status).toBe('accepted');
    expect(detail.patientName).toBe('Erika Mustermann');
    expect(detail.expiryDate).toBe('2026-12-31');
    expect(detail.prescription?.medication.kind).toBe('pzn');
    expect(detail.draft).toHaveLength(1);
    const entry = detail.draft![0]!;
    expect(entry.medication).toMatchObject({ kind: 'pzn', pzn: '06313728', name: 'Sumatriptan-1a Pharma 100 mg Tabletten' });
    expect(entry.packs).toBe(2);
    expect(entry.whenHandedOver).toBe('2026-10-06');
    expect(entry.substituted).toBe(false);
    expect(events).toContainEqual({ type: 'case-changed', prescriptionId: ID1 });
  });

  it('re-scanning opens the local case without calling the Fachdienst (A_23801)', async () => {
    await workflow.scanCode(token(ID1, AC1));
    const { results } = await workflow.scanCode(`{"urls":["${token(ID1, AC1)}"]}`);
    expect(results[0]).toMatchObject({ ok: true, outcome: 'existing' });
    expect(fd.calls.filter((c) => c.op === 'accept')).toHaveLength(1);
  });

  it('requests nothing for a code that fails validation', async () => {
    const { results } = await workflow.scanCode('https://evil.example/Task/160.000.000.000.001.54/$accept?ac=' + AC1);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ ok: false, error: { code: 'token' } });
    expect(fd.calls).toHaveLength(0);
  });

  it('reports each token of a DataMatrix separately: one failure does not hide the others', async () => {
    fd.tasks.get(ID1)!.status = 'cancelled';
    const { results } = await workflow.scanCode(`{"urls":["${token(ID1, AC1)}","${token(ID2, AC2)}"]}`);
    expect(results[0]).toMatchObject({ ok: false, prescriptionId: ID1, error: { httpStatus: 409, system: 'fachdienst' } });
    expect(results[1]).toMatchObject({ ok: true, prescriptionId: ID2, outcome: 'accepted' });
    expect(store.cases.get(ID1)).toBeUndefined();
  });

  it('recovers a prescription whose $accept answer was lost (409 own institution → GET ?ac)', async () => {
    fd.failures.accept = ['after-timeout'];
    const first = await workflow.scanCode(token(ID1, AC1));
    // timeout → immediate reconcile via GET ?ac finds it in progress for us
    expect(first.results[0]).toMatchObject({ ok: true, outcome: 'accepted' });
    expect(fd.calls.map((c) => c.op)).toEqual(['accept', 'getByAc']);
    expect(store.cases.get(ID1)?.secret).toBe(fd.tasks.get(ID1)?.secret);

    // a lost local case: the Fachdienst answers 409 "processed by requesting institution"
    store.cases.erasePersonalData(ID1, 'rejected', clock.now().toISOString());
    const again = await workflow.scanCode(token(ID1, AC1));
    expect(again.results[0]).toMatchObject({ ok: true, outcome: 'accepted' });
    expect(store.cases.get(ID1)?.status).toBe('accepted');
  });

  it('a $accept that never reached the Fachdienst: GET ?ac answers 412, so one new $accept claims it (issue 6 item 1)', async () => {
    fd.failures.accept = ['timeout'];
    const { results } = await workflow.scanCode(token(ID1, AC1));
    expect(results[0]).toMatchObject({ ok: true, outcome: 'accepted' });
    expect(fd.calls.map((c) => c.op)).toEqual(['accept', 'getByAc', 'accept']);
    expect(store.cases.get(ID1)?.secret).toBeDefined();
    const [op] = store.pendingOperations.listForDisplay();
    expect(op).toMatchObject({ operation: 'accept', state: 'done', message: expect.stringContaining('einmal erneut abgerufen') });
    // it cannot know that the first call never arrived, and does not claim so (issue 13 item 4)
    expect(op?.message).not.toContain('nicht beim E-Rezept-Fachdienst angekommen');
    // the AccessCode it needed is gone once the claim is settled
    expect(op?.operation === 'accept' && op.accessCode).toBeFalsy();
  });

  it('a $accept whose answer and reconcile both get no answer stays owed with its AccessCode', async () => {
    fd.failures.accept = ['timeout'];
    fd.failures.getByAc = ['network'];
    const { results } = await workflow.scanCode(token(ID1, AC1));
    expect(results[0]).toMatchObject({ ok: false, error: { code: 'queued', system: 'network', retry: 'reconcile' } });
    expect(store.cases.get(ID1)).toBeUndefined();
    const [op] = store.pendingOperations.pending();
    expect(op).toMatchObject({ operation: 'accept', state: 'pending', reason: 'offline', accessCode: AC1 });
  });

  it('keeps the case when the prescription cannot be read, and says why', async () => {
    codecs.options.prescription = 'KBV-Version 1.0.1 wird nicht unterstützt';
    await workflow.scanCode(token(ID1, AC1));
    const detail = await workflow.getCase(ID1);
    expect(detail.prescription).toBeNull();
    expect(detail.prescriptionError).toContain('1.0.1');
    expect(detail.draft).toBeNull();
    expect(store.cases.get(ID1)?.secret).toBeDefined();
  });

  it('requires a staff member before anything is requested', async () => {
    settings.setStaff('');
    const f = await failureOf(workflow.scanCode(token(ID1, AC1)));
    expect(f.appError.code).toBe('staff-required');
    expect(fd.calls).toHaveLength(0);
  });

  it('writes audit entries with ids and staff but no names or secrets', async () => {
    await workflow.scanCode(token(ID1, AC1));
    const audit = store.audit.list(ID1);
    expect(audit).toEqual([expect.objectContaining({ operation: 'accept', result: 'ok', staff: 'AB', prescriptionId: ID1 })]);
    const text = JSON.stringify(audit);
    expect(text).not.toContain('Mustermann');
    expect(text).not.toContain('X110411675');
    expect(text).not.toContain(AC1);
  });
});

describe('submitDispense', () => {
  it('writes the submission as pending before the call and confirms it afterwards', async () => {
    const draft = await acceptedCase();
    let seenDuringCall: string | undefined;
    fd.hooks.dispense = () => {
      seenDuringCall = store.submissions.latest(ID1)?.state;
    };
    const detail = await workflow.submitDispense(ID1, draft);
    expect(seenDuringCall).toBe('pending');
    expect(detail.status).toBe('dispensed');
    expect(detail.lastDispenseAt).toBe('2026-10-05T23:30:00.000Z');
    expect(detail.submissions).toEqual([expect.objectContaining({ operation: 'dispense', state: 'confirmed', staff: 'AB', httpStatus: 204 })]);
    expect(fd.calls.at(-1)?.body).toMatchObject({ resourceType: 'Parameters', operation: 'dispense', count: 1 });
  });

  it('sends nothing when the pre-flight finds errors', async () => {
    const draft = await acceptedCase();
    codecs.options.findings = [{ severity: 'error', code: 'FD_KVNR_MISMATCH', message: 'KVNR passt nicht', path: 'parameter[0]' }];
    const f = await failureOf(workflow.submitDispense(ID1, draft));
    expect(f.appError.code).toBe('validation');
    expect(f.appError.findings).toHaveLength(1);
    expect(fd.calls.filter((c) => c.op === 'dispense')).toHaveLength(0);
    expect(store.submissions.listFor(ID1)).toHaveLength(0);
  });

  it('runs the pharmacy pre-flight with the case deadlines (A_23800)', async () => {
    const draft = await acceptedCase();
    const late = draft.map((e) => ({ ...e, whenHandedOver: '2027-01-02' }));
    const f = await failureOf(workflow.submitDispense(ID1, late));
    expect(f.appError.findings?.[0]).toMatchObject({ code: 'PH_AFTER_EXPIRY_DATE', path: 'entries.0.whenHandedOver' });
    expect(fd.calls.filter((c) => c.op === 'dispense')).toHaveLength(0);
  });

  it('records a rejected submission with the Fachdienst status and rethrows the typed error', async () => {
    const draft = await acceptedCase();
    fd.failures.dispense = [400];
    const f = await failureOf(workflow.submitDispense(ID1, draft));
    expect(f.appError.httpStatus).toBe(400);
    const detail = await workflow.getCase(ID1);
    expect(detail.status).toBe('accepted');
    expect(detail.submissions[0]).toMatchObject({ state: 'failed', httpStatus: 400 });
    expect(detail.submissions[0]?.errorMessage).toContain('E-Rezept-Fachdienst');
  });

  it('keeps the submitted list as the draft', async () => {
    const draft = await acceptedCase();
    const changed = draft.map((e) => ({ ...e, packs: 1 }));
    await workflow.submitDispense(ID1, changed);
    expect((await workflow.getCase(ID1)).draft?.[0]?.packs).toBe(1);
  });
});

describe('closeCase', () => {
  it('closes with the complete list even when the last confirmed $dispense holds the same one (issue 13), stores the receipt and locks the list', async () => {
    const draft = await acceptedCase();
    await workflow.submitDispense(ID1, draft);
    clock.set('2026-10-06T08:00:00Z');
    const detail = await workflow.closeCase(ID1);
    // the app cannot prove which list the Fachdienst holds (a late $dispense may have landed): the list goes along
    expect(fd.calls.at(-1)).toMatchObject({ op: 'close', body: { operation: 'close', count: draft.length } });
    expect(detail.status).toBe('closed');
    expect(detail.closedAt).toBe('2026-10-06T08:00:00.000Z');
    expect(detail.receipt).toMatchObject({ bundleId: `receipt-${ID1}`, signaturePresent: true, staff: 'AB' });
    expect(store.receipts.get(ID1)?.bundle).toMatchObject({ fakeReceipt: true });
    expect(detail.submissions.map((s) => [s.operation, s.state])).toEqual([
      ['dispense', 'confirmed'],
      ['close', 'confirmed'],
    ]);

    expect((await failureOf(workflow.saveDraft(ID1, draft))).appError.code).toBe('state');
    expect((await failureOf(workflow.submitDispense(ID1, draft))).appError.code).toBe('state');
    expect((await failureOf(workflow.closeCase(ID1))).appError.code).toBe('state');
  });

  it('sends the list when it differs from the last $dispense', async () => {
    const draft = await acceptedCase();
    await workflow.submitDispense(ID1, draft);
    await workflow.closeCase(ID1, draft.map((e) => ({ ...e, packs: 1 })));
    expect(fd.calls.at(-1)?.body).toMatchObject({ operation: 'close', count: 1 });
  });

  it('sends the draft when nothing was dispensed before', async () => {
    await acceptedCase();
    await workflow.closeCase(ID1);
    expect(fd.calls.at(-1)?.body).toMatchObject({ operation: 'close' });
  });

  it('a $close whose answer was lost is reconciled via GET ?secret', async () => {
    await acceptedCase();
    fd.failures.close = ['after-timeout'];
    const detail = await workflow.closeCase(ID1);
    expect(fd.calls.map((c) => c.op).slice(-2)).toEqual(['close', 'getBySecret']);
    expect(detail.status).toBe('closed');
    expect(detail.receipt?.bundleId).toBe(`receipt-${ID1}`);
  });

  it('leaves the $close pending when the outcome stays unknown, and reconciles before the next attempt', async () => {
    await acceptedCase();
    fd.failures.close = ['after-timeout'];
    fd.failures.getBySecret = ['network'];
    const f = await failureOf(workflow.closeCase(ID1));
    expect(f.appError.retry).toBe('reconcile');
    expect(store.submissions.latest(ID1)?.state).toBe('pending');

    const detail = await workflow.closeCase(ID1);
    expect(detail.status).toBe('closed');
    // no second $close: the first one went through
    expect(fd.calls.filter((c) => c.op === 'close')).toHaveLength(1);
  });

  it('a $close that did not go through (GET ?secret: still in-progress) is sent once more right away', async () => {
    await acceptedCase();
    fd.failures.close = ['timeout'];
    const detail = await workflow.closeCase(ID1);
    expect(detail.status).toBe('closed');
    expect(fd.calls.map((c) => c.op).slice(-3)).toEqual(['close', 'getBySecret', 'close']);
    expect(detail.submissions.filter((s) => s.operation === 'close').map((s) => s.state)).toEqual(['failed', 'confirmed']);
    expect(store.pendingOperations.listForDisplay()[0]).toMatchObject({ operation: 'close', state: 'done', message: expect.stringContaining('nachgeholt') });
  });
});

describe('listCases', () => {
  it('filters by status and finds cases by name, medication or KVNR', async () => {
    await workflow.scanCode(token(ID1, AC1));
    codecs.options.prescription = prescriptionView({
      patient: { name: 'Max Muster', kvnr: 'K220635158' },
      medication: { kind: 'freitext', text: 'Ibuprofen 400 mg', vaccine: false },
    });
    fd.tasks.get(ID2)!.kvnr = 'K220635158';
    await workflow.scanCode(token(ID2, AC2));
    await workflow.submitDispense(ID2, (await workflow.getCase(ID2)).draft ?? []);

    expect((await workflow.listCases()).cases.map((c) => c.prescriptionId).sort()).toEqual([ID2, ID1].sort());
    expect((await workflow.listCases(undefined, 'to-close')).cases.map((c) => c.prescriptionId)).toEqual([ID2]);
    expect((await workflow.listCases('mustermann')).cases.map((c) => c.prescriptionId)).toEqual([ID1]);
    expect((await workflow.listCases('ibuprofen')).cases.map((c) => c.prescriptionId)).toEqual([ID2]);
    expect((await workflow.listCases('K220635158')).cases.map((c) => c.prescriptionId)).toEqual([ID2]);
  });
});

describe('getCase', () => {
  it('an unknown prescription is not-found', async () => {
    expect((await failureOf(workflow.getCase(ID1))).appError.code).toBe('not-found');
  });
});
