/**
 * A case's life after the claim, against the simulator (simulator-harness.ts): every submission kept as a
 * version and an unchanged list not sent again, lost $dispense answers reconciled, $close with the complete list
 * and the receipt refetch, $reject/$abort with local erasure (A_19251), secret recovery (spec §3.3), deadlines
 * (A_23798/A_23800, spec §9.4) and the patient preview.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import { failureOf } from '../testing';
import { createSimulatorHarness, itemsIn, type Prescribed, type SimulatorHarness } from './simulator-harness';

let h: SimulatorHarness;
let p1: Prescribed;
let p2: Prescribed;

beforeEach(async () => {
  // Monday 5 Oct 2026, 10:00 in Berlin
  h = await createSimulatorHarness('2026-10-05T08:00:00Z');
  p1 = await h.prescribe();
  p2 = await h.prescribe({ kvnr: 'K220635158' });
});
afterEach(() => h.close());

const accepted = (p = p1): Promise<DispenseEntry[]> => h.accept(p);
const ID1 = (): PrescriptionId => p1.id;

/** More packs than the one prescribed need a reason (PH_QUANTITY_MORE, docs/checks.md), given on the first entry. */
const MORE_PACKS = { rule: 'PH_QUANTITY_MORE', reason: 'Mehrbedarf mit der Praxis abgestimmt' };

const threeEntries = (base: DispenseEntry): DispenseEntry[] => [
  { ...base, key: 'a', packs: 1, batch: { lot: 'LOT-A', expiry: '2028-01-31' }, overrides: [MORE_PACKS] },
  { ...base, key: 'b', packs: 1, batch: { lot: 'LOT-B', expiry: '2028-02-29' } },
  { ...base, key: 'c', packs: 2, batch: { lot: 'LOT-C', expiry: '2028-03-31' } },
];

const dispenseCalls = () => h.ops().filter((op) => op === 'dispense');

describe('versions and corrections', () => {
  it('keeps every submission as a numbered version with staff, entries and answer; the confirmed list is the last one', async () => {
    const [base] = await accepted();
    const first = threeEntries(base!);
    const sent = await h.workflow.submitDispense(ID1(), first);
    expect(sent.outcome).toBe('sent');
    expect(sent.confirmedEntries).toEqual(first);
    expect(sent.hasUnsentChanges).toBe(false);

    await h.settings.setStaff('CD');
    h.clock.set('2026-10-05T09:00:00Z');
    const corrected = first.map((e) => (e.key === 'b' ? { ...e, packs: 3 } : e));
    const again = await h.workflow.submitDispense(ID1(), corrected);
    expect(again.outcome).toBe('sent');
    expect(again.submissions.map((s) => [s.version, s.operation, s.state, s.staff, s.httpStatus, s.withBody])).toEqual([
      [1, 'dispense', 'confirmed', 'AB', 204, true],
      [2, 'dispense', 'confirmed', 'CD', 204, true],
    ]);
    expect(again.submissions[0]?.entries).toEqual(first);
    expect(again.submissions[1]?.entries).toEqual(corrected);
    expect(again.confirmedEntries).toEqual(corrected);
    expect(again.lastConfirmedAt).toBe('2026-10-05T09:00:00.000Z');
    expect(dispenseCalls()).toHaveLength(2);
    // the Fachdienst holds the corrected list only (A_26482: every $dispense replaces the previous one)
    expect(h.task(ID1()).dispenses).toHaveLength(3);
  });

  it('does not send a list equal to the last confirmed one again (each $dispense notifies the patient)', async () => {
    const draft = await accepted();
    await h.workflow.submitDispense(ID1(), draft);
    const again = await h.workflow.submitDispense(ID1(), structuredClone(draft));
    expect(again.outcome).toBe('unchanged');
    expect(again.notice).toContain('Version 1');
    expect(again.notice).toContain('nichts gesendet');
    expect(again.submissions).toHaveLength(1);
    expect(dispenseCalls()).toHaveLength(1);
  });

  it('an unchanged list after a failed correction is still compared with the confirmed one, not the failed one', async () => {
    const draft = await accepted();
    await h.workflow.submitDispense(ID1(), draft);
    await h.fail('dispense', 400);
    await failureOf(h.workflow.submitDispense(ID1(), draft.map((e) => ({ ...e, packs: 3, overrides: [MORE_PACKS] }))));
    const back = await h.workflow.submitDispense(ID1(), draft);
    expect(back.outcome).toBe('unchanged');
  });

  it('flags unsent changes in the inbox when the saved draft differs from the confirmed list', async () => {
    const draft = await accepted();
    expect((await h.workflow.listCases()).cases.find((c) => c.prescriptionId === ID1())?.hasUnsentChanges).toBe(true);
    await h.workflow.submitDispense(ID1(), draft);
    expect((await h.workflow.listCases()).cases[0]?.hasUnsentChanges).toBe(false);
    await h.workflow.saveDraft(ID1(), draft.map((e) => ({ ...e, packs: 5 })));
    expect((await h.workflow.listCases()).cases[0]?.hasUnsentChanges).toBe(true);
    await h.workflow.saveDraft(ID1(), draft);
    expect((await h.workflow.listCases()).cases[0]?.hasUnsentChanges).toBe(false);
  });
});

describe('lost $dispense answers are reconciled, not refused', () => {
  it('a $dispense that arrived but whose answer was lost is confirmed through GET ?secret right away', async () => {
    const draft = await accepted();
    await h.fail('dispense', 'after-timeout');
    const detail = await h.workflow.submitDispense(ID1(), draft);
    expect(h.ops().slice(-2)).toEqual(['dispense', 'getBySecret']);
    expect(detail.status).toBe('dispensed');
    expect(detail.submissions[0]?.state).toBe('confirmed');
    expect(detail.outcomeUnknown).toBe(false);
  });

  it('stays pending when the Fachdienst cannot be asked; the same list later is reconciled instead of resent', async () => {
    const draft = await accepted();
    await h.fail('dispense', 'after-timeout');
    await h.fail('getBySecret', 'network');
    const f = await failureOf(h.workflow.submitDispense(ID1(), draft));
    expect(f.appError.retry).toBe('reconcile');
    expect(f.appError.message).toContain('unklar');
    expect(await h.store.pendingOperations.pending()).toMatchObject([{ operation: 'dispense', reason: 'outcome-unknown' }]);
    const pending = await h.workflow.getCase(ID1());
    expect(pending.outcomeUnknown).toBe(true);
    expect(pending.submissions[0]?.state).toBe('pending');

    const again = await h.workflow.submitDispense(ID1(), draft);
    expect(again.outcome).toBe('reconciled');
    expect(again.notice).toContain('nicht noch einmal gesendet');
    expect(dispenseCalls()).toHaveLength(1);
    expect(again.submissions).toHaveLength(1);
    expect(again.status).toBe('dispensed');
  });

  it('resends when lastMedicationDispense is older than the pending attempt (it never arrived)', async () => {
    const draft = await accepted();
    const corrected = draft.map((e) => ({ ...e, packs: 3, overrides: [MORE_PACKS] }));
    await h.workflow.submitDispense(ID1(), draft);
    h.clock.set('2026-10-05T08:05:00Z');
    await h.fail('dispense', 'timeout');
    await h.fail('getBySecret', 'network');
    await failureOf(h.workflow.submitDispense(ID1(), corrected));

    h.clock.set('2026-10-05T08:10:00Z');
    const again = await h.workflow.submitDispense(ID1(), corrected);
    expect(again.outcome).toBe('sent');
    expect(again.submissions.map((s) => s.state)).toEqual(['confirmed', 'failed', 'confirmed']);
    expect(again.submissions[1]?.errorMessage).toContain('Nicht beim E-Rezept-Fachdienst angekommen');
    expect(h.ops().slice(-2)).toEqual(['getBySecret', 'dispense']);
    expect(again.confirmedEntries).toEqual(corrected);
  });

  it('sends nothing while the earlier outcome cannot be reconciled', async () => {
    const draft = await accepted();
    await h.fail('dispense', 'after-timeout');
    await h.fail('getBySecret', 'network', 'network');
    await failureOf(h.workflow.submitDispense(ID1(), draft));
    const f = await failureOf(h.workflow.submitDispense(ID1(), draft.map((e) => ({ ...e, packs: 3 }))));
    expect(f.appError).toMatchObject({ system: 'network', retry: 'reconcile' });
    expect(dispenseCalls()).toHaveLength(1);
  });

  it('$close reconciles a pending $dispense first and then closes with the complete list', async () => {
    const draft = await accepted();
    await h.fail('dispense', 'after-timeout');
    await h.fail('getBySecret', 'network');
    await failureOf(h.workflow.submitDispense(ID1(), draft));
    const closed = await h.workflow.closeCase(ID1());
    expect(h.calls.at(-1)?.op).toBe('close');
    expect(itemsIn(h.calls.at(-1)?.body)).toBe(draft.length);
    expect(closed.status).toBe('closed');
    expect(closed.submissions.map((s) => [s.operation, s.state, s.withBody])).toEqual([
      ['dispense', 'confirmed', true],
      ['close', 'confirmed', true],
    ]);
  });
});

describe('close, lock and receipts', () => {
  it('locks the list after $close: read-only, confirmed list kept, receipt stored', async () => {
    const draft = await accepted();
    await h.workflow.submitDispense(ID1(), draft);
    const closed = await h.workflow.closeCase(ID1());
    expect(closed).toMatchObject({ readOnly: true, hasUnsentChanges: false, deadlineFindings: [], secretMissing: false });
    expect(closed.confirmedEntries).toEqual(draft);
    expect(closed.closeDeadline).toBeUndefined();
    expect((await failureOf(h.workflow.rejectCase(ID1()))).appError.code).toBe('state');
    expect(h.ops()).not.toContain('reject');
  });

  it('re-fetches the receipt with GET ?secret and stores it with the staff member', async () => {
    const draft = await accepted();
    await h.workflow.closeCase(ID1(), draft);
    await h.store.transaction(async () => h.store.receipts.save({ ...(await h.store.receipts.get(ID1()))!, bundleId: 'old' }));
    await h.settings.setStaff('CD');
    h.clock.set('2026-10-06T07:00:00Z');
    const detail = await h.workflow.refetchReceipt(ID1());
    expect(h.ops().at(-1)).toBe('getBySecret');
    expect(detail.receipt).toMatchObject({ bundleId: h.task(ID1()).receipt?.['id'], staff: 'CD', receivedAt: '2026-10-06T07:00:00.000Z' });
    expect((await h.store.audit.list(ID1())).at(-1)).toMatchObject({ operation: 'refetch-receipt', staff: 'CD', result: 'ok' });
  });

  it('refuses to fetch a receipt for a case that is not closed', async () => {
    await accepted();
    const f = await failureOf(h.workflow.refetchReceipt(ID1()));
    expect(f.appError.code).toBe('state');
    expect(f.appError.message).toContain('noch nicht abgeschlossen');
  });
});

describe('$reject and $abort (A_19241–A_19251)', () => {
  it('$reject: after success only PrescriptionID, status, times and staff remain; not found by name or KVNR', async () => {
    const draft = await accepted();
    const name = (await h.workflow.getCase(ID1())).patientName!;
    await h.workflow.submitDispense(ID1(), draft);
    await h.settings.setStaff('CD');
    const detail = await h.workflow.rejectCase(ID1());
    expect(h.task(ID1()).status).toBe('ready');
    expect(detail).toMatchObject({ status: 'rejected', readOnly: true, endedBy: 'CD', acceptedBy: 'AB', endedAt: '2026-10-05T08:00:00.000Z' });
    expect(detail.patientName).toBeUndefined();
    expect(detail.kvnr).toBeUndefined();
    expect(detail.prescription).toBeNull();
    expect(detail.draft).toBeNull();
    expect(detail.confirmedEntries).toBeNull();
    expect(detail.submissions[0]).toMatchObject({ state: 'confirmed', staff: 'AB', entries: [] });

    const record = (await h.store.cases.get(ID1()))!;
    expect([record.secret, record.accessCode, record.qes, record.prescriptionXml]).toEqual([undefined, undefined, undefined, undefined]);
    expect((await h.workflow.listCases(name)).cases).toEqual([]);
    expect((await h.workflow.listCases(p1.kvnr)).cases).toEqual([]);
    expect((await h.workflow.listCases(ID1())).cases.map((c) => c.status)).toEqual(['rejected']);
    expect((await h.workflow.listCases(undefined, 'ended')).cases.map((c) => c.prescriptionId)).toEqual([ID1()]);
    expect((await h.store.audit.list(ID1())).at(-1)).toMatchObject({ operation: 'reject', staff: 'CD', result: 'ok', httpStatus: 204 });
    expect(JSON.stringify(await h.store.audit.list(ID1()))).not.toContain(name);
  });

  it('erases nothing when the Fachdienst refuses or cannot be reached', async () => {
    await accepted();
    const name = (await h.workflow.getCase(ID1())).patientName;
    await h.fail('reject', 503);
    const f = await failureOf(h.workflow.rejectCase(ID1()));
    // a 503 does not prove the outcome: GET ?secret found the Task still in progress here
    expect(h.ops().slice(-2)).toEqual(['reject', 'getBySecret']);
    expect(f.appError).toMatchObject({ httpStatus: 503, system: 'fachdienst', code: 'state' });
    expect(f.appError.message).toContain('Das Rezept wurde nicht zurückgegeben');
    expect(f.appError.message).toContain('bitte erneut „Rezept zurückgeben“ wählen');
    // the technical detail has operation, status and time for support — never the Secret
    expect(f.appError.detail).toContain('$reject → HTTP 503');
    expect(f.appError.detail).toContain('2026-10-05T08:00:00.000Z');
    expect(JSON.stringify(f.appError)).not.toContain(h.task(ID1()).secret!);
    await h.fail('abort', 'network');
    await h.fail('getBySecret', 'network');
    const unknown = await failureOf(h.workflow.abortCase(ID1()));
    // neither the call nor the read got an answer: owed, the outcome unknown, nothing erased
    expect(unknown.appError).toMatchObject({ code: 'queued', retry: 'reconcile' });
    expect(await h.store.pendingOperations.pending()).toEqual([expect.objectContaining({ operation: 'abort', reason: 'outcome-unknown' })]);
    const record = (await h.store.cases.get(ID1()))!;
    expect(record.status).toBe('accepted');
    expect(record.secret).toBeDefined();
    expect(record.patientName).toBe(name);
    expect((await h.workflow.getCase(ID1())).draft).toHaveLength(1);
    expect(h.task(ID1()).status).toBe('in-progress');
  });

  it('$abort: the Task is cancelled, local data erased; a repeated $abort after a lost answer (410) completes the erasure', async () => {
    await accepted();
    await h.fail('abort', 'after-timeout');
    await h.fail('getBySecret', 'network');
    await failureOf(h.workflow.abortCase(ID1()));
    expect((await h.store.cases.get(ID1()))?.secret).toBeDefined();
    const detail = await h.workflow.abortCase(ID1());
    expect(h.task(ID1()).status).toBe('cancelled');
    expect(detail.status).toBe('aborted');
    expect((await h.store.cases.get(ID1()))?.secret).toBeUndefined();
    expect((await h.store.audit.list(ID1())).at(-1)).toMatchObject({ operation: 'abort', result: 'ok', httpStatus: 410 });
  });

  it('a repeated $reject after a lost answer finds the Task ready and completes the erasure', async () => {
    await accepted();
    await h.fail('reject', 'after-timeout');
    await h.fail('getBySecret', 'network');
    await failureOf(h.workflow.rejectCase(ID1()));
    const detail = await h.workflow.rejectCase(ID1());
    expect(detail.status).toBe('rejected');
    expect(h.ops().filter((op) => op === 'reject')).toHaveLength(2);
    expect(h.task(ID1()).status).toBe('ready');
  });

  describe.each([
    ['reject', 'rejectCase', 'rejected', 403],
    ['abort', 'abortCase', 'aborted', 410],
  ] as const)('$%s whose answer does not prove the outcome', (op, call, ended, readStatus) => {
    it.each(['after-500', 'after-502', 'after-504', 'after-timeout'] as const)('%s: GET ?secret (%#) finds it done — erased, no second call', async (fault) => {
      await accepted();
      await h.fail(op, fault);
      const detail = await h.workflow[call](ID1());
      expect(detail.status).toBe(ended);
      expect(h.ops().filter((o) => o === op)).toHaveLength(1);
      expect(h.ops().at(-1)).toBe('getBySecret');
      expect((await h.store.cases.get(ID1()))?.secret).toBeUndefined();
      expect((await h.store.audit.list(ID1())).map((a) => [a.operation, a.result])).toEqual(
        expect.arrayContaining([[op, 'unknown'], [`reconcile-${op}`, 'ok'], [op, 'ok']]),
      );
      expect((await h.store.audit.list(ID1())).find((a) => a.operation === `reconcile-${op}`)?.httpStatus).toBe(readStatus);
      const [journal] = await h.store.pendingOperations.listForDisplay();
      expect(journal).toMatchObject({ operation: op, state: 'done', message: expect.stringContaining('Abgleich') });
    });

    it('a 500 before the commit: GET ?secret finds it in progress — nothing erased, not sent again, the pharmacist is asked', async () => {
      await accepted();
      const name = (await h.workflow.getCase(ID1())).patientName;
      await h.fail(op, 500);
      const f = await failureOf(h.workflow[call](ID1()));
      expect(f.appError.message).toMatch(/wurde nicht (zurückgegeben|gelöscht)/);
      expect(h.ops().filter((o) => o === op)).toHaveLength(1);
      expect(await h.store.cases.get(ID1())).toMatchObject({ status: 'accepted', patientName: name });
      expect(await h.store.pendingOperations.pending()).toHaveLength(0);
      expect(h.task(ID1()).status).toBe('in-progress');
    });

    it('the read gets no answer either: owed; the runner reads again later and never resends', async () => {
      await accepted();
      await h.fail(op, 'after-500');
      await h.fail('getBySecret', 'network');
      const f = await failureOf(h.workflow[call](ID1()));
      expect(f.appError).toMatchObject({ code: 'queued', retry: 'reconcile' });
      expect((await h.store.cases.get(ID1()))?.secret).toBeDefined();
      const listed = await h.workflow.resumePendingOperations();
      expect(listed.find((o) => o.operation === op)).toMatchObject({ state: 'done' });
      expect(h.ops().filter((o) => o === op)).toHaveLength(1);
      expect((await h.store.cases.get(ID1()))?.status).toBe(ended);
      expect((await h.store.cases.get(ID1()))?.secret).toBeUndefined();
    });
  });

  it('requires a staff member', async () => {
    await accepted();
    await h.settings.setStaff('');
    for (const call of [h.workflow.rejectCase(ID1()), h.workflow.abortCase(ID1()), h.workflow.refetchReceipt(ID1()), h.workflow.recoverSecret(ID1())]) {
      expect((await failureOf(call)).appError.code).toBe('staff-required');
    }
    expect(h.ops().filter((op) => op !== 'accept')).toHaveLength(0);
  });
});

describe('secret recovery (spec §3.3)', () => {
  const dropSecret = async (id: PrescriptionId): Promise<void> => h.store.cases.save({ ...(await h.store.cases.get(id))!, secret: undefined });

  it('a case without Secret offers recovery; GET ?ac restores it and keeps status and history', async () => {
    const draft = await accepted();
    await h.workflow.submitDispense(ID1(), draft);
    await dropSecret(ID1());
    const missing = await h.workflow.getCase(ID1());
    expect(missing.secretMissing).toBe(true);
    const f = await failureOf(h.workflow.submitDispense(ID1(), draft.map((e) => ({ ...e, packs: 3 }))));
    expect(f.appError.message).toContain('Verordnung erneut abrufen');

    const recovered = await h.workflow.recoverSecret(ID1());
    expect(h.ops().at(-1)).toBe('getByAc');
    expect(recovered).toMatchObject({ secretMissing: false, status: 'dispensed' });
    expect(recovered.submissions).toHaveLength(1);
    expect((await h.store.cases.get(ID1()))?.secret).toBe(h.task(ID1()).secret);
  });

  it('re-scanning a held case without Secret opens it and restores the Secret with the scanned AccessCode', async () => {
    await accepted();
    await dropSecret(ID1());
    const { results } = await h.workflow.scanCode(p1.token);
    expect(results[0]).toMatchObject({ ok: true, outcome: 'existing' });
    expect(h.ops().filter((op) => op === 'accept')).toHaveLength(1);
    expect((await h.store.cases.get(ID1()))?.secret).toBe(h.task(ID1()).secret);
  });

  it('without a stored AccessCode it asks for a new scan', async () => {
    await accepted();
    await h.store.cases.save({ ...(await h.store.cases.get(ID1()))!, secret: undefined, accessCode: undefined });
    const f = await failureOf(h.workflow.recoverSecret(ID1()));
    expect(f.appError.message).toContain('erneut scannen');
  });
});

describe('deadlines (A_23798, A_23800, spec §9.4)', () => {
  it('warns after the Belieferungsfrist and blocks after the Einlösefrist, by the German date', async () => {
    await accepted();
    expect((await h.workflow.getCase(ID1())).deadlineFindings).toEqual([]);
    // signed 1 Oct: acceptDate 2026-10-29; 30 Oct 00:30 in Berlin (CET after 25 Oct) is 29 Oct 23:30 UTC
    h.clock.set('2026-10-29T22:30:00Z');
    expect((await h.workflow.getCase(ID1())).deadlineFindings).toEqual([]);
    h.clock.set('2026-10-29T23:30:00Z');
    expect((await h.workflow.getCase(ID1())).deadlineFindings).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'DEADLINE_ACCEPT_DATE_PASSED' }),
    ]);
    // expiryDate 2027-01-01
    h.clock.set('2027-01-02T09:00:00Z');
    const [finding] = (await h.workflow.getCase(ID1())).deadlineFindings;
    expect(finding).toMatchObject({ severity: 'error', code: 'DEADLINE_EXPIRED' });
    expect(finding?.message).toContain('01.01.2027');
  });

  it('a sent but not closed case must be closed by the end of the next working day after the last handover', async () => {
    const [base] = await accepted();
    // handed over Friday 9 Oct → Monday 12 Oct
    h.clock.set('2026-10-09T08:00:00Z');
    await h.workflow.submitDispense(ID1(), [{ ...base!, whenHandedOver: '2026-10-05', overrides: [MORE_PACKS] }, { ...base!, key: 'x', whenHandedOver: '2026-10-09' }]);
    h.clock.set('2026-10-10T08:00:00Z');
    const [open] = (await h.workflow.listCases(undefined, 'to-close')).cases;
    expect(open).toMatchObject({ prescriptionId: ID1(), closeDeadline: '2026-10-12', closeDeadlineState: 'open' });
    h.clock.set('2026-10-12T21:00:00Z');
    expect((await h.workflow.listCases(undefined, 'to-close')).cases[0]?.closeDeadlineState).toBe('due-today');
    h.clock.set('2026-10-12T22:30:00Z');
    expect((await h.workflow.listCases(undefined, 'to-close')).cases[0]?.closeDeadlineState).toBe('overdue');
  });

  it('accepted-only and closed cases carry no closing deadline; filters separate them', async () => {
    await accepted();
    const draft2 = await accepted(p2);
    await h.workflow.closeCase(p2.id, draft2);
    const all = (await h.workflow.listCases()).cases;
    expect(all.every((c) => c.closeDeadline === undefined)).toBe(true);
    expect((await h.workflow.listCases(undefined, 'closed')).cases.map((c) => c.prescriptionId)).toEqual([p2.id]);
    expect((await h.workflow.listCases(undefined, 'open')).cases.map((c) => c.prescriptionId)).toEqual([ID1()]);
    expect((await h.workflow.listCases(undefined, 'to-close')).cases).toEqual([]);
  });
});

describe('patient preview', () => {
  it('shows medication, packs, batch, handover date and the dosage the patient will see; nothing is sent', async () => {
    const [base] = await accepted();
    const prescription = (await h.workflow.getCase(ID1())).prescription!;
    if (prescription.medication.kind !== 'pzn') throw new Error('the harness prescribes a PZN medication');
    const dosage = prescription.request.dosageText;
    expect(dosage).toEqual(expect.any(String));
    const callsBefore = h.calls.length;
    const view = await h.workflow.previewPatientView(ID1(), [
      { ...base!, packs: 1, batch: { lot: 'X1', expiry: '2028-01-31' } },
      { ...base!, key: 'b', packs: 2, dosageText: 'bei Bedarf 1 Tablette' },
    ]);
    expect(view.pharmacyName).toBe('Demo-Apotheke am Markt');
    expect(view.items).toEqual([
      expect.objectContaining({
        medication: prescription.medication.name,
        pzn: prescription.medication.pzn,
        packSize: prescription.medication.amount,
        packs: 1,
        batch: 'X1',
        batchExpiry: '2028-01-31',
        whenHandedOver: '2026-10-05',
        dosage,
        dosageSource: 'prescription',
      }),
      expect.objectContaining({ packs: 2, dosage: 'bei Bedarf 1 Tablette', dosageSource: 'dispense' }),
    ]);
    expect(h.calls.length).toBe(callsBefore);
    expect((await h.workflow.previewPatientView(ID1())).items).toHaveLength(1);
  });
});
