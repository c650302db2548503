/**
 * Unknown outcomes against the simulator over HTTP: "when the answer says failed but the Fachdienst did it". A $dispense
 * whose answer does not prove the outcome (timeout, cut connection, 5xx) is read back with GET ?secret before
 * anything is sent again — every $dispense notifies the patient — and the read is judged in the Fachdienst's time
 * (the Date header the simulator sends in its own clock). Fachdienst calls are counted from the simulator's
 * request log; nothing waits on a fixed sleep, no cell takes more than 5 s.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import type { AppEvent, RetryProgress } from '../../shared/ipc/contract';
import { expectConsistent, prescriptionIdOf } from './support/consistency';
import { dispensedItems, sortedItems, type CreatedPrescription, type FaultSpec } from './support/fachdienst-side';
import { acceptedPrescription, FAST_NETWORK, startTestApp, startTestSimulator, type TestApp, type TestSimulator } from './support/in-process-app';
import { pollUntil } from './support/poll';

/** Well beyond FAST_NETWORK.requestTimeoutMs (300 ms): the app gives up on the call while the simulator still works. */
const SLOW_MS = 1200;

let sim: TestSimulator;
let app: TestApp | undefined;
let events: AppEvent[];

beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(async () => {
  await sim.handle.close();
});
beforeEach(() => {
  events = [];
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await sim.fd.clearFaults();
  await sim.fd.moveClock({ reset: true });
});

async function openApp(fetchFn?: typeof fetch): Promise<TestApp> {
  app = await startTestApp(sim.handle.url, FAST_NETWORK, { fetch: fetchFn });
  app.core.events.subscribe((event) => events.push(event));
  return app;
}

const retryEvents = (): RetryProgress[] => events.flatMap((e) => (e.type === 'retrying' ? [e.progress] : []));

interface Ready {
  a: TestApp;
  prescription: CreatedPrescription;
  list: DispenseEntry[];
  /** calls of one kind for this Task since the prescription was claimed */
  count(call: '$dispense' | 'GET' | '$close'): number;
  statuses(call: '$dispense' | 'GET' | '$close'): number[];
  submit(entries?: DispenseEntry[]): ReturnType<TestApp['handlers']['erx:submitDispense']>;
}

async function ready(lot: string, fetchFn?: typeof fetch): Promise<Ready> {
  const a = await openApp(fetchFn);
  const { prescription, list } = await acceptedPrescription(a, sim.fd, lot);
  const id = prescription.taskId;
  const gets = sim.requests.count(id, 'GET');
  events.length = 0;
  return {
    a,
    prescription,
    list,
    count: (call) => sim.requests.count(id, call) - (call === 'GET' ? gets : 0),
    statuses: (call) => sim.requests.statuses(id, call).slice(call === 'GET' ? gets : 0),
    submit: (entries = list) => a.handlers['erx:submitDispense']({ prescriptionId: prescriptionIdOf(id), entries }),
  };
}

/** The common end of every cell: consistent with the Fachdienst, exactly `list` stored */
async function expectEnd(r: Ready, list: DispenseEntry[]): Promise<void> {
  expect(await sim.fd.armedFaults(), 'the armed fault fired').toEqual([]);
  const end = await expectConsistent(r.a.view, sim.fd, r.prescription);
  expect(sortedItems(end.stored)).toEqual(sortedItems(dispensedItems(list)));
}

const arm = (fault: Omit<FaultSpec, 'operation'>): Promise<void> => sim.fd.armFault({ operation: 'dispense', ...fault });

/**
 * Committed, then the answer is held beyond the app's request timeout: to the app a timeout after the commit.
 * The held answer finally says 500 — which the app never sees — so the log tells it apart from any repeat.
 */
const HELD_AFTER_COMMIT: Omit<FaultSpec, 'operation'> = { phase: 'after-commit', delayMs: SLOW_MS, status: 500 };

/** Waits until the simulator has let the held answer go (it is logged only then); returns the $dispense statuses. */
async function afterHeldAnswer(r: Ready): Promise<number[]> {
  await pollUntil(() => r.statuses('$dispense'), (statuses) => statuses.includes(500), { what: 'the held $dispense answer', timeoutMs: SLOW_MS + 1000 });
  return r.statuses('$dispense');
}

describe('$dispense reads before it resends', () => {
  it.each<[string, Omit<FaultSpec, 'operation'>, number]>([
    ['answer held beyond the timeout after the commit', HELD_AFTER_COMMIT, 500],
    // the drop is logged as 503 at once (the simulator's own line; the app gets no answer at all)
    ['connection cut after the commit', { phase: 'after-commit', drop: true }, 503],
  ])('(a) %s: exactly ONE $dispense and one GET ?secret — confirmed', async (_label, fault, logged) => {
    const r = await ready('FMD-A');
    await arm(fault);
    const sent = await r.submit();
    expect(sent).toMatchObject({ status: 'dispensed', outcomeUnknown: false });
    expect(sent.submissions.map((s) => s.state)).toEqual(['confirmed']);
    await pollUntil(() => r.statuses('$dispense'), (statuses) => statuses.includes(logged), { what: 'the faulted $dispense in the log', timeoutMs: SLOW_MS + 1000 });
    expect(r.statuses('$dispense'), 'the list was not sent a second time').toEqual([logged]);
    expect(r.statuses('GET')).toEqual([200]);
    const [op] = (await r.a.handlers['erx:listPendingOperations']({})).filter((o) => o.prescriptionId === r.prescription.taskId && o.operation === 'dispense');
    expect(op).toMatchObject({ state: 'done', message: expect.stringContaining('angekommen') });
    await expectEnd(r, r.list);
  });

  it('(a) the timeout shows „wird erneut versucht“ while the app waits for its read, and its end', async () => {
    const r = await ready('FMD-A2');
    await arm(HELD_AFTER_COMMIT);
    await r.submit();
    expect(retryEvents().map((p) => [p.operation, p.attempt, p.maxAttempts])).toEqual([['dispense', 1, FAST_NETWORK.maxAttempts]]);
    expect(events).toContainEqual({ type: 'retry-ended', prescriptionId: r.prescription.taskId });
    expect(await afterHeldAnswer(r)).toEqual([500]);
    await expectEnd(r, r.list);
  });

  it('(b) 500 after the commit: the read finds the list — no second $dispense', async () => {
    const r = await ready('FMD-B');
    await arm({ phase: 'after-commit', status: 500 });
    const sent = await r.submit();
    expect(sent.status).toBe('dispensed');
    expect(r.statuses('$dispense')).toEqual([500]);
    expect(r.statuses('GET')).toEqual([200]);
    await expectEnd(r, r.list);
  });

  it('(b) 502 from a gateway after the commit: not repeated, reconciled — confirmed', async () => {
    const r = await ready('FMD-B2');
    await arm({ phase: 'after-commit', status: 502 });
    const sent = await r.submit();
    expect(sent.status).toBe('dispensed');
    expect(r.statuses('$dispense')).toEqual([502]);
    expect(r.statuses('GET')).toEqual([200]);
    await expectEnd(r, r.list);
  });

  it('(c) 503 before the commit: GET shows it did not arrive → sent once more → confirmed, exactly one list', async () => {
    const r = await ready('FMD-C');
    await arm({ status: 503 });
    const sent = await r.submit();
    expect(sent).toMatchObject({ outcome: 'sent', status: 'dispensed' });
    expect(r.statuses('$dispense')).toEqual([503, 204]);
    expect(r.statuses('GET')).toEqual([200]);
    expect(sent.submissions.map((s) => s.state)).toEqual(['confirmed']);
    await expectEnd(r, r.list);
  });

  it('(c) timeout before the commit, the first call lands late: read → resend → the late one stores the same list — still one list', async () => {
    const r = await ready('FMD-C2');
    await arm({ phase: 'before-commit', delayMs: SLOW_MS });
    const sent = await r.submit();
    expect(sent.status).toBe('dispensed');
    await sim.requests.waitForCount(r.prescription.taskId, '$dispense', 2);
    expect(r.statuses('$dispense')).toEqual([204, 204]);
    expect(r.statuses('GET')).toEqual([200]);
    await expectEnd(r, r.list);
  });
});

// ------------------------------------------------------------------------------------------------
// (d) the app's clock is not the Fachdienst's
// ------------------------------------------------------------------------------------------------

/**
 * In training the app follows the simulator's clock (`GET /_sim/clock`, simulator-clock.ts). This fetch shows the
 * app a simulator time `skewMs` off, so the app's clock runs that far from the Fachdienst's — as against a real
 * Fachdienst, whose clock the app does not follow. The simulator's answers (Date header, lastMedicationDispense)
 * stay in its own time.
 */
function skewedClockFetch(skewMs: number): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.pathname !== '/_sim/clock' || (init?.method ?? 'GET') !== 'GET' || response.status !== 200) return response;
    const { now } = (await response.json()) as { now: string };
    return new Response(JSON.stringify({ now: new Date(Date.parse(now) + skewMs).toISOString() }), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  };
}

const TEN_MINUTES = 10 * 60_000;

describe('(d) the decision in the Fachdienst time: app clock 10 minutes off', () => {
  it('app 10 minutes ahead: a list stored with a lost answer is found (not mistaken for an old one) — one $dispense', async () => {
    const r = await ready('FMD-D1', skewedClockFetch(TEN_MINUTES));
    const appNow = Date.parse((await r.a.handlers['erx:getCase']({ prescriptionId: prescriptionIdOf(r.prescription.taskId) })).acceptedAt);
    const simNow = Date.parse(((await (await fetch(`${sim.handle.url}/_sim/clock`)).json()) as { now: string }).now);
    expect(appNow - simNow, 'the app runs ahead').toBeGreaterThan(TEN_MINUTES - 60_000);

    await arm(HELD_AFTER_COMMIT);
    const sent = await r.submit();
    expect(sent.submissions.map((s) => s.state)).toEqual(['confirmed']);
    expect(await afterHeldAnswer(r), 'not sent again').toEqual([500]);
    await expectEnd(r, r.list);
  });

  it('app 10 minutes behind: the previous list is not mistaken for the lost new one — the new one is resent', async () => {
    const r = await ready('FMD-D2', skewedClockFetch(-TEN_MINUTES));
    const first = await r.submit();
    expect(first.status).toBe('dispensed');
    // a minute later (both clocks) the pharmacist corrects the list; its first call is refused before the commit
    await sim.fd.moveClock({ advance: 'PT1M' });
    // another batch: more packs than prescribed would need a reason first (PH_QUANTITY_MORE, docs/checks.md)
    const corrected = r.list.map((e) => ({ ...e, batch: { lot: 'FMD-D2-B', expiry: '2029-12-31' } }));
    await arm({ status: 503 });
    const sent = await r.submit(corrected);
    expect(sent.confirmedEntries).toEqual(corrected);
    expect(r.statuses('$dispense')).toEqual([204, 503, 204]);
    await expectEnd(r, corrected);
  });
});

// ------------------------------------------------------------------------------------------------
// (e) the first $dispense lands after the corrected list
// ------------------------------------------------------------------------------------------------

/** The first call waits this long before the simulator commits it — long after the app read, resent and moved on. */
const LATE_COMMIT_MS = 1500;

describe('(e) the late first $dispense', () => {
  it('list A times out and is committed late, after the corrected list B was confirmed: $close leaves the Fachdienst with B', async () => {
    const r = await ready('FMD-E');
    const id = r.prescription.taskId;
    const listA = r.list;
    const listB = listA.map((e) => ({ ...e, batch: { lot: 'FMD-E-B', expiry: '2029-12-31' } }));
    // before-commit with a delay and no status: the call waits, then is carried out (faults.ts) — a late commit
    await arm({ phase: 'before-commit', delayMs: LATE_COMMIT_MS });

    const sentA = await r.submit(listA);
    expect(sentA.status).toBe('dispensed'); // the read said "not arrived", the resend of A was confirmed
    const sentB = await r.submit(listB);
    expect(sentB.confirmedEntries).toEqual(listB);

    // the first call of A lands now, after B: the Fachdienst holds A again for a moment
    await sim.requests.waitForCount(id, '$dispense', 3);
    await pollUntil(() => sim.fd.storedDispenses(r.prescription), (stored) => stored.some((i) => i.lot !== 'FMD-E-B'), {
      what: 'the late list A stored over B',
      timeoutMs: 1000,
    });

    const closed = await r.a.handlers['erx:closeCase']({ prescriptionId: prescriptionIdOf(id) });
    expect(closed.status).toBe('closed');
    expect(await sim.fd.taskStatus(r.prescription)).toBe('completed');
    // DEPENDS on $close carrying the complete confirmed list (close-flow.ts, docs/reliability.md): without a body the late A would be closed
    expect(sortedItems(await sim.fd.storedDispenses(r.prescription))).toEqual(sortedItems(dispensedItems(listB)));
    await expectEnd(r, listB);
  });
});
