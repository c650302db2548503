/**
 * Operations owed to the Fachdienst, against the simulator (simulator-harness.ts): written before the call,
 * reconciled after a lost answer (GET ?ac / GET ?secret), queued on an outage (A_23815) and on 429 (one hour,
 * A_25460), resumed by the runner, cancellable only while queued, and erased with the case ($reject, A_19251).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import { AppFailure } from '../errors';
import { PHARMACY_B } from '../simulator/test-kit';
import { failureOf } from '../testing';
import { createSimulatorHarness, type Prescribed, type SimulatorHarness } from './simulator-harness';

let h: SimulatorHarness;
let p1: Prescribed;
let ID1: Prescribed['id'];
let AC1: Prescribed['accessCode'];
let TOKEN1: string;

beforeEach(async () => {
  h = await createSimulatorHarness('2026-10-05T08:00:00Z');
  p1 = await h.prescribe();
  ({ id: ID1, accessCode: AC1, token: TOKEN1 } = p1);
});
afterEach(() => h.close());

const accepted = (): Promise<DispenseEntry[]> => h.accept(p1);

const ops = (name: string) => h.ops().filter((op) => op === name);
const owed = () => h.store.pendingOperations.pending();
const minutes = (n: number) => h.clock.set(new Date(h.clock.now().getTime() + n * 60_000).toISOString());

describe('$accept: lost answer → GET ?ac; 412 → one new $accept', () => {
  it('a plain success leaves nothing owed and nothing to report', async () => {
    await accepted();
    expect(await h.store.pendingOperations.listForDisplay()).toEqual([]);
  });

  it('the AccessCode is in the store while the $accept is in flight (a crash then loses nothing)', async () => {
    let during: unknown;
    h.hooks.accept = async () => {
      during = await owed();
    };
    await accepted();
    expect(during).toMatchObject([{ operation: 'accept', prescriptionId: ID1, accessCode: AC1, reason: 'outcome-unknown' }]);
  });

  it('answer lost after the Fachdienst committed: GET ?ac answers 200 and the Secret is stored, no second $accept', async () => {
    await h.fail('accept', 'after-timeout');
    const { results } = await h.workflow.scanCode(TOKEN1);
    expect(results[0]).toMatchObject({ ok: true, outcome: 'accepted' });
    expect(h.ops()).toEqual(['accept', 'getByAc']);
    expect((await h.store.cases.get(ID1))?.secret).toBe(h.task(ID1).secret);
    expect((await h.workflow.listPendingOperations())[0]).toMatchObject({ state: 'done', message: expect.stringContaining('Antwort war verloren') });
  });

  it('412 then 409: another pharmacy claimed it meanwhile — reported, nothing stored, nothing owed', async () => {
    // another pharmacy holds it, and our $accept gets no answer: the read says 412 (not ours), the new $accept 409
    await h.sim.accept({ taskId: ID1, accessCode: AC1, kvnr: p1.kvnr, token: TOKEN1, dataMatrix: '' }, PHARMACY_B);
    await h.fail('accept', 'timeout');
    const { results } = await h.workflow.scanCode(TOKEN1);
    expect(h.ops()).toEqual(['accept', 'getByAc', 'accept']);
    expect(results[0]).toMatchObject({ ok: false, error: { httpStatus: 409 } });
    expect(await h.store.cases.get(ID1)).toBeUndefined();
    expect(await owed()).toEqual([]);
    expect((await h.workflow.listPendingOperations())[0]).toMatchObject({ state: 'failed', operation: 'accept' });
  });

  it('429: queued for an hour; scanning again before then asks nothing, afterwards the claim succeeds', async () => {
    await h.fail('accept', 429);
    const first = await h.workflow.scanCode(TOKEN1);
    expect(first.results[0]).toMatchObject({ ok: false, error: { code: 'queued', retry: 'hourly', httpStatus: 429 } });
    expect((await owed())[0]).toMatchObject({ reason: 'rate-limited', notBefore: '2026-10-05T09:00:00.000Z' });

    minutes(30);
    const early = await h.workflow.scanCode(TOKEN1);
    expect(early.results[0]).toMatchObject({ ok: false, error: { code: 'queued' } });
    await h.workflow.resumePendingOperations();
    expect(ops('accept')).toHaveLength(1);
    expect(ops('getByAc')).toHaveLength(0);

    minutes(31);
    await h.workflow.resumePendingOperations();
    expect((await h.store.cases.get(ID1))?.status).toBe('accepted');
    expect(ops('getByAc')).toHaveLength(1); // reconcile first (412: not ours yet) …
    expect(ops('accept')).toHaveLength(2); // … then one new $accept
    expect(await owed()).toEqual([]);
  });

  it('offline: the claim waits with its AccessCode and is done when the runner resumes it', async () => {
    await h.fail('accept', 'network');
    await h.fail('getByAc', 'network');
    const { results } = await h.workflow.scanCode(TOKEN1);
    expect(results[0]).toMatchObject({ ok: false, error: { code: 'queued', system: 'network' } });
    expect(results[0]?.ok === false && results[0].error.message).toContain('sobald die Verbindung zurück ist');
    expect((await owed())[0]).toMatchObject({ reason: 'offline', accessCode: AC1 });

    await h.workflow.resumePendingOperations();
    expect((await h.store.cases.get(ID1))?.secret).toBe(h.task(ID1).secret);
    expect((await h.workflow.listPendingOperations())[0]).toMatchObject({ state: 'done', operation: 'accept' });
    // the AccessCode served its purpose
    expect(await h.store.pendingOperations.get((await h.workflow.listPendingOperations())[0]!.id)).toMatchObject({ accessCode: undefined });
  });
});

describe('$dispense: owed on 429, outage and a lost answer', () => {
  it('429: not retried, the list waits one hour and is then sent by the runner', async () => {
    const draft = await accepted();
    await h.fail('dispense', 429);
    const f = await failureOf(h.workflow.submitDispense(ID1, draft));
    expect(f.appError).toMatchObject({ code: 'queued', retry: 'hourly' });
    expect(f.appError.message).toContain('Die Abgabedaten werden frühestens um 11:00 Uhr automatisch übermittelt');
    expect(ops('dispense')).toHaveLength(1);

    await h.workflow.resumePendingOperations();
    expect(ops('dispense')).toHaveLength(1);
    minutes(60);
    await h.workflow.resumePendingOperations();
    expect(ops('dispense')).toHaveLength(2);
    const detail = await h.workflow.getCase(ID1);
    expect(detail.status).toBe('dispensed');
    expect(detail.confirmedEntries).toEqual(draft);
    expect((await h.workflow.listPendingOperations())[0]).toMatchObject({ state: 'done', message: expect.stringContaining('nachgeholt') });
  });

  it('outage: no answer and no reconcile — the list waits; when the connection returns it is reconciled and resent once', async () => {
    const draft = await accepted();
    await h.fail('dispense', 'network');
    await h.fail('getBySecret', 'network');
    const f = await failureOf(h.workflow.submitDispense(ID1, draft));
    expect(f.appError.code).toBe('queued');
    expect(await owed()).toMatchObject([{ operation: 'dispense', reason: 'offline' }]);

    await h.workflow.resumePendingOperations();
    expect(ops('getBySecret')).toHaveLength(2); // the second one found lastMedicationDispense unset: not arrived
    expect(ops('dispense')).toHaveLength(2);
    expect((await h.workflow.getCase(ID1)).status).toBe('dispensed');
    expect(await owed()).toEqual([]);
  });

  it('a lost answer of a list that did arrive is confirmed by the runner without sending it again', async () => {
    const draft = await accepted();
    await h.fail('dispense', 'after-timeout');
    await h.fail('getBySecret', 'timeout');
    await failureOf(h.workflow.submitDispense(ID1, draft));
    minutes(1);
    await h.workflow.resumePendingOperations();
    expect(ops('dispense')).toHaveLength(1);
    expect((await h.workflow.getCase(ID1)).submissions.map((s) => s.state)).toEqual(['confirmed']);
    expect((await h.workflow.listPendingOperations())[0]).toMatchObject({ state: 'done', message: expect.stringContaining('angekommen') });
  });

  it('a newer list replaces a queued one (the Fachdienst keeps only the last complete list, A_26482)', async () => {
    const draft = await accepted();
    await h.fail('dispense', 429);
    await failureOf(h.workflow.submitDispense(ID1, draft));
    minutes(61);
    const corrected = draft.map((e) => ({ ...e, batch: { lot: 'CH-KORR', expiry: '2028-12-31' } }));
    await h.workflow.submitDispense(ID1, corrected);
    expect(await owed()).toEqual([]);
    expect((await h.workflow.listPendingOperations())[0]).toMatchObject({ state: 'cancelled', message: expect.stringContaining('ersetzt') });
    await h.workflow.resumePendingOperations();
    expect(ops('dispense')).toHaveLength(2);
    expect((await h.workflow.getCase(ID1)).confirmedEntries).toEqual(corrected);
  });

  it('a submission left pending by a crash mid-call is adopted and reconciled on the next run', async () => {
    const draft = await accepted();
    // what a killed process leaves behind: the pending submission, no answer recorded
    await h.store.submissions.createPending({ prescriptionId: ID1, operation: 'dispense', staff: 'AB', createdAt: h.clock.now().toISOString(), entries: draft });
    await h.store.pendingOperations.delete((await owed())[0]?.id ?? -1);
    await h.workflow.resumePendingOperations();
    expect(ops('getBySecret')).toHaveLength(1);
    expect(ops('dispense')).toHaveLength(1); // never arrived → the same complete list sent once
    expect((await h.workflow.getCase(ID1)).status).toBe('dispensed');
  });
});

describe('$close: lost answer → GET ?secret', () => {
  it('closed meanwhile: the receipt from GET ?secret is stored, no second $close', async () => {
    const draft = await accepted();
    await h.workflow.submitDispense(ID1, draft);
    await h.fail('close', 'after-timeout');
    const detail = await h.workflow.closeCase(ID1);
    expect(detail.status).toBe('closed');
    expect(detail.receipt).not.toBeNull();
    expect(ops('close')).toHaveLength(1);
  });

  it('offline: the close waits and the runner completes it when the Fachdienst answers again', async () => {
    const draft = await accepted();
    await h.workflow.submitDispense(ID1, draft);
    await h.fail('close', 'network');
    await h.fail('getBySecret', 'network');
    const f = await failureOf(h.workflow.closeCase(ID1));
    expect(f.appError.code).toBe('queued');
    expect((await h.workflow.getCase(ID1)).status).toBe('dispensed');
    await h.workflow.resumePendingOperations();
    const detail = await h.workflow.getCase(ID1);
    expect(detail.status).toBe('closed');
    expect(detail.receipt).not.toBeNull();
    expect(ops('close')).toHaveLength(2);
  });
});

describe('cancel and erase', () => {
  it('a queued operation can be discarded; one with an unknown outcome cannot', async () => {
    const draft = await accepted();
    await h.fail('dispense', 429);
    await failureOf(h.workflow.submitDispense(ID1, draft));
    const [queued] = await owed();
    expect(await h.workflow.cancelPendingOperation(queued!.id)).toMatchObject({ state: 'cancelled' });
    expect((await h.workflow.getCase(ID1)).draft).toEqual(draft);

    await h.fail('dispense', 'after-timeout');
    await h.fail('getBySecret', 'timeout');
    await failureOf(h.workflow.submitDispense(ID1, draft));
    const [unknown] = await owed();
    expect(unknown?.reason).toBe('outcome-unknown');
    const refused = await h.workflow.cancelPendingOperation(unknown!.id).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(AppFailure);
    expect(await owed()).toHaveLength(1);
  });

  it('$reject ends what was owed and erases the queued list (A_19251)', async () => {
    const draft = await accepted();
    await h.fail('dispense', 429);
    await failureOf(h.workflow.submitDispense(ID1, draft));
    const [queued] = await owed();
    await h.workflow.rejectCase(ID1);
    expect(await owed()).toEqual([]);
    const after = await h.store.pendingOperations.get(queued!.id);
    expect(after).toMatchObject({ state: 'cancelled', entries: undefined });
  });
});
