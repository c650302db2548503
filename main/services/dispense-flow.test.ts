/**
 * A $dispense whose answer does not prove the outcome is read (GET ?secret) before it is sent again
 * (docs/reliability.md) — through the real retry decorator (retrying-fachdienst.ts) and client against the
 * simulator (simulator-harness.ts), so the calls counted here are what the app sends.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoCatalog } from '../../shared/erezept/catalog/demo-catalog';
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import { blocksSending } from '../../shared/erezept/findings';
import type { RetryProgress } from '../../shared/ipc/contract';
import { failureOf } from '../testing';
import { ARRIVED_MESSAGE } from './dispense-reconcile';
import { createSimulatorHarness, type Prescribed, type SimulatorHarness } from './simulator-harness';

const POLICY = { maxAttempts: 3, baseMs: 10, maxDelayMs: 100 };

let h: SimulatorHarness;
let p1: Prescribed;
let ID1: Prescribed['id'];

beforeEach(async () => {
  h = await createSimulatorHarness('2026-10-05T08:00:00Z', { retry: POLICY });
  p1 = await h.prescribe();
  ID1 = p1.id;
});
afterEach(() => h.close());

async function accepted(): Promise<DispenseEntry[]> {
  const draft = await h.accept(p1);
  h.calls.length = 0;
  return draft;
}

/** The Fachdienst calls since the claim, in order. */
const calls = () => h.ops();
const owed = () => h.store.pendingOperations.pending();
const progress = (): RetryProgress[] => h.events.flatMap((e) => (e.type === 'retrying' ? [e.progress] : []));
/** how many items the simulator holds for the Task */
const storedCount = (): number => h.task(ID1).dispenses.length;

describe('$dispense reads before it resends', () => {
  it('timeout, but the Fachdienst stored it: ONE $dispense and one GET ?secret — confirmed, nothing resent', async () => {
    const draft = await accepted();
    await h.fail('dispense', 'after-timeout');
    const detail = await h.workflow.submitDispense(ID1, draft);
    expect(calls()).toEqual(['dispense', 'getBySecret']);
    expect(detail).toMatchObject({ outcome: 'sent', status: 'dispensed', outcomeUnknown: false });
    expect(detail.submissions.map((s) => s.state)).toEqual(['confirmed']);
    expect((await h.workflow.listPendingOperations())[0]).toMatchObject({ operation: 'dispense', state: 'done', message: ARRIVED_MESSAGE });
    // „Wird erneut versucht – Versuch 1 von 3“ during the wait before the read, then its end
    expect(progress().map((p) => [p.operation, p.attempt, p.maxAttempts])).toEqual([['dispense', 1, 3]]);
    expect(h.events).toContainEqual({ type: 'retry-ended', prescriptionId: ID1 });
    // the case carries the Fachdienst's own timestamp of the stored list
    expect((await h.store.cases.get(ID1))?.lastDispenseAt).toBe(h.task(ID1).lastMedicationDispense);
  });

  it('500 after the commit: no second $dispense — the read finds the list', async () => {
    const draft = await accepted();
    await h.fail('dispense', 'after-500');
    const detail = await h.workflow.submitDispense(ID1, draft);
    expect(calls()).toEqual(['dispense', 'getBySecret']);
    expect(detail.status).toBe('dispensed');
  });

  it('503 before the commit: the read shows it did not arrive → the same list once more → confirmed, one list stored', async () => {
    const draft = await accepted();
    await h.fail('dispense', 503);
    const detail = await h.workflow.submitDispense(ID1, draft);
    expect(calls()).toEqual(['dispense', 'getBySecret', 'dispense']);
    expect(h.calls.filter((c) => c.op === 'dispense').map((c) => c.body)).toEqual([h.calls[0]?.body, h.calls[0]?.body]);
    expect(detail.submissions.map((s) => [s.state, s.httpStatus])).toEqual([['confirmed', 204]]);
    expect(storedCount()).toBe(draft.length);
    expect(await owed()).toEqual([]);
  });

  it('the loop gives up after maxAttempts calls: GET between each, one GET after — not arrived → owed, no further send', async () => {
    const draft = await accepted();
    await h.fail('dispense', 503, 503, 503);
    const f = await failureOf(h.workflow.submitDispense(ID1, draft));
    expect(calls()).toEqual(['dispense', 'getBySecret', 'dispense', 'getBySecret', 'dispense', 'getBySecret']);
    expect(f.appError).toMatchObject({ code: 'queued', retry: 'reconcile', httpStatus: 503 });
    expect(await owed()).toMatchObject([{ operation: 'dispense', reason: 'outcome-unknown' }]);
    expect((await h.workflow.getCase(ID1)).draft).toEqual(draft);

    // the runner reads once more before it sends
    await h.workflow.resumePendingOperations();
    expect(calls().slice(6)).toEqual(['dispense']);
    expect((await h.workflow.getCase(ID1)).status).toBe('dispensed');
  });

  it('the read before the repeat fails: the loop stops, the flow does not ask again at once — owed, one $dispense only', async () => {
    const draft = await accepted();
    await h.fail('dispense', 'after-timeout');
    await h.fail('getBySecret', 'network');
    const f = await failureOf(h.workflow.submitDispense(ID1, draft));
    expect(calls()).toEqual(['dispense', 'getBySecret']);
    expect(f.appError).toMatchObject({ code: 'queued', retry: 'reconcile' });
    expect(await owed()).toMatchObject([{ operation: 'dispense', reason: 'outcome-unknown' }]);
    expect((await h.workflow.getCase(ID1)).outcomeUnknown).toBe(true);

    // later: the runner's read finds it arrived — still only one $dispense
    await h.workflow.resumePendingOperations();
    expect(calls()).toEqual(['dispense', 'getBySecret', 'getBySecret']);
    expect((await h.workflow.getCase(ID1)).submissions.map((s) => s.state)).toEqual(['confirmed']);
  });

  it.each([
    ['502 from a gateway after the commit', 'after-502' as const, 'dispensed'],
    ['a cut connection after the commit', 'after-network' as const, 'dispensed'],
  ])('%s: not repeated, reconciled right away — confirmed', async (_label, failure, status) => {
    const draft = await accepted();
    await h.fail('dispense', failure);
    const detail = await h.workflow.submitDispense(ID1, draft);
    expect(calls().filter((c) => c === 'dispense')).toHaveLength(1);
    expect(detail.status).toBe(status);
  });

  it.each([
    ['502 before the commit', 502, 'outcome-unknown'],
    ['no connection', 'network' as const, 'offline'],
  ])('%s, the read says not arrived: owed for the runner, not resent at the counter', async (_label, failure, reason) => {
    const draft = await accepted();
    await h.fail('dispense', failure);
    const f = await failureOf(h.workflow.submitDispense(ID1, draft));
    expect(calls()).toEqual(['dispense', 'getBySecret']);
    expect(f.appError.code).toBe('queued');
    expect(await owed()).toMatchObject([{ operation: 'dispense', reason }]);
    await h.workflow.resumePendingOperations();
    expect(calls()).toEqual(['dispense', 'getBySecret', 'dispense']);
    expect((await h.workflow.getCase(ID1)).status).toBe('dispensed');
  });

  it('a 4xx proves nothing was stored: no read, the submission fails with the Fachdienst reason', async () => {
    const draft = await accepted();
    await h.fail('dispense', 400);
    const f = await failureOf(h.workflow.submitDispense(ID1, draft));
    expect(f.appError.httpStatus).toBe(400);
    expect(calls()).toEqual(['dispense']);
    expect(await owed()).toEqual([]);
    // a refusal at the counter is shown there; it leaves no row in „Ausstehende Vorgänge“
    expect(await h.workflow.listPendingOperations()).toEqual([]);
  });

  it('„Abbrechen“ during the wait: nothing more is sent, not even by the runner; the next submit reconciles first', async () => {
    const draft = await accepted();
    await h.fail('dispense', 'after-timeout');
    // cancel as soon as „wird erneut versucht“ is reported
    const unsubscribe = h.hub.subscribe((e) => {
      if (e.type === 'retrying') h.retrying!.cancel(ID1);
    });
    const f = await failureOf(h.workflow.submitDispense(ID1, draft));
    unsubscribe();
    expect(f.appError.code).toBe('cancelled');
    expect(calls()).toEqual(['dispense']);
    expect((await h.workflow.getCase(ID1)).submissions.map((s) => s.state)).toEqual(['pending']);
    // the pending list says what happened, and the runner leaves it alone (the pharmacist stopped it)
    expect((await h.workflow.listPendingOperations())[0]).toMatchObject({ operation: 'dispense', state: 'cancelled', message: expect.stringContaining('Abgebrochen') });
    await h.workflow.resumePendingOperations();
    expect(calls()).toEqual(['dispense']);
    // the pharmacist sends again: the read finds the list (it had arrived) — no second $dispense
    const detail = await h.workflow.submitDispense(ID1, draft);
    expect(calls()).toEqual(['dispense', 'getBySecret']);
    expect(detail.submissions.map((s) => s.state)).toEqual(['confirmed']);
  });
});

describe('the decision in the Fachdienst time, with a skewed app clock', () => {
  it.each([
    ['ahead of', -5 * 60_000],
    ['behind', 5 * 60_000],
  ])('app clock 5 minutes %s the Fachdienst: a stored list is found, a lost one is resent', async (_label, skew) => {
    await h.skewFachdienstClock(skew);
    const draft = await accepted();
    await h.workflow.submitDispense(ID1, draft);
    // the client measured the skew from the simulator's Date header
    expect(h.client.clockOffsetMs()).toBe(skew);

    // a correction one minute later whose answer is lost although it was stored: confirmed without a resend
    h.clock.set('2026-10-05T08:01:00Z');
    const corrected = draft.map((e) => ({ ...e, batch: { lot: 'CH-KORR-1', expiry: '2028-12-31' } }));
    await h.fail('dispense', 'after-timeout');
    h.calls.length = 0;
    expect((await h.workflow.submitDispense(ID1, corrected)).confirmedEntries).toEqual(corrected);
    expect(calls()).toEqual(['dispense', 'getBySecret']);

    // another one a minute later that never arrived (503 before the commit): resent, not taken for the previous one
    h.clock.set('2026-10-05T08:02:00Z');
    const again = corrected.map((e) => ({ ...e, batch: { lot: 'CH-KORR-2', expiry: '2028-12-31' } }));
    await h.fail('dispense', 503);
    h.calls.length = 0;
    expect((await h.workflow.submitDispense(ID1, again)).confirmedEntries).toEqual(again);
    expect(calls()).toEqual(['dispense', 'getBySecret', 'dispense']);
  });

  it('without any Date header the offset is 0 (same clocks assumed)', async () => {
    h.setSendsDate(false);
    const draft = await accepted();
    await h.fail('dispense', 'after-timeout');
    await h.workflow.submitDispense(ID1, draft);
    expect(calls()).toEqual(['dispense', 'getBySecret']);
    expect(h.client.clockOffsetMs()).toBeUndefined();
  });
});

describe('a safety finding overridden with a reason (docs/checks.md, „Begründungen“)', () => {
  const REASON = 'Rücksprache mit der Praxis: bewusste Umstellung';

  /** The first pack of the demo catalogue whose substance is not the prescribed one: the wrong drug scanned. */
  async function wrongDrug(draft: DispenseEntry[]): Promise<DispenseEntry[]> {
    const prescribed = (await h.workflow.getCase(ID1)).prescription?.medication;
    const article = prescribed?.kind === 'pzn' ? demoCatalog.byPzn(prescribed.pzn) : undefined;
    if (!article) throw new Error('the harness prescribes demo articles by PZN');
    const atcs = new Set(article.ingredients.map((i) => i.atc));
    const other = demoCatalog.all().find((a) => a.category === '00' && a.securPharm && a.ingredients.every((i) => !atcs.has(i.atc)));
    if (!other) throw new Error('no other substance in the demo catalogue');
    return draft.map((e) => ({
      ...e,
      medication: { kind: 'pzn', pzn: other.pzn, name: other.name, ingredients: [], category: '00', vaccine: false },
      substituted: true,
    }));
  }

  it('refused without a reason; sent with it — the reason kept in the stored version, not in the body, the audit says „override“, rule and staff', async () => {
    const list = await wrongDrug(await accepted());
    const refused = await failureOf(h.workflow.submitDispense(ID1, list));
    expect(refused.appError.code).toBe('validation');
    expect(refused.appError.message).toMatch(/^Nicht gesendet: Anderer Wirkstoff als verordnet: verordnet .+, abgegeben .+\./);
    expect(calls()).toEqual([]);
    // what blocks (the substance, and maybe the amount) — each overridden with the reason
    const rules = [...new Set((refused.appError.findings ?? []).filter(blocksSending).map((f) => f.code))];
    expect(rules).toContain('PH_SUBSTANCE_DIFFERS');
    const overridden = list.map((e) => ({ ...e, overrides: rules.map((rule) => ({ rule, reason: REASON })) }));

    expect((await h.workflow.submitDispense(ID1, overridden)).status).toBe('dispensed');
    const sent = h.calls.filter((c) => c.op === 'dispense').map((c) => JSON.stringify(c.body));
    expect(sent).toHaveLength(1);
    expect(sent[0]).not.toContain('Rücksprache');
    expect((await h.store.submissions.latest(ID1))?.entries[0]?.overrides).toEqual(rules.map((rule) => ({ rule, reason: REASON })));

    await h.workflow.closeCase(ID1);
    const closeBody = JSON.stringify(h.calls.find((c) => c.op === 'close')?.body);
    expect(closeBody).toContain(overridden[0]!.medication.kind === 'pzn' ? overridden[0]!.medication.pzn : '');
    expect(closeBody).not.toContain('Rücksprache');

    const audit = await h.store.audit.list(ID1);
    const overrideEntries = audit.filter((a) => a.operation === 'override');
    // one entry per overridden rule, for $dispense and again for $close
    expect(overrideEntries.map((a) => [a.result, a.staff])).toEqual([...rules, ...rules].map((rule) => [rule, 'AB']));
    expect(JSON.stringify(audit)).not.toContain('Rücksprache');
    expect(JSON.stringify(audit)).not.toContain('Umstellung');
    expect(await h.store.audit.verify()).toMatchObject({ ok: true });
  });
});
