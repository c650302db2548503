/**
 * Crash safety across counters (README „Reliability and security“: nothing lost, nothing decided by a lost answer;
 * docs/multi-counter.md §4: the background owner continues what a dead counter left): browser-mode processes on ONE
 * throwaway PostgreSQL and ONE simulator process; the counter that holds the background work is killed (SIGKILL, no
 * shutdown code runs) while its `$dispense` is in flight, and the next counter takes the background work over:
 * - the Fachdienst had committed (its answer held back): the other counter reconciles with GET ?secret, finds the
 *   list and confirms it — the list is not sent a second time;
 * - the Fachdienst had not acted (the call held, then refused): the other counter reads that the list is missing
 *   and sends it — exactly one `$dispense` succeeds, nothing is lost.
 * The journal row written before the call (docs/reliability.md) is what the other counter finds; the dead counter's
 * busy mark ends with its session (case-leases.ts), so nobody waits for it.
 *
 * Needs `npm run build` (npm test builds first) and the Debian package `postgresql`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetail, PendingOperation, ScanOutcome } from '../../shared/ipc/contract';
import type { BridgeResult } from './support/bridge-client';
import { startPharmacyProcesses, type CounterProcess, type PharmacyProcesses } from './support/counter-processes';
import { dispensedItems, sortedItems, type CreatedPrescription } from './support/fachdienst-side';
import { expectConsistent } from './support/consistency';
import { pollUntil } from './support/poll';

const TEST_TIMEOUT_MS = 60_000;
/** the simulator holds the answer (or the call) this long: the counter is killed inside this window */
const HELD_MS = 1500;
/** the next counter takes the lock within --background-retry-ms and reconciles at once */
const TAKEN_OVER_WITHIN_MS = 15_000;
/** the request timeout is longer than HELD_MS, so the counter does not give up before it is killed */
const NETWORK_ARGS = ['--request-timeout-ms', '5000', '--retry-base-ms', '5', '--retry-max-delay-ms', '20', '--max-attempts', '3', '--probe-interval-ms', '100'];

let pharmacy: PharmacyProcesses;

beforeAll(async () => {
  pharmacy = await startPharmacyProcesses('erx-crash2');
}, TEST_TIMEOUT_MS);

afterAll(async () => {
  await pharmacy?.stop();
});

/** A counter as its own process (browser mode) on the shared store; the first one started owns the background work. */
const startCounter = (name: string, kuerzel: string): Promise<CounterProcess> => pharmacy.startCounter(name, kuerzel, NETWORK_ARGS);

async function acceptedWithList(counter: CounterProcess, lot: string): Promise<{ prescription: CreatedPrescription; entries: CaseDetail['draft'] }> {
  const prescription = await pharmacy.fd.createPrescription();
  const { results } = await counter.bridge.invoke<{ results: ScanOutcome[] }>('scanCode', { text: prescription.token });
  expect(results[0]).toMatchObject({ ok: true, outcome: 'accepted' });
  const detail = await counter.bridge.getCase(prescription.taskId);
  return { prescription, entries: detail.draft!.map((entry) => ({ ...entry, batch: { lot, expiry: '2029-12-31' } })) };
}

/** A bridge call the kill cuts: it must not deliver an answer. */
function inFlight<T>(call: Promise<BridgeResult<T>>): Promise<BridgeResult<T> | Error> {
  return call.catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
}

async function kill(counter: CounterProcess): Promise<void> {
  await counter.process.kill('SIGKILL');
  expect(counter.process.child.signalCode).toBe('SIGKILL');
}

/** Waits until `counter` shows every owed operation of the prescription settled (as the background owner made it). */
function settledAt(counter: CounterProcess, taskId: string): Promise<PendingOperation[]> {
  return pollUntil(
    async () => (await counter.bridge.listPendingOperations()).filter((op) => op.prescriptionId === taskId),
    (ops) => ops.length > 0 && ops.every((op) => op.state !== 'pending'),
    { what: `${counter.name} to settle what was owed for ${taskId}`, timeoutMs: TAKEN_OVER_WITHIN_MS, intervalMs: 50 },
  );
}

describe('the background owner is killed mid-$dispense; another counter takes over', () => {
  let kasse2: CounterProcess;

  it('after the Fachdienst committed: the other counter reconciles and confirms — the list is not sent twice', { timeout: TEST_TIMEOUT_MS }, async () => {
    const kasse1 = await startCounter('Kasse 1', 'AB');
    kasse2 = await startCounter('Kasse 2', 'CD');
    const { prescription, entries } = await acceptedWithList(kasse1, 'CRASH-COMMITTED');
    const id = prescription.taskId;
    await pharmacy.fd.armFault({ operation: 'dispense', phase: 'after-commit', delayMs: HELD_MS });

    const answer = inFlight(kasse1.bridge.call<CaseDetail>('submitDispense', { prescriptionId: id, entries }));
    await pollUntil(() => pharmacy.fd.storedDispenses(prescription), (stored) => stored.length > 0, { what: 'the committed $dispense', timeoutMs: HELD_MS });
    await kill(kasse1);
    expect(await answer, 'killed before the answer arrived').toBeInstanceOf(Error);

    expect(await settledAt(kasse2, id)).toEqual([expect.objectContaining({ operation: 'dispense', state: 'done', message: expect.stringContaining('angekommen') })]);
    await pharmacy.sim.requests.waitForCount(id, '$dispense', 1);
    const end = await expectConsistent(kasse2.bridge, pharmacy.fd, prescription);
    expect(end.detail.status).toBe('dispensed');
    expect(sortedItems(dispensedItems(end.detail.confirmedEntries ?? []))).toEqual(sortedItems(dispensedItems(entries ?? [])));
    expect(pharmacy.sim.requests.count(id, '$dispense'), 'the list was not sent a second time').toBe(1);
  });

  it('before the Fachdienst acted: the other counter finds the list missing and sends it — exactly once', { timeout: TEST_TIMEOUT_MS }, async () => {
    // Kasse 2 owns the background work now; Kasse 3 is the one to take it over
    const kasse3 = await startCounter('Kasse 3', 'AB');
    const { prescription, entries } = await acceptedWithList(kasse2, 'CRASH-LOST');
    const id = prescription.taskId;
    // held, then refused: this $dispense never happens
    await pharmacy.fd.armFault({ operation: 'dispense', phase: 'before-commit', delayMs: HELD_MS, status: 503 });

    const answer = inFlight(kasse2.bridge.call<CaseDetail>('submitDispense', { prescriptionId: id, entries }));
    await pollUntil(() => pharmacy.fd.armedFaults(), (armed) => armed.length === 0, { what: 'the $dispense held by the simulator', timeoutMs: HELD_MS });
    await kill(kasse2);
    expect(await answer, 'killed before the answer arrived').toBeInstanceOf(Error);

    expect(await settledAt(kasse3, id)).toEqual([expect.objectContaining({ operation: 'dispense', state: 'done' })]);
    // the held call is logged once the simulator refused it: then every $dispense of this prescription is counted
    await pharmacy.sim.requests.waitForCount(id, '$dispense', 2, TAKEN_OVER_WITHIN_MS);
    const end = await expectConsistent(kasse3.bridge, pharmacy.fd, prescription);
    expect(sortedItems(end.stored)).toEqual(sortedItems(dispensedItems(entries ?? [])));
    expect(pharmacy.sim.requests.statuses(id, '$dispense').sort()).toEqual([204, 503]);
  });
});
