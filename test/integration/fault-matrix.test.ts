/**
 * Fault matrix (nothing lost, nothing duplicated): the simulator's faults — 500, 503, 429, a delay beyond the request timeout and
 * commit-then-drop — × the state-changing operations $accept (scan), $dispense (submit) and $close, each through
 * the app's own IPC handlers (createCore) against a simulator reached over real HTTP. Every cell arms its fault
 * over `/_sim/faults`, runs the operation as the pharmacist would, completes what was queued (429: after the
 * simulator clock moved past the hour, spec §8 / A_25460) and then asserts
 * - consistent: the app's case equals the Fachdienst's Task and stored dispense list, receipt iff completed;
 * - nothing lost: the draft survives failures, no operation is left pending;
 * - nothing duplicated: the Fachdienst holds exactly one list, a prescription is claimed once, and the
 *   number of calls is what the retry policy allows (A_25460: plain retries only for $dispense and reads).
 * Unknown outcome (docs/reliability.md): an answer that does not prove the outcome — a 5xx before or after the
 * commit (also a gateway's 502/504), a timeout, a cut connection — is reconciled with a read before the pharmacist
 * is told anything (main/services/unknown-outcome.ts); the $reject/$abort rows below check the same for ending a
 * case.
 * Timeouts are milliseconds (FAST_NETWORK); no cell waits more than 5 s.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import type { AppEvent, RetryProgress } from '../../shared/ipc/contract';
import { RATE_LIMIT_DELAY_MS } from '../../main/fachdienst/retry-policy';
import { expectConsistent, prescriptionIdOf } from './support/consistency';
import { dispensedItems, sortedItems, type CreatedPrescription, type FaultSpec } from './support/fachdienst-side';
import {
  acceptedPrescription,
  appErrorOf,
  FAST_NETWORK,
  listWithBatch,
  scan,
  startTestApp,
  startTestSimulator,
  type TestApp,
  type TestSimulator,
} from './support/in-process-app';

/** Well beyond FAST_NETWORK.requestTimeoutMs: the app gives up on the call while the simulator still works. */
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

async function openApp(): Promise<TestApp> {
  app = await startTestApp(sim.handle.url);
  app.core.events.subscribe((event) => events.push(event));
  return app;
}

const retryEvents = (): RetryProgress[] => events.flatMap((e) => (e.type === 'retrying' ? [e.progress] : []));

interface CellContext {
  app: TestApp;
  sim: TestSimulator;
  prescription: CreatedPrescription;
  /** the complete list to send (for $accept cells: none yet) */
  list: DispenseEntry[];
}

interface Cell {
  fault: string;
  /** the fault as armed; `operation` comes from the row */
  arm: Omit<FaultSpec, 'operation'>;
  /** what the cell asserts beyond the common consistency check */
  asserts: string;
  run(ctx: CellContext): Promise<void>;
}


/** Owed operations of one prescription: pending ones first, then the finished ones, newest first. */
async function operationsOf(ctx: CellContext) {
  return (await ctx.app.handlers['erx:listPendingOperations']({})).filter((op) => op.prescriptionId === ctx.prescription.taskId);
}

const caseOf = (ctx: CellContext) => ctx.app.handlers['erx:getCase']({ prescriptionId: prescriptionIdOf(ctx.prescription.taskId) });
const count = (ctx: CellContext, call: Parameters<TestSimulator['requests']['count']>[1]): number => ctx.sim.requests.count(ctx.prescription.taskId, call);

/**
 * A 429 leaves the operation queued for an hour (A_25460): resuming early does nothing, moving the
 * simulator's clock (the app's clock in training) past the hour lets „Jetzt erneut versuchen“ complete it.
 */
async function expectQueuedForAnHourThenResume(ctx: CellContext, operation: 'accept' | 'dispense' | 'close', callsSoFar: () => number): Promise<void> {
  const [queued] = await operationsOf(ctx);
  expect(queued).toMatchObject({ operation, state: 'pending', reason: 'rate-limited' });
  expect(Date.parse(queued!.notBefore!) - Date.parse(queued!.createdAt)).toBeGreaterThanOrEqual(RATE_LIMIT_DELAY_MS - 1000);
  const before = callsSoFar();
  await ctx.app.handlers['erx:resumePendingOperations']({});
  expect(callsSoFar(), 'nothing is sent again before the hour is over').toBe(before);
  expect((await operationsOf(ctx))[0]).toMatchObject({ id: queued!.id, state: 'pending' });

  await ctx.sim.fd.moveClock({ advance: 'PT61M' });
  await ctx.app.handlers['erx:resumePendingOperations']({});
  expect((await operationsOf(ctx)).find((op) => op.id === queued!.id)).toMatchObject({ state: 'done' });
}

// ------------------------------------------------------------------------------------------------
// $accept (scan): never retried blindly; a lost answer is reconciled with GET ?ac (spec §3.3, UC 4.17)
// ------------------------------------------------------------------------------------------------

/** The claimed case works: its Secret is the Fachdienst's (a $dispense with it is accepted). */
async function expectSecretWorks(ctx: CellContext): Promise<void> {
  const list = listWithBatch(await caseOf(ctx), 'ACC-CHECK');
  const sent = await ctx.app.handlers['erx:submitDispense']({ prescriptionId: prescriptionIdOf(ctx.prescription.taskId), entries: list });
  expect(sent).toMatchObject({ outcome: 'sent', status: 'dispensed' });
}

/** A 5xx that came BEFORE the commit: GET ?ac says 412 (not ours), so exactly one new $accept claims it. */
const acceptFailedThenClaimedOnce =
  (status: number): Cell['run'] =>
  async (ctx) => {
    const outcome = await scan(ctx.app.handlers, ctx.prescription);
    expect(outcome).toMatchObject({ ok: true, outcome: 'accepted' });
    expect(ctx.sim.requests.statuses(ctx.prescription.taskId, '$accept'), 'one new $accept after the read, no more').toEqual([status, 200]);
    expect(ctx.sim.requests.statuses(ctx.prescription.taskId, 'GET')).toEqual([412]);
    const [done] = await operationsOf(ctx);
    expect(done).toMatchObject({ operation: 'accept', state: 'done', message: expect.stringContaining('einmal erneut abgerufen') });
    await expectSecretWorks(ctx);
  };

/** A 5xx AFTER the commit: the Task is ours already — GET ?ac 200 stores the Secret, no second $accept. */
const acceptCommittedThenRead =
  (status: number): Cell['run'] =>
  async (ctx) => {
    const outcome = await scan(ctx.app.handlers, ctx.prescription);
    expect(outcome).toMatchObject({ ok: true, outcome: 'accepted' });
    expect(ctx.sim.requests.statuses(ctx.prescription.taskId, '$accept')).toEqual([status]);
    expect(ctx.sim.requests.statuses(ctx.prescription.taskId, 'GET')).toEqual([200]);
    expect((await operationsOf(ctx))[0]).toMatchObject({ operation: 'accept', state: 'done', message: expect.stringContaining('bereits zugeordnet') });
    await expectSecretWorks(ctx);
  };

const acceptCells: Cell[] = [
  {
    fault: '500',
    arm: { status: 500, count: 1 },
    asserts: 'outcome unknown → GET ?ac 412 → one new $accept claims it; nothing for the pharmacist to repeat',
    run: acceptFailedThenClaimedOnce(500),
  },
  {
    fault: '503',
    arm: { status: 503, count: 1 },
    asserts: 'outcome unknown → GET ?ac 412 → one new $accept claims it',
    run: acceptFailedThenClaimedOnce(503),
  },
  {
    fault: '500 after commit',
    arm: { status: 500, count: 1, phase: 'after-commit' },
    asserts: 'claimed although the answer says 500: GET ?ac 200 stores the Secret; no second $accept',
    run: acceptCommittedThenRead(500),
  },
  {
    fault: '502 after commit',
    arm: { status: 502, count: 1, phase: 'after-commit' },
    asserts: 'a gateway\'s 502 proves nothing: GET ?ac 200 stores the Secret',
    run: acceptCommittedThenRead(502),
  },
  {
    fault: '504 after commit',
    arm: { status: 504, count: 1, phase: 'after-commit' },
    asserts: 'a gateway\'s 504 proves nothing: GET ?ac 200 stores the Secret',
    run: acceptCommittedThenRead(504),
  },
  {
    fault: '429',
    arm: { status: 429, count: 1 },
    // resume syncs the app clock with the simulator first, so the hour moved there counts
    asserts: 'queued for an hour (a new scan does not ask early); after the hour GET ?ac 412 → one new $accept',
    run: async (ctx) => {
      const first = await scan(ctx.app.handlers, ctx.prescription);
      expect(first).toMatchObject({ ok: false, error: { code: 'queued', retry: 'hourly', httpStatus: 429 } });
      const rescan = await scan(ctx.app.handlers, ctx.prescription);
      expect(rescan, 'a second scan during the wait sends nothing').toMatchObject({ ok: false, error: { retry: 'hourly' } });
      expect(count(ctx, '$accept')).toBe(1);
      await expectQueuedForAnHourThenResume(ctx, 'accept', () => count(ctx, '$accept') + count(ctx, 'GET'));
      expect(ctx.sim.requests.statuses(ctx.prescription.taskId, '$accept')).toEqual([429, 200]);
      await expectSecretWorks(ctx);
    },
  },
  {
    fault: 'delay > timeout',
    arm: { delayMs: SLOW_MS, phase: 'before-commit' },
    asserts: 'timeout → GET ?ac (412) → one new $accept claims it; the late first $accept gets 409 — claimed once',
    run: async (ctx) => {
      const outcome = await scan(ctx.app.handlers, ctx.prescription);
      expect(outcome).toMatchObject({ ok: true, outcome: 'accepted' });
      await ctx.sim.requests.waitForCount(ctx.prescription.taskId, '$accept', 2);
      // Finishing order: the app's second $accept, then the slow first one, which finds the Task taken.
      expect(ctx.sim.requests.statuses(ctx.prescription.taskId, '$accept')).toEqual([200, 409]);
      expect((await operationsOf(ctx))[0]).toMatchObject({ operation: 'accept', state: 'done' });
      await expectSecretWorks(ctx);
    },
  },
  {
    fault: 'commit-then-drop',
    arm: { phase: 'after-commit', drop: true },
    asserts: 'answer lost → GET ?ac 200 stores the Secret; no second $accept',
    run: async (ctx) => {
      const outcome = await scan(ctx.app.handlers, ctx.prescription);
      expect(outcome).toMatchObject({ ok: true, outcome: 'accepted' });
      expect(count(ctx, '$accept')).toBe(1);
      expect(count(ctx, 'GET')).toBe(1);
      expect((await operationsOf(ctx))[0]).toMatchObject({ operation: 'accept', state: 'done', message: expect.stringContaining('bereits zugeordnet') });
      await expectSecretWorks(ctx);
    },
  },
];

// ------------------------------------------------------------------------------------------------
// $dispense (submit): retried with backoff on 500/503/timeouts (A_25460); a lost answer → GET ?secret
// ------------------------------------------------------------------------------------------------

const submit = (ctx: CellContext) =>
  ctx.app.handlers['erx:submitDispense']({ prescriptionId: prescriptionIdOf(ctx.prescription.taskId), entries: ctx.list });

const dispenseRetried =
  (status: number): Cell['run'] =>
  async (ctx) => {
    const sent = await submit(ctx);
    expect(sent).toMatchObject({ outcome: 'sent', status: 'dispensed' });
    expect(ctx.sim.requests.statuses(ctx.prescription.taskId, '$dispense')).toEqual([status, status, 204]);
    // „wird erneut versucht“ was shown for each failed attempt.
    expect(retryEvents().map((p) => [p.operation, p.attempt])).toEqual([
      ['dispense', 1],
      ['dispense', 2],
    ]);
    expect(events).toContainEqual({ type: 'retry-ended', prescriptionId: ctx.prescription.taskId });
  };

const dispenseCells: Cell[] = [
  {
    fault: '500',
    arm: { status: 500, count: 2 },
    asserts: 'retried with backoff: 500, 500, 204; progress reported',
    run: dispenseRetried(500),
  },
  {
    fault: '503',
    arm: { status: 503, count: 2 },
    asserts: 'retried with backoff: 503, 503, 204; progress reported',
    run: dispenseRetried(503),
  },
  {
    fault: '429',
    arm: { status: 429, count: 1 },
    // resume syncs the app clock with the simulator first, so the hour moved there counts
    asserts: 'not retried; queued for an hour with the draft kept; after the hour the same list is sent once',
    run: async (ctx) => {
      const error = await appErrorOf(submit(ctx));
      expect(error).toMatchObject({ code: 'queued', retry: 'hourly', httpStatus: 429 });
      const waiting = await caseOf(ctx);
      expect(waiting.status).toBe('accepted');
      expect(waiting.draft, 'the draft is not lost').toEqual(ctx.list);
      expect(count(ctx, '$dispense')).toBe(1);
      await expectQueuedForAnHourThenResume(ctx, 'dispense', () => count(ctx, '$dispense'));
      expect(ctx.sim.requests.statuses(ctx.prescription.taskId, '$dispense')).toEqual([429, 204]);
      expect((await caseOf(ctx)).status).toBe('dispensed');
    },
  },
  {
    fault: 'delay > timeout',
    arm: { delayMs: SLOW_MS, phase: 'before-commit' },
    asserts: 'timeout → retried at once (204); the late first call stores the same list again — still one list',
    run: async (ctx) => {
      const sent = await submit(ctx);
      expect(sent).toMatchObject({ outcome: 'sent', status: 'dispensed' });
      expect(retryEvents()[0]).toMatchObject({ operation: 'dispense', attempt: 1 });
      await ctx.sim.requests.waitForCount(ctx.prescription.taskId, '$dispense', 2);
      // A_26482: every $dispense replaces the whole list, so the late repeat cannot add entries.
      expect(ctx.sim.requests.statuses(ctx.prescription.taskId, '$dispense')).toEqual([204, 204]);
    },
  },
  {
    fault: 'commit-then-drop',
    arm: { phase: 'after-commit', drop: true },
    asserts: 'answer lost → GET ?secret shows it arrived → confirmed without sending again',
    run: async (ctx) => {
      const sent = await submit(ctx);
      expect(sent.status).toBe('dispensed');
      expect(count(ctx, '$dispense'), 'the list is not sent a second time').toBe(1);
      expect(count(ctx, 'GET')).toBe(1);
      expect(sent.submissions.map((s) => s.state)).toEqual(['confirmed']);
    },
  },
];

// ------------------------------------------------------------------------------------------------
// $close: never retried blindly; a lost answer is reconciled with GET ?secret (spec §3.6)
// ------------------------------------------------------------------------------------------------

const close = (ctx: CellContext) => ctx.app.handlers['erx:closeCase']({ prescriptionId: prescriptionIdOf(ctx.prescription.taskId) });

/** A 5xx BEFORE the commit: GET ?secret finds the Task in progress, so $close is sent once more. */
const closeFailedThenClosedOnceMore =
  (status: number): Cell['run'] =>
  async (ctx) => {
    const closed = await close(ctx);
    expect(closed).toMatchObject({ status: 'closed', readOnly: true });
    expect(ctx.sim.requests.statuses(ctx.prescription.taskId, '$close')).toEqual([status, 200]);
    expect(ctx.sim.requests.count(ctx.prescription.taskId, 'GET'), 'one read between the two').toBe(1);
  };

/** A 5xx AFTER the commit: GET ?secret finds it completed and holds the receipt; no second $close. */
const closeCommittedThenRead =
  (status: number): Cell['run'] =>
  async (ctx) => {
    const closed = await close(ctx);
    expect(closed).toMatchObject({ status: 'closed', readOnly: true });
    expect(closed.receipt).not.toBeNull();
    expect(ctx.sim.requests.statuses(ctx.prescription.taskId, '$close')).toEqual([status]);
    expect((await operationsOf(ctx))[0]).toMatchObject({ operation: 'close', state: 'done', message: expect.stringContaining('Quittung gespeichert') });
  };

const closeCells: Cell[] = [
  {
    fault: '500',
    arm: { status: 500, count: 1 },
    asserts: 'outcome unknown → GET ?secret in-progress → $close once more → receipt',
    run: closeFailedThenClosedOnceMore(500),
  },
  {
    fault: '503',
    arm: { status: 503, count: 1 },
    asserts: 'outcome unknown → GET ?secret in-progress → $close once more → receipt',
    run: closeFailedThenClosedOnceMore(503),
  },
  {
    fault: '500 after commit',
    arm: { status: 500, count: 1, phase: 'after-commit' },
    asserts: 'completed although the answer says 500: the receipt from GET ?secret is stored; no second $close',
    run: closeCommittedThenRead(500),
  },
  {
    fault: '502 after commit',
    arm: { status: 502, count: 1, phase: 'after-commit' },
    asserts: 'a gateway\'s 502 proves nothing: the receipt from GET ?secret is stored',
    run: closeCommittedThenRead(502),
  },
  {
    fault: '504 after commit',
    arm: { status: 504, count: 1, phase: 'after-commit' },
    asserts: 'a gateway\'s 504 proves nothing: the receipt from GET ?secret is stored',
    run: closeCommittedThenRead(504),
  },
  {
    fault: '429',
    arm: { status: 429, count: 1 },
    // resume syncs the app clock with the simulator first, so the hour moved there counts
    asserts: 'queued for an hour; after the hour $close once more → receipt',
    run: async (ctx) => {
      const error = await appErrorOf(close(ctx));
      expect(error).toMatchObject({ code: 'queued', retry: 'hourly', httpStatus: 429 });
      expect((await caseOf(ctx)).status).toBe('dispensed');
      await expectQueuedForAnHourThenResume(ctx, 'close', () => count(ctx, '$close'));
      expect(ctx.sim.requests.statuses(ctx.prescription.taskId, '$close')).toEqual([429, 200]);
    },
  },
  {
    fault: 'delay > timeout',
    arm: { delayMs: SLOW_MS, phase: 'before-commit' },
    asserts: 'timeout → GET ?secret (still in-progress) → $close once more → receipt; the late first $close is refused',
    run: async (ctx) => {
      const closed = await close(ctx);
      expect(closed).toMatchObject({ status: 'closed' });
      await ctx.sim.requests.waitForCount(ctx.prescription.taskId, '$close', 2);
      const statuses = ctx.sim.requests.statuses(ctx.prescription.taskId, '$close');
      expect(statuses[0]).toBe(200);
      expect(statuses.filter((s) => s === 200), 'closed exactly once').toHaveLength(1);
    },
  },
  {
    fault: 'commit-then-drop',
    arm: { phase: 'after-commit', drop: true },
    asserts: 'answer lost → GET ?secret: completed → the receipt from that answer is stored; no second $close',
    run: async (ctx) => {
      const closed = await close(ctx);
      expect(closed).toMatchObject({ status: 'closed', readOnly: true });
      expect(count(ctx, '$close')).toBe(1);
      expect((await operationsOf(ctx))[0]).toMatchObject({ operation: 'close', state: 'done' });
    },
  },
];

// ------------------------------------------------------------------------------------------------
// the matrix
// ------------------------------------------------------------------------------------------------

type Prepare = (app: TestApp, sim: TestSimulator, lot: string) => Promise<Omit<CellContext, 'app' | 'sim'>>;

const prepareAccept: Prepare = async (_app, s) => ({ prescription: await s.fd.createPrescription(), list: [] });
const prepareDispense: Prepare = (a, s, lot) => acceptedPrescription(a, s.fd, lot);
const prepareClose: Prepare = async (a, s, lot) => {
  const ready = await acceptedPrescription(a, s.fd, lot);
  const sent = await a.handlers['erx:submitDispense']({ prescriptionId: prescriptionIdOf(ready.prescription.taskId), entries: ready.list });
  expect(sent.status).toBe('dispensed');
  return ready;
};

const rows: { operation: 'accept' | 'dispense' | 'close'; label: string; prepare: Prepare; cells: Cell[] }[] = [
  { operation: 'accept', label: '$accept (scan)', prepare: prepareAccept, cells: acceptCells },
  { operation: 'dispense', label: '$dispense (submit)', prepare: prepareDispense, cells: dispenseCells },
  { operation: 'close', label: '$close', prepare: prepareClose, cells: closeCells },
];

describe.each(rows)('fault matrix: $label', ({ operation, prepare, cells }) => {
  const runCell = async (cell: Cell): Promise<void> => {
    const a = await openApp();
    const lot = `FM-${operation.slice(0, 3).toUpperCase()}-${cell.fault.replace(/[^0-9a-z]/gi, '').slice(0, 6)}`;
    const ctx: CellContext = { app: a, sim, ...(await prepare(a, sim, lot)) };
    events.length = 0;
    await sim.fd.armFault({ operation, ...cell.arm });

    await cell.run(ctx);

    expect(await sim.fd.armedFaults(), 'the armed fault fired').toEqual([]);
    const end = await expectConsistent(a.view, sim.fd, ctx.prescription);
    if (operation === 'close') {
      expect(end.taskStatus).toBe('completed');
      expect(end.detail.receipt).not.toBeNull();
    } else {
      expect(end.detail.status).toBe('dispensed');
    }
    if (operation !== 'accept') {
      // Exactly the list the pharmacist sent — once, whatever was repeated on the way (A_26482).
      expect(sortedItems(end.stored)).toEqual(sortedItems(dispensedItems(ctx.list)));
    }
  };
  it.each(cells)('$fault → $asserts', runCell);
});

// ------------------------------------------------------------------------------------------------
// $reject / $abort: an answer that does not prove the outcome → GET ?secret before anything final;
// erased only once the outcome is known (A_19251); never sent again without the pharmacist
// ------------------------------------------------------------------------------------------------

const endings = [
  { operation: 'reject', channel: 'erx:rejectCase', call: '$reject', ended: 'rejected', done: 'zurückgegeben' },
  { operation: 'abort', channel: 'erx:abortCase', call: '$abort', ended: 'aborted', done: 'gelöscht' },
] as const;

describe.each(endings)('fault matrix: $call', ({ operation, channel, call, ended, done }) => {
  const prepared = async (lot: string): Promise<CellContext> => {
    const a = await openApp();
    return { app: a, sim, ...(await prepareDispense(a, sim, lot)) };
  };
  const end = (ctx: CellContext) => ctx.app.handlers[channel]({ prescriptionId: prescriptionIdOf(ctx.prescription.taskId), confirmed: true });

  it.each([500, 502, 504])('%i after the commit → GET ?secret shows it done → erased, no second call', async (status) => {
    const ctx = await prepared(`FM-${operation.toUpperCase()}-A${status}`);
    await sim.fd.armFault({ operation, status, count: 1, phase: 'after-commit' });
    const detail = await end(ctx);
    expect(detail.status).toBe(ended);
    expect(ctx.sim.requests.statuses(ctx.prescription.taskId, call)).toEqual([status]);
    expect(detail.prescription, 'personal data erased once the outcome is known').toBeNull();
    expect((await operationsOf(ctx))[0]).toMatchObject({ operation, state: 'done', message: expect.stringContaining('Abgleich') });
    expect(await sim.fd.armedFaults()).toEqual([]);
    await expectConsistent(ctx.app.view, sim.fd, ctx.prescription);
  });

  it('commit-then-drop → GET ?secret shows it done → erased', async () => {
    const ctx = await prepared(`FM-${operation.toUpperCase()}-DROP`);
    await sim.fd.armFault({ operation, count: 1, phase: 'after-commit', drop: true });
    expect((await end(ctx)).status).toBe(ended);
    expect(count(ctx, call)).toBe(1);
    await expectConsistent(ctx.app.view, sim.fd, ctx.prescription);
  });

  it('500 before the commit → GET ?secret: still in progress → nothing erased, not sent again, the pharmacist is asked', async () => {
    const ctx = await prepared(`FM-${operation.toUpperCase()}-B500`);
    await sim.fd.armFault({ operation, status: 500, count: 1 });
    const error = await appErrorOf(end(ctx));
    expect(error.message).toContain(`wurde nicht ${done}`);
    expect(count(ctx, call), 'never repeated without the pharmacist').toBe(1);
    const still = await caseOf(ctx);
    expect(still).toMatchObject({ status: 'accepted', readOnly: false });
    expect(still.prescription).not.toBeNull();
    await expectConsistent(ctx.app.view, sim.fd, ctx.prescription);
    // the pharmacist confirms again: now it goes through
    expect((await end(ctx)).status).toBe(ended);
    await expectConsistent(ctx.app.view, sim.fd, ctx.prescription);
  });

  it('500 after the commit and the read unanswered → owed; the runner reads later and erases, with one call only', async () => {
    const ctx = await prepared(`FM-${operation.toUpperCase()}-OWED`);
    await sim.fd.armFault({ operation, status: 500, count: 1, phase: 'after-commit' });
    await sim.fd.armFault({ operation: 'getBySecret', status: 503, count: 20 });
    const error = await appErrorOf(end(ctx));
    expect(error).toMatchObject({ code: 'queued', retry: 'reconcile' });
    expect((await caseOf(ctx)).prescription, 'nothing erased while the outcome is unknown').not.toBeNull();
    expect((await operationsOf(ctx))[0]).toMatchObject({ operation, state: 'pending', reason: 'outcome-unknown' });
    await sim.fd.clearFaults();
    await ctx.app.handlers['erx:resumePendingOperations']({});
    expect((await caseOf(ctx)).status).toBe(ended);
    expect(count(ctx, call)).toBe(1);
    await expectConsistent(ctx.app.view, sim.fd, ctx.prescription);
  });
});

// ------------------------------------------------------------------------------------------------
// reads: retried with backoff (A_25460), including the reconciliation's own GET
// ------------------------------------------------------------------------------------------------

describe('fault matrix: reads', () => {
  it('GET ?secret („Quittung erneut abrufen“) answered 503 twice → retried, the receipt is stored', async () => {
    const a = await openApp();
    const ready = await prepareClose(a, sim, 'FM-READ-1');
    const id = prescriptionIdOf(ready.prescription.taskId);
    await a.handlers['erx:closeCase']({ prescriptionId: id });
    const before = sim.requests.count(id, 'GET');
    await sim.fd.armFault({ operation: 'getBySecret', status: 503, count: 2 });

    const refetched = await a.handlers['erx:refetchReceipt']({ prescriptionId: id });
    expect(refetched.receipt).not.toBeNull();
    expect(sim.requests.statuses(id, 'GET').slice(before)).toEqual([503, 503, 200]);
    expect(retryEvents().map((p) => p.operation)).toEqual(['getBySecret', 'getBySecret']);
    await expectConsistent(a.view, sim.fd, ready.prescription);
  });

  it('the reconciliation read after a lost $dispense answer is itself retried (GET ?secret 503 once)', async () => {
    const a = await openApp();
    const ready = await prepareDispense(a, sim, 'FM-READ-2');
    const id = prescriptionIdOf(ready.prescription.taskId);
    await sim.fd.armFault({ operation: 'dispense', phase: 'after-commit', drop: true });
    await sim.fd.armFault({ operation: 'getBySecret', status: 503, count: 1 });

    const sent = await a.handlers['erx:submitDispense']({ prescriptionId: id, entries: ready.list });
    expect(sent.status).toBe('dispensed');
    expect(sim.requests.count(id, '$dispense')).toBe(1);
    expect(sim.requests.statuses(id, 'GET')).toEqual([503, 200]);
    await expectConsistent(a.view, sim.fd, ready.prescription);
  });

  it('FAST_NETWORK is what the app runs with (the cells above depend on millisecond timeouts)', async () => {
    const a = await openApp();
    expect((await a.handlers['erx:getAppInfo']({})).network).toEqual({
      requestTimeoutMs: FAST_NETWORK.requestTimeoutMs,
      retryBaseMs: FAST_NETWORK.retryBaseMs,
      maxAttempts: FAST_NETWORK.maxAttempts,
    });
  });
});

// ------------------------------------------------------------------------------------------------
// the slow first call lands after the reconciliation read but before the repeated call
// ------------------------------------------------------------------------------------------------

/**
 * Timeline (T = request timeout 1000 ms): the first call waits 1650 ms and then commits; the app gives up at
 * T and reconciles — its GET is held 300 ms (evaluated at ~1300: not yet done) — then repeats the call, which
 * is held 700 ms (evaluated at ~2000, after the first committed, and answered before its own timeout at
 * ~2300). The Fachdienst has done what the app asked, but the repeat is refused because of it.
 */
const OVERTAKING_NETWORK = { ...FAST_NETWORK, requestTimeoutMs: 1000 };
const OVERTAKE = { firstDelayMs: 1650, readDelayMs: 300, repeatDelayMs: 700 };

describe('fault matrix: the late first call overtakes the reconciliation', () => {

  async function openSlowApp(): Promise<TestApp> {
    app = await startTestApp(sim.handle.url, OVERTAKING_NETWORK);
    return app;
  }

  // The slow first $accept lands after GET ?ac said 412: the repeat's 409 „processed by requesting institution“
  // says the Task is ours after all — the app reads the Secret back (claim.ts readBackOwnClaim).
  it('$accept: the repeat answers 409 "processed by requesting institution" → the app still ends with the case', async () => {
    const a = await openSlowApp();
    const prescription = await sim.fd.createPrescription();
    await sim.fd.armFault({ operation: 'accept', delayMs: OVERTAKE.firstDelayMs });
    await sim.fd.armFault({ operation: 'getByAc', delayMs: OVERTAKE.readDelayMs });
    await sim.fd.armFault({ operation: 'accept', delayMs: OVERTAKE.repeatDelayMs });

    await scan(a.handlers, prescription);
    await sim.requests.waitForCount(prescription.taskId, '$accept', 2);
    expect(sim.requests.statuses(prescription.taskId, '$accept')).toEqual([200, 409]);
    await a.handlers['erx:resumePendingOperations']({});

    expect(await sim.fd.taskStatus(prescription)).toBe('in-progress');
    await expectConsistent(a.view, sim.fd, prescription);
  });

  // The slow first $close completes the Task after GET ?secret said in-progress: the repeat's 403 is reconciled
  // once more and the receipt stored (close-flow.ts), so the case cannot get stuck.
  it('$close: the repeat answers 403 (already completed) → the app still ends closed with the receipt', async () => {
    const a = await openSlowApp();
    const ready = await prepareClose(a, sim, 'FM-RACE-CL');
    const id = prescriptionIdOf(ready.prescription.taskId);
    await sim.fd.armFault({ operation: 'close', delayMs: OVERTAKE.firstDelayMs });
    await sim.fd.armFault({ operation: 'getBySecret', delayMs: OVERTAKE.readDelayMs });
    await sim.fd.armFault({ operation: 'close', delayMs: OVERTAKE.repeatDelayMs });

    await a.handlers['erx:closeCase']({ prescriptionId: id }).catch(() => undefined);
    await sim.requests.waitForCount(id, '$close', 2);
    expect(sim.requests.statuses(id, '$close')).toEqual([200, 403]);
    expect(await sim.fd.taskStatus(ready.prescription)).toBe('completed');
    // What the pharmacist would do next: resume, then „Abschließen“ once more.
    await a.handlers['erx:resumePendingOperations']({});
    await a.handlers['erx:closeCase']({ prescriptionId: id }).catch(() => undefined);

    const end = await expectConsistent(a.view, sim.fd, ready.prescription);
    expect(end.detail.status).toBe('closed');
  });
});
