/**
 * Issue 5 rules of the workflow with fakes (architecture §9.5): versions and the "unchanged list is not sent"
 * rule, reconciling lost $dispense answers, $close with/without body, receipt refetch, $reject/$abort with local
 * erasure (A_19251), secret recovery (spec §3.3), deadlines (A_23798/A_23800, spec §9.4) and the patient preview.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import { createWorkflowHarness, prescriptionView, type WorkflowHarness } from './testing';
import { failureOf } from '../testing';

const ID1 = '160.000.000.000.001.54' as PrescriptionId;
const ID2 = '160.000.000.000.000.57' as PrescriptionId;
const AC1 = '1'.repeat(64);
const AC2 = '2'.repeat(64);
const token = (id: string, ac: string) => `Task/${id}/$accept?ac=${ac}`;

let h: WorkflowHarness;

beforeEach(() => {
  // Monday 5 Oct 2026, 10:00 in Berlin
  h = createWorkflowHarness('2026-10-05T08:00:00Z');
  h.fd.addTask(ID1, AC1);
  h.fd.addTask(ID2, AC2, { kvnr: 'K220635158' });
});
afterEach(() => h.store.close());


async function accepted(id = ID1, ac = AC1): Promise<DispenseEntry[]> {
  const { results } = await h.workflow.scanCode(token(id, ac));
  expect(results[0]?.ok).toBe(true);
  return (await h.workflow.getCase(id)).draft ?? [];
}

const threeEntries = (base: DispenseEntry): DispenseEntry[] => [
  { ...base, key: 'a', packs: 1, batch: { lot: 'LOT-A', expiry: '2028-01-31' } },
  { ...base, key: 'b', packs: 1, batch: { lot: 'LOT-B', expiry: '2028-02-29' } },
  { ...base, key: 'c', packs: 2, batch: { lot: 'LOT-C', expiry: '2028-03-31' } },
];

const dispenseCalls = () => h.fd.calls.filter((c) => c.op === 'dispense');

describe('versions and corrections (issue 5 item 5)', () => {
  it('keeps every submission as a numbered version with staff, entries and answer; the confirmed list is the last one', async () => {
    const [base] = await accepted();
    const first = threeEntries(base!);
    const sent = await h.workflow.submitDispense(ID1, first);
    expect(sent.outcome).toBe('sent');
    expect(sent.confirmedEntries).toEqual(first);
    expect(sent.hasUnsentChanges).toBe(false);

    h.settings.setStaff('CD');
    h.clock.set('2026-10-05T09:00:00Z');
    const corrected = first.map((e) => (e.key === 'b' ? { ...e, packs: 3 } : e));
    const again = await h.workflow.submitDispense(ID1, corrected);
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
  });

  it('does not send a list equal to the last confirmed one again (each $dispense notifies the patient)', async () => {
    const draft = await accepted();
    await h.workflow.submitDispense(ID1, draft);
    const again = await h.workflow.submitDispense(ID1, structuredClone(draft));
    expect(again.outcome).toBe('unchanged');
    expect(again.notice).toContain('Version 1');
    expect(again.notice).toContain('nichts gesendet');
    expect(again.submissions).toHaveLength(1);
    expect(dispenseCalls()).toHaveLength(1);
  });

  it('an unchanged list after a failed correction is still compared with the confirmed one, not the failed one', async () => {
    const draft = await accepted();
    await h.workflow.submitDispense(ID1, draft);
    h.fd.failures.dispense = [400];
    await failureOf(h.workflow.submitDispense(ID1, draft.map((e) => ({ ...e, packs: 1 }))));
    const back = await h.workflow.submitDispense(ID1, draft);
    expect(back.outcome).toBe('unchanged');
  });

  it('flags unsent changes in the inbox when the saved draft differs from the confirmed list', async () => {
    const draft = await accepted();
    expect((await h.workflow.listCases()).cases[0]?.hasUnsentChanges).toBe(true);
    await h.workflow.submitDispense(ID1, draft);
    expect((await h.workflow.listCases()).cases[0]?.hasUnsentChanges).toBe(false);
    await h.workflow.saveDraft(ID1, draft.map((e) => ({ ...e, packs: 5 })));
    expect((await h.workflow.listCases()).cases[0]?.hasUnsentChanges).toBe(true);
    await h.workflow.saveDraft(ID1, draft);
    expect((await h.workflow.listCases()).cases[0]?.hasUnsentChanges).toBe(false);
  });
});

describe('lost $dispense answers are reconciled, not refused', () => {
  it('a $dispense that arrived but whose answer was lost is confirmed through GET ?secret right away', async () => {
    const draft = await accepted();
    h.fd.failures.dispense = ['after-timeout'];
    const detail = await h.workflow.submitDispense(ID1, draft);
    expect(h.fd.calls.map((c) => c.op).slice(-2)).toEqual(['dispense', 'getBySecret']);
    expect(detail.status).toBe('dispensed');
    expect(detail.submissions[0]?.state).toBe('confirmed');
    expect(detail.outcomeUnknown).toBe(false);
  });

  it('stays pending when the Fachdienst cannot be asked; the same list later is reconciled instead of resent', async () => {
    const draft = await accepted();
    h.fd.failures.dispense = ['after-timeout'];
    h.fd.failures.getBySecret = ['network'];
    const f = await failureOf(h.workflow.submitDispense(ID1, draft));
    expect(f.appError.retry).toBe('reconcile');
    expect(f.appError.message).toContain('unklar');
    expect(h.store.pendingOperations.pending()).toMatchObject([{ operation: 'dispense', reason: 'outcome-unknown' }]);
    const pending = await h.workflow.getCase(ID1);
    expect(pending.outcomeUnknown).toBe(true);
    expect(pending.submissions[0]?.state).toBe('pending');

    const again = await h.workflow.submitDispense(ID1, draft);
    expect(again.outcome).toBe('reconciled');
    expect(again.notice).toContain('nicht noch einmal gesendet');
    expect(dispenseCalls()).toHaveLength(1);
    expect(again.submissions).toHaveLength(1);
    expect(again.status).toBe('dispensed');
  });

  it('resends when lastMedicationDispense is older than the pending attempt (it never arrived)', async () => {
    const draft = await accepted();
    const corrected = draft.map((e) => ({ ...e, packs: 1 }));
    await h.workflow.submitDispense(ID1, draft);
    h.clock.set('2026-10-05T08:05:00Z');
    h.fd.failures.dispense = ['timeout'];
    h.fd.failures.getBySecret = ['network'];
    await failureOf(h.workflow.submitDispense(ID1, corrected));

    h.clock.set('2026-10-05T08:10:00Z');
    const again = await h.workflow.submitDispense(ID1, corrected);
    expect(again.outcome).toBe('sent');
    expect(again.submissions.map((s) => s.state)).toEqual(['confirmed', 'failed', 'confirmed']);
    expect(again.submissions[1]?.errorMessage).toContain('Nicht beim E-Rezept-Fachdienst angekommen');
    expect(h.fd.calls.map((c) => c.op).slice(-2)).toEqual(['getBySecret', 'dispense']);
    expect(again.confirmedEntries).toEqual(corrected);
  });

  it('sends nothing while the earlier outcome cannot be reconciled', async () => {
    const draft = await accepted();
    h.fd.failures.dispense = ['after-timeout'];
    h.fd.failures.getBySecret = ['network', 'network'];
    await failureOf(h.workflow.submitDispense(ID1, draft));
    const f = await failureOf(h.workflow.submitDispense(ID1, draft.map((e) => ({ ...e, packs: 1 }))));
    expect(f.appError).toMatchObject({ system: 'network', retry: 'reconcile' });
    expect(dispenseCalls()).toHaveLength(1);
  });

  it('$close reconciles a pending $dispense first and then closes with the complete list', async () => {
    const draft = await accepted();
    h.fd.failures.dispense = ['after-timeout'];
    h.fd.failures.getBySecret = ['network'];
    await failureOf(h.workflow.submitDispense(ID1, draft));
    const closed = await h.workflow.closeCase(ID1);
    expect(h.fd.calls.at(-1)).toMatchObject({ op: 'close', body: { operation: 'close', count: draft.length } });
    expect(closed.status).toBe('closed');
    expect(closed.submissions.map((s) => [s.operation, s.state, s.withBody])).toEqual([
      ['dispense', 'confirmed', true],
      ['close', 'confirmed', true],
    ]);
  });
});

describe('close, lock and receipts (issue 5 item 6)', () => {
  it('locks the list after $close: read-only, confirmed list kept, receipt stored', async () => {
    const draft = await accepted();
    await h.workflow.submitDispense(ID1, draft);
    const closed = await h.workflow.closeCase(ID1);
    expect(closed).toMatchObject({ readOnly: true, hasUnsentChanges: false, deadlineFindings: [], secretMissing: false });
    expect(closed.confirmedEntries).toEqual(draft);
    expect(closed.closeDeadline).toBeUndefined();
    expect((await failureOf(h.workflow.rejectCase(ID1))).appError.code).toBe('state');
    expect(h.fd.calls.some((c) => c.op === 'reject')).toBe(false);
  });

  it('re-fetches the receipt with GET ?secret and stores it with the staff member', async () => {
    const draft = await accepted();
    await h.workflow.closeCase(ID1, draft);
    h.store.transaction(() => h.store.receipts.save({ ...h.store.receipts.get(ID1)!, bundleId: 'old' }));
    h.settings.setStaff('CD');
    h.clock.set('2026-10-06T07:00:00Z');
    const detail = await h.workflow.refetchReceipt(ID1);
    expect(h.fd.calls.at(-1)?.op).toBe('getBySecret');
    expect(detail.receipt).toMatchObject({ bundleId: `receipt-${ID1}`, staff: 'CD', receivedAt: '2026-10-06T07:00:00.000Z' });
    expect(h.store.audit.list(ID1).at(-1)).toMatchObject({ operation: 'refetch-receipt', staff: 'CD', result: 'ok' });
  });

  it('refuses to fetch a receipt for a case that is not closed', async () => {
    await accepted();
    const f = await failureOf(h.workflow.refetchReceipt(ID1));
    expect(f.appError.code).toBe('state');
    expect(f.appError.message).toContain('noch nicht abgeschlossen');
  });
});

describe('$reject and $abort (issue 5 item 7, A_19241–A_19251)', () => {
  it('$reject: after success only PrescriptionID, status, times and staff remain; not found by name or KVNR', async () => {
    const draft = await accepted();
    await h.workflow.submitDispense(ID1, draft);
    h.settings.setStaff('CD');
    const detail = await h.workflow.rejectCase(ID1);
    expect(h.fd.tasks.get(ID1)?.status).toBe('ready');
    expect(detail).toMatchObject({ status: 'rejected', readOnly: true, endedBy: 'CD', acceptedBy: 'AB', endedAt: '2026-10-05T08:00:00.000Z' });
    expect(detail.patientName).toBeUndefined();
    expect(detail.kvnr).toBeUndefined();
    expect(detail.prescription).toBeNull();
    expect(detail.draft).toBeNull();
    expect(detail.confirmedEntries).toBeNull();
    expect(detail.submissions[0]).toMatchObject({ state: 'confirmed', staff: 'AB', entries: [] });

    const record = h.store.cases.get(ID1)!;
    expect([record.secret, record.accessCode, record.qes, record.prescriptionXml]).toEqual([undefined, undefined, undefined, undefined]);
    expect((await h.workflow.listCases('Mustermann')).cases).toEqual([]);
    expect((await h.workflow.listCases('X110411675')).cases).toEqual([]);
    expect((await h.workflow.listCases(ID1)).cases.map((c) => c.status)).toEqual(['rejected']);
    expect((await h.workflow.listCases(undefined, 'ended')).cases.map((c) => c.prescriptionId)).toEqual([ID1]);
    expect(h.store.audit.list(ID1).at(-1)).toMatchObject({ operation: 'reject', staff: 'CD', result: 'ok', httpStatus: 204 });
    expect(JSON.stringify(h.store.audit.list(ID1))).not.toContain('Mustermann');
  });

  it('erases nothing when the Fachdienst refuses or cannot be reached', async () => {
    await accepted();
    h.fd.failures.reject = [503];
    const f = await failureOf(h.workflow.rejectCase(ID1));
    // a 503 does not prove the outcome (issue 13): GET ?secret found the Task still in progress here
    expect(h.fd.calls.slice(-2).map((c) => c.op)).toEqual(['reject', 'getBySecret']);
    expect(f.appError).toMatchObject({ httpStatus: 503, system: 'fachdienst', code: 'state' });
    expect(f.appError.message).toContain('Das Rezept wurde nicht zurückgegeben');
    expect(f.appError.message).toContain('bitte erneut „Rezept zurückgeben“ wählen');
    // item 8: the technical detail has operation, status and time for support — never the Secret
    expect(f.appError.detail).toContain('$reject → HTTP 503');
    expect(f.appError.detail).toContain('2026-10-05T08:00:00.000Z');
    expect(JSON.stringify(f.appError)).not.toContain(h.fd.tasks.get(ID1)!.secret!);
    h.fd.failures.abort = ['network'];
    h.fd.failures.getBySecret = ['network'];
    const unknown = await failureOf(h.workflow.abortCase(ID1));
    // neither the call nor the read got an answer: owed, the outcome unknown, nothing erased
    expect(unknown.appError).toMatchObject({ code: 'queued', retry: 'reconcile' });
    expect(h.store.pendingOperations.pending()).toEqual([expect.objectContaining({ operation: 'abort', reason: 'outcome-unknown' })]);
    const record = h.store.cases.get(ID1)!;
    expect(record.status).toBe('accepted');
    expect(record.secret).toBeDefined();
    expect(record.patientName).toBe('Erika Mustermann');
    expect((await h.workflow.getCase(ID1)).draft).toHaveLength(1);
  });

  it('$abort: the Task is cancelled, local data erased; a repeated $abort after a lost answer (410) completes the erasure', async () => {
    await accepted();
    h.fd.failures.abort = ['after-timeout'];
    h.fd.failures.getBySecret = ['network'];
    await failureOf(h.workflow.abortCase(ID1));
    expect(h.store.cases.get(ID1)?.secret).toBeDefined();
    const detail = await h.workflow.abortCase(ID1);
    expect(h.fd.tasks.get(ID1)?.status).toBe('cancelled');
    expect(detail.status).toBe('aborted');
    expect(h.store.cases.get(ID1)?.secret).toBeUndefined();
    expect(h.store.audit.list(ID1).at(-1)).toMatchObject({ operation: 'abort', result: 'ok', httpStatus: 410 });
  });

  it('a repeated $reject after a lost answer finds the Task ready and completes the erasure', async () => {
    await accepted();
    h.fd.failures.reject = ['after-timeout'];
    h.fd.failures.getBySecret = ['network'];
    await failureOf(h.workflow.rejectCase(ID1));
    const detail = await h.workflow.rejectCase(ID1);
    expect(detail.status).toBe('rejected');
  });

  describe.each([
    ['reject', 'rejectCase', 'rejected', 403],
    ['abort', 'abortCase', 'aborted', 410],
  ] as const)('$%s whose answer does not prove the outcome (issue 13)', (op, call, ended, readStatus) => {
    it.each(['after-500', 'after-502', 'after-504', 'after-timeout'] as const)('%s: GET ?secret (%#) finds it done — erased, no second call', async (fault) => {
      await accepted();
      h.fd.failures[op] = [fault];
      const detail = await h.workflow[call](ID1);
      expect(detail.status).toBe(ended);
      expect(h.fd.calls.filter((c) => c.op === op)).toHaveLength(1);
      expect(h.fd.calls.at(-1)?.op).toBe('getBySecret');
      expect(h.store.cases.get(ID1)?.secret).toBeUndefined();
      expect(h.store.audit.list(ID1).map((a) => [a.operation, a.result])).toEqual(
        expect.arrayContaining([[op, 'unknown'], [`reconcile-${op}`, 'ok'], [op, 'ok']]),
      );
      expect(h.store.audit.list(ID1).find((a) => a.operation === `reconcile-${op}`)?.httpStatus).toBe(readStatus);
      const [journal] = h.store.pendingOperations.listForDisplay();
      expect(journal).toMatchObject({ operation: op, state: 'done', message: expect.stringContaining('Abgleich') });
    });

    it('a 500 before the commit: GET ?secret finds it in progress — nothing erased, not sent again, the pharmacist is asked', async () => {
      await accepted();
      h.fd.failures[op] = [500];
      const f = await failureOf(h.workflow[call](ID1));
      expect(f.appError.message).toMatch(/wurde nicht (zurückgegeben|gelöscht)/);
      expect(h.fd.calls.filter((c) => c.op === op)).toHaveLength(1);
      expect(h.store.cases.get(ID1)).toMatchObject({ status: 'accepted', patientName: 'Erika Mustermann' });
      expect(h.store.pendingOperations.pending()).toHaveLength(0);
    });

    it('the read gets no answer either: owed; the runner reads again later and never resends', async () => {
      await accepted();
      h.fd.failures[op] = ['after-500'];
      h.fd.failures.getBySecret = ['network'];
      const f = await failureOf(h.workflow[call](ID1));
      expect(f.appError).toMatchObject({ code: 'queued', retry: 'reconcile' });
      expect(h.store.cases.get(ID1)?.secret).toBeDefined();
      const listed = await h.workflow.resumePendingOperations();
      expect(listed.find((o) => o.operation === op)).toMatchObject({ state: 'done' });
      expect(h.fd.calls.filter((c) => c.op === op)).toHaveLength(1);
      expect(h.store.cases.get(ID1)?.status).toBe(ended);
      expect(h.store.cases.get(ID1)?.secret).toBeUndefined();
    });
  });

  it('requires a staff member', async () => {
    await accepted();
    h.settings.setStaff('');
    for (const call of [h.workflow.rejectCase(ID1), h.workflow.abortCase(ID1), h.workflow.refetchReceipt(ID1), h.workflow.recoverSecret(ID1)]) {
      expect((await failureOf(call)).appError.code).toBe('staff-required');
    }
    expect(h.fd.calls.filter((c) => c.op !== 'accept')).toHaveLength(0);
  });
});

describe('secret recovery (spec §3.3)', () => {
  const dropSecret = (id: PrescriptionId) => h.store.cases.save({ ...h.store.cases.get(id)!, secret: undefined });

  it('a case without Secret offers recovery; GET ?ac restores it and keeps status and history', async () => {
    const draft = await accepted();
    await h.workflow.submitDispense(ID1, draft);
    dropSecret(ID1);
    const missing = await h.workflow.getCase(ID1);
    expect(missing.secretMissing).toBe(true);
    const f = await failureOf(h.workflow.submitDispense(ID1, draft.map((e) => ({ ...e, packs: 1 }))));
    expect(f.appError.message).toContain('Verordnung erneut abrufen');

    const recovered = await h.workflow.recoverSecret(ID1);
    expect(h.fd.calls.at(-1)?.op).toBe('getByAc');
    expect(recovered).toMatchObject({ secretMissing: false, status: 'dispensed' });
    expect(recovered.submissions).toHaveLength(1);
    expect(h.store.cases.get(ID1)?.secret).toBe(h.fd.tasks.get(ID1)?.secret);
  });

  it('re-scanning a held case without Secret opens it and restores the Secret with the scanned AccessCode', async () => {
    await accepted();
    dropSecret(ID1);
    const { results } = await h.workflow.scanCode(token(ID1, AC1));
    expect(results[0]).toMatchObject({ ok: true, outcome: 'existing' });
    expect(h.fd.calls.filter((c) => c.op === 'accept')).toHaveLength(1);
    expect(h.store.cases.get(ID1)?.secret).toBe(h.fd.tasks.get(ID1)?.secret);
  });

  it('without a stored AccessCode it asks for a new scan', async () => {
    await accepted();
    h.store.cases.save({ ...h.store.cases.get(ID1)!, secret: undefined, accessCode: undefined });
    const f = await failureOf(h.workflow.recoverSecret(ID1));
    expect(f.appError.message).toContain('erneut scannen');
  });
});

describe('deadlines (A_23798, A_23800, spec §9.4)', () => {
  it('warns after the Belieferungsfrist and blocks after the Einlösefrist, by the German date', async () => {
    await accepted();
    expect((await h.workflow.getCase(ID1)).deadlineFindings).toEqual([]);
    // acceptDate 2026-10-29: 30 Oct 00:30 in Berlin (CET after 25 Oct) is 29 Oct 23:30 UTC
    h.clock.set('2026-10-29T22:30:00Z');
    expect((await h.workflow.getCase(ID1)).deadlineFindings).toEqual([]);
    h.clock.set('2026-10-29T23:30:00Z');
    expect((await h.workflow.getCase(ID1)).deadlineFindings).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'DEADLINE_ACCEPT_DATE_PASSED' }),
    ]);
    h.clock.set('2027-01-01T09:00:00Z');
    const [finding] = (await h.workflow.getCase(ID1)).deadlineFindings;
    expect(finding).toMatchObject({ severity: 'error', code: 'DEADLINE_EXPIRED' });
    expect(finding?.message).toContain('31.12.2026');
  });

  it('a sent but not closed case must be closed by the end of the next working day after the last handover', async () => {
    const [base] = await accepted();
    // handed over Friday 9 Oct → Monday 12 Oct
    await h.workflow.submitDispense(ID1, [{ ...base!, whenHandedOver: '2026-10-05' }, { ...base!, key: 'x', whenHandedOver: '2026-10-09' }]);
    h.clock.set('2026-10-10T08:00:00Z');
    const [open] = (await h.workflow.listCases(undefined, 'to-close')).cases;
    expect(open).toMatchObject({ prescriptionId: ID1, closeDeadline: '2026-10-12', closeDeadlineState: 'open' });
    h.clock.set('2026-10-12T21:00:00Z');
    expect((await h.workflow.listCases(undefined, 'to-close')).cases[0]?.closeDeadlineState).toBe('due-today');
    h.clock.set('2026-10-12T22:30:00Z');
    expect((await h.workflow.listCases(undefined, 'to-close')).cases[0]?.closeDeadlineState).toBe('overdue');
  });

  it('accepted-only and closed cases carry no closing deadline; filters separate them', async () => {
    await accepted();
    const draft2 = await accepted(ID2, AC2);
    await h.workflow.closeCase(ID2, draft2);
    const all = (await h.workflow.listCases()).cases;
    expect(all.every((c) => c.closeDeadline === undefined)).toBe(true);
    expect((await h.workflow.listCases(undefined, 'closed')).cases.map((c) => c.prescriptionId)).toEqual([ID2]);
    expect((await h.workflow.listCases(undefined, 'open')).cases.map((c) => c.prescriptionId)).toEqual([ID1]);
    expect((await h.workflow.listCases(undefined, 'to-close')).cases).toEqual([]);
  });
});

describe('patient preview', () => {
  it('shows medication, packs, batch, handover date and the dosage the patient will see; nothing is sent', async () => {
    h.codecs.options.prescription = prescriptionView({ request: { quantity: 1, autIdemExcluded: false, noctu: false, dosageText: '1-0-1' } });
    const [base] = await accepted();
    const callsBefore = h.fd.calls.length;
    const view = await h.workflow.previewPatientView(ID1, [
      { ...base!, batch: { lot: 'X1', expiry: '2028-01-31' } },
      { ...base!, key: 'b', packs: 2, dosageText: 'bei Bedarf 1 Tablette' },
    ]);
    expect(view.pharmacyName).toBe('Demo-Apotheke am Markt');
    expect(view.items).toEqual([
      expect.objectContaining({ medication: 'Sumatriptan-1a Pharma 100 mg Tabletten', pzn: '06313728', packSize: '20 St', packs: 1, batch: 'X1', batchExpiry: '2028-01-31', whenHandedOver: '2026-10-05', dosage: '1-0-1', dosageSource: 'prescription' }),
      expect.objectContaining({ packs: 2, dosage: 'bei Bedarf 1 Tablette', dosageSource: 'dispense' }),
    ]);
    expect(h.fd.calls.length).toBe(callsBefore);
    expect((await h.workflow.previewPatientView(ID1)).items).toHaveLength(1);
  });
});
