/**
 * The workflow's scan, $dispense and $close against the simulator (simulator-harness.ts): the real client, the
 * real codecs, the simulator's Task state machine and its fault injection.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import { err } from '../../shared/ipc/result';
import { PHARMACY_B } from '../simulator/test-kit';
import { failureOf } from '../testing';
import { createSimulatorHarness, itemsIn, type Prescribed, type SimulatorHarness } from './simulator-harness';

let h: SimulatorHarness;
let p1: Prescribed;
let p2: Prescribed;

beforeEach(async () => {
  // 23:30 UTC on 5 Oct = 01:30 on 6 Oct in Berlin: the German date counts (A_27660).
  h = await createSimulatorHarness('2026-10-05T23:30:00Z');
  p1 = await h.prescribe();
  p2 = await h.prescribe({ kvnr: 'K220635158', medication: 'freitext' });
});

afterEach(() => h.close());

const acceptedCase = (): Promise<DispenseEntry[]> => h.accept(p1);
/** More packs than the one prescribed need a reason (PH_QUANTITY_MORE, docs/checks.md). */
const MORE_PACKS = { rule: 'PH_QUANTITY_MORE', reason: 'Mehrbedarf mit der Praxis abgestimmt' };
const qesOf = (p: Prescribed): Uint8Array => new Uint8Array(Buffer.from(h.task(p.id).prescription!.cms, 'base64'));

describe('scanCode', () => {
  it('accepts a scanned token, stores Secret, AccessCode and QES, prefills the draft from the prescription', async () => {
    const { results } = await h.workflow.scanCode(p1.token);
    expect(results).toEqual([expect.objectContaining({ ok: true, outcome: 'accepted', prescriptionId: p1.id })]);

    const record = await h.store.cases.get(p1.id);
    expect(record?.secret).toBe(h.task(p1.id).secret);
    expect(record?.accessCode).toBe(p1.accessCode);
    expect(record?.qes).toEqual(qesOf(p1));
    expect(record?.acceptedBy).toBe('AB');

    const detail = await h.workflow.getCase(p1.id);
    const prescription = detail.prescription!;
    expect(detail.status).toBe('accepted');
    expect(detail.patientName).toBe(prescription.patient.name);
    expect(detail.patientName).toMatch(/^\S.* \S+$/);
    expect(prescription.patient.kvnr).toBe(p1.kvnr);
    // signed on 1 Oct: Einlösefrist three months later (spec §1.2)
    expect(detail.expiryDate).toBe('2027-01-01');
    expect(prescription.medication.kind).toBe('pzn');
    expect(detail.draft).toHaveLength(1);
    const entry = detail.draft![0]!;
    const prescribed = prescription.medication.kind === 'pzn' ? prescription.medication : undefined;
    expect(entry.medication).toMatchObject({ kind: 'pzn', pzn: prescribed?.pzn, name: prescribed?.name });
    expect(entry.packs).toBe(prescription.request.quantity);
    expect(entry.whenHandedOver).toBe('2026-10-06');
    expect(entry.substituted).toBe(false);
    expect(h.events).toContainEqual({ type: 'case-changed', prescriptionId: p1.id });
  });

  it('re-scanning opens the local case without calling the Fachdienst (A_23801)', async () => {
    await h.workflow.scanCode(p1.token);
    const { results } = await h.workflow.scanCode(`{"urls":["${p1.token}"]}`);
    expect(results[0]).toMatchObject({ ok: true, outcome: 'existing' });
    expect(h.ops().filter((op) => op === 'accept')).toHaveLength(1);
  });

  it('requests nothing for a code that fails validation', async () => {
    const { results } = await h.workflow.scanCode(`https://evil.example/Task/${p1.id}/$accept?ac=${p1.accessCode}`);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ ok: false, error: { code: 'token' } });
    expect(h.calls).toHaveLength(0);
  });

  it('reports each token of a DataMatrix separately: one failure does not hide the others', async () => {
    // another pharmacy holds the first one
    await h.sim.accept({ taskId: p1.id, accessCode: p1.accessCode, kvnr: p1.kvnr, token: p1.token, dataMatrix: '' }, PHARMACY_B);
    const { results } = await h.workflow.scanCode(`{"urls":["${p1.token}","${p2.token}"]}`);
    expect(results[0]).toMatchObject({ ok: false, prescriptionId: p1.id, error: { httpStatus: 409, system: 'fachdienst' } });
    expect(results[1]).toMatchObject({ ok: true, prescriptionId: p2.id, outcome: 'accepted' });
    expect(await h.store.cases.get(p1.id)).toBeUndefined();
  });

  it('recovers a prescription whose $accept answer was lost (409 own institution → GET ?ac)', async () => {
    await h.fail('accept', 'after-timeout');
    const first = await h.workflow.scanCode(p1.token);
    // timeout → immediate reconcile via GET ?ac finds it in progress for us
    expect(first.results[0]).toMatchObject({ ok: true, outcome: 'accepted' });
    expect(h.ops()).toEqual(['accept', 'getByAc']);
    expect((await h.store.cases.get(p1.id))?.secret).toBe(h.task(p1.id).secret);

    // a lost local case: the Fachdienst answers 409 "processed by requesting institution"
    await h.store.cases.erasePersonalData(p1.id, 'rejected', h.clock.now().toISOString());
    const again = await h.workflow.scanCode(p1.token);
    expect(again.results[0]).toMatchObject({ ok: true, outcome: 'accepted' });
    expect((await h.store.cases.get(p1.id))?.status).toBe('accepted');
  });

  it('a $accept that never reached the Fachdienst: GET ?ac answers 412, so one new $accept claims it', async () => {
    await h.fail('accept', 'timeout');
    const { results } = await h.workflow.scanCode(p1.token);
    expect(results[0]).toMatchObject({ ok: true, outcome: 'accepted' });
    expect(h.ops()).toEqual(['accept', 'getByAc', 'accept']);
    expect((await h.store.cases.get(p1.id))?.secret).toBe(h.task(p1.id).secret);
    const [op] = await h.store.pendingOperations.listForDisplay();
    expect(op).toMatchObject({ operation: 'accept', state: 'done', message: expect.stringContaining('einmal erneut abgerufen') });
    // it cannot know that the first call never arrived, and does not claim so
    expect(op?.message).not.toContain('nicht beim E-Rezept-Fachdienst angekommen');
    // the AccessCode it needed is gone once the claim is settled
    expect(op?.operation === 'accept' && op.accessCode).toBeFalsy();
  });

  it('a $accept whose answer and reconcile both get no answer stays owed with its AccessCode', async () => {
    await h.fail('accept', 'timeout');
    await h.fail('getByAc', 'network');
    const { results } = await h.workflow.scanCode(p1.token);
    expect(results[0]).toMatchObject({ ok: false, error: { code: 'queued', system: 'network', retry: 'reconcile' } });
    expect(await h.store.cases.get(p1.id)).toBeUndefined();
    const [op] = await h.store.pendingOperations.pending();
    expect(op).toMatchObject({ operation: 'accept', state: 'pending', reason: 'offline', accessCode: p1.accessCode });
  });

  it('keeps the case when the prescription cannot be read, and says why', async () => {
    h.codecs.readPrescription = () => err({ code: 'unsupported-version', message: 'KBV-Version 1.0.1 wird nicht unterstützt' });
    await h.workflow.scanCode(p1.token);
    const detail = await h.workflow.getCase(p1.id);
    expect(detail.prescription).toBeNull();
    expect(detail.prescriptionError).toContain('1.0.1');
    expect(detail.draft).toBeNull();
    expect((await h.store.cases.get(p1.id))?.secret).toBeDefined();
  });

  it('requires a staff member before anything is requested', async () => {
    await h.settings.setStaff('');
    const f = await failureOf(h.workflow.scanCode(p1.token));
    expect(f.appError.code).toBe('staff-required');
    expect(h.calls).toHaveLength(0);
  });

  it('writes audit entries with ids and staff but no names or secrets', async () => {
    await h.workflow.scanCode(p1.token);
    const audit = await h.store.audit.list(p1.id);
    expect(audit).toEqual([expect.objectContaining({ operation: 'accept', result: 'ok', staff: 'AB', prescriptionId: p1.id })]);
    const text = JSON.stringify(audit);
    const name = (await h.workflow.getCase(p1.id)).patientName!;
    for (const part of name.split(' ')) expect(text).not.toContain(part);
    expect(text).not.toContain(p1.kvnr);
    expect(text).not.toContain(p1.accessCode);
    expect(text).not.toContain(h.task(p1.id).secret!);
  });
});

describe('submitDispense', () => {
  it('writes the submission as pending before the call and confirms it afterwards', async () => {
    const draft = await acceptedCase();
    let seenDuringCall: string | undefined;
    h.hooks.dispense = async () => {
      seenDuringCall = (await h.store.submissions.latest(p1.id))?.state;
    };
    const detail = await h.workflow.submitDispense(p1.id, draft);
    expect(seenDuringCall).toBe('pending');
    expect(detail.status).toBe('dispensed');
    expect(detail.lastDispenseAt).toBe('2026-10-05T23:30:00.000Z');
    expect(detail.submissions).toEqual([expect.objectContaining({ operation: 'dispense', state: 'confirmed', staff: 'AB', httpStatus: 204 })]);
    const sent = h.calls.at(-1);
    expect(sent).toMatchObject({ op: 'dispense', body: { resourceType: 'Parameters' } });
    expect(itemsIn(sent?.body)).toBe(1);
    expect(h.task(p1.id).dispenses).toHaveLength(1);
  });

  it('sends nothing when the pre-flight finds errors', async () => {
    const draft = await acceptedCase();
    h.codecs.fachdienstChecks = () => [{ severity: 'error', code: 'FD_KVNR_MISMATCH', message: 'KVNR passt nicht', path: 'parameter[0]' }];
    const f = await failureOf(h.workflow.submitDispense(p1.id, draft));
    expect(f.appError.code).toBe('validation');
    expect(f.appError.findings).toHaveLength(1);
    expect(h.ops().filter((op) => op === 'dispense')).toHaveLength(0);
    expect(await h.store.submissions.listFor(p1.id)).toHaveLength(0);
  });

  it('runs the pharmacy pre-flight with the case deadlines (A_23800)', async () => {
    const draft = await acceptedCase();
    // the Einlösefrist is 1 Jan 2027
    const late = draft.map((e) => ({ ...e, whenHandedOver: '2027-01-02' }));
    const f = await failureOf(h.workflow.submitDispense(p1.id, late));
    expect(f.appError.findings).toContainEqual(expect.objectContaining({ code: 'PH_AFTER_EXPIRY_DATE', path: 'entries.0.whenHandedOver' }));
    expect(h.ops().filter((op) => op === 'dispense')).toHaveLength(0);
  });

  it('records a rejected submission with the Fachdienst status and rethrows the typed error', async () => {
    const draft = await acceptedCase();
    await h.fail('dispense', 400);
    const f = await failureOf(h.workflow.submitDispense(p1.id, draft));
    expect(f.appError.httpStatus).toBe(400);
    const detail = await h.workflow.getCase(p1.id);
    expect(detail.status).toBe('accepted');
    expect(detail.submissions[0]).toMatchObject({ state: 'failed', httpStatus: 400 });
    expect(detail.submissions[0]?.errorMessage).toContain('E-Rezept-Fachdienst');
  });

  it('keeps the submitted list as the draft', async () => {
    const draft = await acceptedCase();
    const changed = draft.map((e) => ({ ...e, packs: 3, overrides: [MORE_PACKS] }));
    await h.workflow.submitDispense(p1.id, changed);
    expect((await h.workflow.getCase(p1.id)).draft?.[0]?.packs).toBe(3);
  });
});

/** The pack count of each item the simulator stored for the Task. */
const storedPacks = (p: Prescribed): unknown[] =>
  h.task(p.id).dispenses.map((d) => (d.medicationDispense['quantity'] as { value?: unknown } | undefined)?.value);

describe('closeCase', () => {
  it('closes with the complete list even when the last confirmed $dispense holds the same one, stores the receipt and locks the list', async () => {
    const draft = await acceptedCase();
    await h.workflow.submitDispense(p1.id, draft);
    h.clock.set('2026-10-06T08:00:00Z');
    const detail = await h.workflow.closeCase(p1.id);
    // the app cannot prove which list the Fachdienst holds (a late $dispense may have landed): the list goes along
    const sent = h.calls.at(-1);
    expect(sent?.op).toBe('close');
    expect(itemsIn(sent?.body)).toBe(draft.length);
    expect(detail.status).toBe('closed');
    expect(detail.closedAt).toBe('2026-10-06T08:00:00.000Z');
    const receiptId = h.task(p1.id).receipt?.['id'];
    expect(receiptId).toEqual(expect.any(String));
    expect(detail.receipt).toMatchObject({ bundleId: receiptId, signaturePresent: true, staff: 'AB' });
    expect((await h.store.receipts.get(p1.id))?.bundle).toMatchObject({ resourceType: 'Bundle', id: receiptId });
    expect(detail.submissions.map((s) => [s.operation, s.state])).toEqual([
      ['dispense', 'confirmed'],
      ['close', 'confirmed'],
    ]);

    expect((await failureOf(h.workflow.saveDraft(p1.id, draft))).appError.code).toBe('state');
    expect((await failureOf(h.workflow.submitDispense(p1.id, draft))).appError.code).toBe('state');
    expect((await failureOf(h.workflow.closeCase(p1.id))).appError.code).toBe('state');
  });

  it('sends the list when it differs from the last $dispense', async () => {
    const draft = await acceptedCase();
    await h.workflow.submitDispense(p1.id, draft);
    await h.workflow.closeCase(p1.id, draft.map((e) => ({ ...e, packs: 3, overrides: [MORE_PACKS] })));
    expect(h.calls.at(-1)?.op).toBe('close');
    expect(itemsIn(h.calls.at(-1)?.body)).toBe(1);
    // the Fachdienst keeps the list that came with the $close
    expect(storedPacks(p1)).toEqual([3]);
  });

  it('sends the draft when nothing was dispensed before', async () => {
    const draft = await acceptedCase();
    await h.workflow.closeCase(p1.id);
    expect(h.calls.at(-1)?.op).toBe('close');
    expect(itemsIn(h.calls.at(-1)?.body)).toBe(draft.length);
    expect(h.task(p1.id).status).toBe('completed');
  });

  it('a $close whose answer was lost is reconciled via GET ?secret', async () => {
    await acceptedCase();
    await h.fail('close', 'after-timeout');
    const detail = await h.workflow.closeCase(p1.id);
    expect(h.ops().slice(-2)).toEqual(['close', 'getBySecret']);
    expect(detail.status).toBe('closed');
    expect(detail.receipt?.bundleId).toBe(h.task(p1.id).receipt?.['id']);
  });

  it('leaves the $close pending when the outcome stays unknown, and reconciles before the next attempt', async () => {
    await acceptedCase();
    await h.fail('close', 'after-timeout');
    await h.fail('getBySecret', 'network');
    const f = await failureOf(h.workflow.closeCase(p1.id));
    expect(f.appError.retry).toBe('reconcile');
    expect((await h.store.submissions.latest(p1.id))?.state).toBe('pending');

    const detail = await h.workflow.closeCase(p1.id);
    expect(detail.status).toBe('closed');
    // no second $close: the first one went through
    expect(h.ops().filter((op) => op === 'close')).toHaveLength(1);
  });

  it('a $close that did not go through (GET ?secret: still in-progress) is sent once more right away', async () => {
    await acceptedCase();
    await h.fail('close', 'timeout');
    const detail = await h.workflow.closeCase(p1.id);
    expect(detail.status).toBe('closed');
    expect(h.ops().slice(-3)).toEqual(['close', 'getBySecret', 'close']);
    expect(detail.submissions.filter((s) => s.operation === 'close').map((s) => s.state)).toEqual(['failed', 'confirmed']);
    expect((await h.store.pendingOperations.listForDisplay())[0]).toMatchObject({ operation: 'close', state: 'done', message: expect.stringContaining('nachgeholt') });
  });
});

describe('listCases', () => {
  it('filters by status and finds cases by name, medication or KVNR', async () => {
    await h.workflow.scanCode(p1.token);
    const draft2 = await h.accept(p2);
    await h.workflow.submitDispense(p2.id, draft2);
    const [case1, case2] = [await h.workflow.getCase(p1.id), await h.workflow.getCase(p2.id)];
    const surname = case1.patientName!.split(' ').at(-1)!;
    const medicationWord = case2.medicationLabel!.split(' ')[0]!;
    expect(case2.patientName).not.toContain(surname);
    expect(case1.medicationLabel).not.toContain(medicationWord);

    expect((await h.workflow.listCases()).cases.map((c) => c.prescriptionId).sort()).toEqual([p1.id, p2.id].sort());
    expect((await h.workflow.listCases(undefined, 'to-close')).cases.map((c) => c.prescriptionId)).toEqual([p2.id]);
    expect((await h.workflow.listCases(surname.toLowerCase())).cases.map((c) => c.prescriptionId)).toEqual([p1.id]);
    expect((await h.workflow.listCases(medicationWord.toLowerCase())).cases.map((c) => c.prescriptionId)).toEqual([p2.id]);
    expect((await h.workflow.listCases('K220635158')).cases.map((c) => c.prescriptionId)).toEqual([p2.id]);
  });
});

describe('getCase', () => {
  it('an unknown prescription is not-found', async () => {
    expect((await failureOf(h.workflow.getCase(p1.id))).appError.code).toBe('not-found');
  });
});
