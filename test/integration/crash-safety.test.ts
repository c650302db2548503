/**
 * Crash safety with real processes (nothing lost, nothing sent twice; architecture §7: a submission is written as
 * pending BEFORE the call): the simulator runs as `node out/node/simulator.mjs --data DIR`, the app as browser mode
 * `node out/node/web.mjs --fachdienst URL` with millisecond timeouts, driven through its HTTP bridge. The
 * operation is cut at the worst moment — the Fachdienst has committed, the answer is still on its way — by
 * SIGKILL of the app (no shutdown code runs), by a cut connection, or by killing the simulator. Afterwards the
 * app reconciles on its own (startup / connection restored) and the local state must equal the Fachdienst's,
 * with nothing sent twice.
 *
 * Needs `npm run build` (npm test builds first).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import type { CaseDetail, ConnectionStatus, PendingOperation, ScanOutcome } from '../../shared/ipc/contract';
import { BridgeClient, type BridgeResult } from './support/bridge-client';
import { expectConsistent } from './support/consistency';
import { dispensedItems, FachdienstSide, sortedItems, type CreatedPrescription } from './support/fachdienst-side';
import { pollUntil } from './support/poll';
import { requireBuild, startAppProcess, startSimulatorProcess, stopAll, type AppProcess, type SimulatorProcess } from './support/processes';

/** The answer is held this long after the commit: the app is killed inside this window. */
const SLOW_ANSWER_MS = 1500;
/** How long the restarted app may take to reconcile on its own. */
const RECONCILE_WITHIN_MS = 5000;
/** Millisecond settings (timeouts and backoff are settings); the timeout is longer than SLOW_ANSWER_MS so the app does not give up first. */
const NETWORK = { requestTimeoutMs: 3000, retryBaseMs: 5, retryMaxDelayMs: 20, maxAttempts: 3, probeIntervalMs: 100 };
const TEST_TIMEOUT_MS = 30_000;

const dirs: string[] = [];
const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

let sim: SimulatorProcess;
let fd: FachdienstSide;
const apps: AppProcess[] = [];

beforeAll(async () => {
  requireBuild();
  sim = await startSimulatorProcess(tempDir('erx-crash-sim-'));
  fd = new FachdienstSide(sim.url);
}, TEST_TIMEOUT_MS);

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.process.kill()));
  await fd?.clearFaults().catch(() => undefined);
});

afterAll(async () => {
  await stopAll();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function startApp(dataDir: string, fachdienstUrl = sim.url): Promise<BridgeClient> {
  const app = await startAppProcess(dataDir, fachdienstUrl, NETWORK);
  apps.push(app);
  const bridge = await BridgeClient.connect(app.appUrl);
  await bridge.invoke('setStaff', { kuerzel: 'AB' });
  return bridge;
}

async function killApp(): Promise<void> {
  const app = apps.pop();
  if (!app) throw new Error('no app running');
  await app.process.kill('SIGKILL');
  expect(app.process.child.signalCode).toBe('SIGKILL');
}

async function scanned(bridge: BridgeClient, prescription: CreatedPrescription): Promise<ScanOutcome> {
  const { results } = await bridge.invoke<{ results: ScanOutcome[] }>('scanCode', { text: prescription.token });
  expect(results).toHaveLength(1);
  return results[0]!;
}

async function acceptedWithList(bridge: BridgeClient, fachdienst: FachdienstSide, lot: string): Promise<{ prescription: CreatedPrescription; list: DispenseEntry[] }> {
  const prescription = await fachdienst.createPrescription();
  expect(await scanned(bridge, prescription)).toMatchObject({ ok: true, outcome: 'accepted' });
  const detail = await bridge.getCase(prescription.taskId);
  const list = detail.draft!.map((entry) => ({ ...entry, batch: { lot, expiry: '2029-12-31' } }));
  return { prescription, list };
}

/** Waits until the app owes the Fachdienst nothing for this prescription; returns its operations. */
function settled(bridge: BridgeClient, taskId: string): Promise<PendingOperation[]> {
  return pollUntil(
    async () => (await bridge.listPendingOperations()).filter((op) => op.prescriptionId === taskId),
    (ops) => ops.length > 0 && ops.every((op) => op.state !== 'pending'),
    { what: `the owed operations of ${taskId} to be settled`, timeoutMs: RECONCILE_WITHIN_MS, intervalMs: 50 },
  );
}

/** Waits until the simulator took the armed fault: the call has arrived and is being held there. */
function heldBySimulator(fachdienst: FachdienstSide, what: string): Promise<unknown[]> {
  return pollUntil(() => fachdienst.armedFaults(), (armed) => armed.length === 0, { what: `${what} held by the simulator`, timeoutMs: SLOW_ANSWER_MS });
}

/** A bridge call that is cut by the kill: it must not have delivered an answer. */
function inFlight<T>(call: Promise<BridgeResult<T>>): Promise<BridgeResult<T> | Error> {
  return call.catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
}

describe('crash safety: the app is killed while its call is in flight (the Fachdienst has committed)', () => {
  it('$dispense: restart → GET ?secret finds the list → confirmed, not sent again', { timeout: TEST_TIMEOUT_MS }, async () => {
    const dataDir = tempDir('erx-crash-app-');
    const first = await startApp(dataDir);
    const { prescription, list } = await acceptedWithList(first, fd, 'CRASH-D1');
    const id = prescription.taskId;
    await fd.armFault({ operation: 'dispense', phase: 'after-commit', delayMs: SLOW_ANSWER_MS });

    const answer = inFlight(first.call<CaseDetail>('submitDispense', { prescriptionId: id, entries: list }));
    // Kill as soon as the Fachdienst holds the list — its answer is still held back.
    await pollUntil(() => fd.storedDispenses(prescription), (stored) => stored.length > 0, { what: 'the committed $dispense', timeoutMs: SLOW_ANSWER_MS });
    await killApp();
    expect(await answer, 'killed before the answer arrived').toBeInstanceOf(Error);

    const restarted = await startApp(dataDir);
    const ops = await settled(restarted, id);
    expect(ops).toEqual([expect.objectContaining({ operation: 'dispense', state: 'done', message: expect.stringContaining('angekommen') })]);
    await sim.requests.waitForCount(id, '$dispense', 1);

    const end = await expectConsistent(restarted, fd, prescription);
    expect(end.detail.status).toBe('dispensed');
    expect(sortedItems(dispensedItems(end.detail.confirmedEntries ?? []))).toEqual(sortedItems(dispensedItems(list)));
    expect(sim.requests.count(id, '$dispense'), 'the list was not sent a second time').toBe(1);
    expect(end.detail.submissions.map((s) => s.state)).toEqual(['confirmed']);
  });

  it('$close: restart → GET ?secret finds it completed → the receipt is stored, no second $close', { timeout: TEST_TIMEOUT_MS }, async () => {
    const dataDir = tempDir('erx-crash-app-');
    const first = await startApp(dataDir);
    const { prescription, list } = await acceptedWithList(first, fd, 'CRASH-C1');
    const id = prescription.taskId;
    await first.invoke('submitDispense', { prescriptionId: id, entries: list });
    await fd.armFault({ operation: 'close', phase: 'after-commit', delayMs: SLOW_ANSWER_MS });

    const answer = inFlight(first.call<CaseDetail>('closeCase', { prescriptionId: id }));
    await pollUntil(() => fd.taskStatus(prescription), (status) => status === 'completed', { what: 'the committed $close', timeoutMs: SLOW_ANSWER_MS });
    await killApp();
    expect(await answer, 'killed before the answer arrived').toBeInstanceOf(Error);

    const restarted = await startApp(dataDir);
    const ops = await settled(restarted, id);
    expect(ops).toEqual([expect.objectContaining({ operation: 'close', state: 'done' })]);
    await sim.requests.waitForCount(id, '$close', 1);

    const end = await expectConsistent(restarted, fd, prescription);
    expect(end.detail).toMatchObject({ status: 'closed', readOnly: true });
    expect(end.detail.receipt).not.toBeNull();
    expect(sim.requests.count(id, '$close')).toBe(1);
  });

  it('$accept (scan): restart → GET ?ac → the case with its Secret, exactly one case, no second $accept', { timeout: TEST_TIMEOUT_MS }, async () => {
    const dataDir = tempDir('erx-crash-app-');
    const first = await startApp(dataDir);
    const prescription = await fd.createPrescription();
    const id = prescription.taskId;
    await fd.armFault({ operation: 'accept', phase: 'after-commit', delayMs: SLOW_ANSWER_MS });

    const answer = inFlight(first.call<{ results: ScanOutcome[] }>('scanCode', { text: prescription.token }));
    await pollUntil(() => fd.taskStatus(prescription), (status) => status === 'in-progress', { what: 'the committed $accept', timeoutMs: SLOW_ANSWER_MS });
    await killApp();
    expect(await answer, 'killed before the answer arrived').toBeInstanceOf(Error);

    const restarted = await startApp(dataDir);
    const ops = await settled(restarted, id);
    expect(ops).toEqual([expect.objectContaining({ operation: 'accept', state: 'done', message: expect.stringContaining('bereits zugeordnet') })]);
    await sim.requests.waitForCount(id, '$accept', 1);

    const end = await expectConsistent(restarted, fd, prescription);
    expect(end.detail).toMatchObject({ status: 'accepted', secretMissing: false });
    expect(end.taskStatus).toBe('in-progress');
    expect(sim.requests.count(id, '$accept'), 'claimed once').toBe(1);
    // The recovered Secret is the Fachdienst's: the next $dispense with it goes through.
    const list = end.detail.draft!.map((entry) => ({ ...entry, batch: { lot: 'CRASH-A1', expiry: '2029-12-31' } }));
    expect(await restarted.invoke<CaseDetail>('submitDispense', { prescriptionId: id, entries: list })).toMatchObject({ status: 'dispensed' });
    await expectConsistent(restarted, fd, prescription);
  });
});

describe('crash safety: the app is killed before the Fachdienst acted', () => {
  it('$accept (scan): restart → GET ?ac 412 → one new $accept claims it', { timeout: TEST_TIMEOUT_MS }, async () => {
    const dataDir = tempDir('erx-crash-app-');
    const first = await startApp(dataDir);
    const prescription = await fd.createPrescription();
    const id = prescription.taskId;
    // Held, then refused: this $accept never happens.
    await fd.armFault({ operation: 'accept', phase: 'before-commit', delayMs: SLOW_ANSWER_MS, status: 503 });

    const answer = inFlight(first.call<{ results: ScanOutcome[] }>('scanCode', { text: prescription.token }));
    await heldBySimulator(fd, 'the $accept');
    await killApp();
    expect(await answer).toBeInstanceOf(Error);
    expect(await fd.taskStatus(prescription)).toBe('ready');

    const restarted = await startApp(dataDir);
    const ops = await settled(restarted, id);
    expect(ops).toEqual([expect.objectContaining({ operation: 'accept', state: 'done', message: expect.stringContaining('einmal erneut abgerufen') })]);
    await sim.requests.waitForCount(id, '$accept', 2);

    const end = await expectConsistent(restarted, fd, prescription);
    expect(end.detail).toMatchObject({ status: 'accepted', secretMissing: false });
    // The held first call ends 503 whenever it ends; exactly one $accept went through.
    expect([...sim.requests.statuses(id, '$accept')].sort((a, b) => a - b)).toEqual([200, 503]);
  });
});

describe('crash safety: the connection is cut after the commit (app keeps running)', () => {
  it('$close commit-then-drop → GET ?secret: completed → receipt stored, Task completed', { timeout: TEST_TIMEOUT_MS }, async () => {
    const bridge = await startApp(tempDir('erx-crash-app-'));
    const { prescription, list } = await acceptedWithList(bridge, fd, 'CRASH-C2');
    const id = prescription.taskId;
    await bridge.invoke('submitDispense', { prescriptionId: id, entries: list });
    await fd.armFault({ operation: 'close', phase: 'after-commit', drop: true });

    const closed = await bridge.invoke<CaseDetail>('closeCase', { prescriptionId: id });
    expect(closed).toMatchObject({ status: 'closed', readOnly: true });
    expect(closed.receipt).not.toBeNull();

    const end = await expectConsistent(bridge, fd, prescription);
    expect(end.taskStatus).toBe('completed');
    expect(sim.requests.count(id, '$close')).toBe(1);
  });
});

describe('crash safety: the simulator process dies mid-operation', () => {
  it('$dispense in flight, simulator killed → queued offline → simulator back → sent once, consistent', { timeout: TEST_TIMEOUT_MS }, async () => {
    const simDir = tempDir('erx-crash-sim2-');
    let own = await startSimulatorProcess(simDir);
    const ownFd = new FachdienstSide(own.url);
    const bridge = await startApp(tempDir('erx-crash-app-'), own.url);
    const { prescription, list } = await acceptedWithList(bridge, ownFd, 'CRASH-S1');
    const id = prescription.taskId;
    // Held before the commit: the simulator dies with the call inside, so nothing is stored.
    await ownFd.armFault({ operation: 'dispense', phase: 'before-commit', delayMs: SLOW_ANSWER_MS });

    const answer = bridge.call<CaseDetail>('submitDispense', { prescriptionId: id, entries: list });
    await heldBySimulator(ownFd, 'the $dispense');
    await own.process.kill('SIGKILL');

    const result = await answer;
    expect(result).toMatchObject({ ok: false, error: { code: 'queued' } });
    const queued = (await bridge.listPendingOperations()).filter((op) => op.prescriptionId === id);
    expect(queued).toEqual([expect.objectContaining({ operation: 'dispense', state: 'pending', reason: 'offline' })]);
    expect((await bridge.getCase(id)).draft, 'the draft is not lost').toEqual(list);
    const connection = await bridge.invoke<ConnectionStatus>('getConnection');
    expect(connection).toMatchObject({ state: 'offline', failedHop: 'network' });

    // Same port, same data: the app's probe sees it again and completes what it owes (A_23815).
    own = await startSimulatorProcess(simDir, own.port, own.requests);
    const ops = await settled(bridge, id);
    expect(ops).toEqual([expect.objectContaining({ operation: 'dispense', state: 'done' })]);

    const end = await expectConsistent(bridge, ownFd, prescription);
    expect(end.detail.status).toBe('dispensed');
    expect(own.requests.statuses(id, '$dispense'), 'sent once to the restarted simulator').toEqual([204]);
    await own.process.kill('SIGKILL');
  });
});
