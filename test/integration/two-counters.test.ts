/**
 * Two counters, one pharmacy (issue 18 item 9, docs/multi-counter.md): two browser-mode processes with their own data
 * folders on ONE throwaway PostgreSQL and ONE external simulator, driven through their HTTP bridges like the page —
 * counter 1 accepts, counter 2 sees the case (decrypted with the pharmacy key it got by enrolment) and who holds it;
 * an owed $dispense is completed exactly once while both run (only the background owner resumes it); the owner is
 * killed (SIGKILL) and the other counter takes the background work over and completes what was left owed.
 *
 * Needs `npm run build` (npm test builds first) and the Debian package `postgresql`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetail, CaseLease, PendingOperation, ScanOutcome } from '../../shared/ipc/contract';
import { startPharmacyProcesses, type CounterProcess, type PharmacyProcesses } from './support/counter-processes';
import type { CreatedPrescription } from './support/fachdienst-side';
import { pollUntil } from './support/poll';

const TEST_TIMEOUT_MS = 60_000;
/** fast retries and probes: the owed operation waits for a healed simulator, not for minutes */
const NETWORK_ARGS = ['--request-timeout-ms', '1500', '--retry-base-ms', '5', '--retry-max-delay-ms', '20', '--max-attempts', '2', '--probe-interval-ms', '100'];

let pharmacy: PharmacyProcesses;
type Counter = CounterProcess;

beforeAll(async () => {
  pharmacy = await startPharmacyProcesses('erx-two');
}, TEST_TIMEOUT_MS);

afterAll(async () => {
  await pharmacy?.stop();
});

async function startCounter(name: string, kuerzel: string): Promise<Counter> {
  const counter = await pharmacy.startCounter(name, kuerzel, NETWORK_ARGS);
  // the store's address is printed without any password (§2)
  expect(counter.process.output()).toContain(`store: postgres://erx@127.0.0.1:${pharmacy.cluster.port}/erx_test`);
  return counter;
}

async function accept(counter: Counter, prescription: CreatedPrescription): Promise<CaseDetail> {
  const { results } = await counter.bridge.invoke<{ results: ScanOutcome[] }>('scanCode', { text: prescription.token });
  expect(results[0]).toMatchObject({ ok: true, outcome: 'accepted' });
  return counter.bridge.getCase(prescription.taskId);
}

const withLot = (detail: CaseDetail, lot: string) => detail.draft!.map((entry) => ({ ...entry, batch: { lot, expiry: '2029-12-31' } }));

function settled(counter: Counter, taskId: string): Promise<PendingOperation[]> {
  return pollUntil(
    async () => (await counter.bridge.listPendingOperations()).filter((op) => op.prescriptionId === taskId),
    (ops) => ops.length > 0 && ops.every((op) => op.state !== 'pending'),
    { what: `the owed operations of ${taskId} to be settled`, timeoutMs: 15_000, intervalMs: 50 },
  );
}

/** Makes a $dispense owed: every attempt gets no answer and the list is not stored (the Fachdienst never saw it). */
async function owedDispense(counter: Counter, prescription: CreatedPrescription, detail: CaseDetail, lot: string): Promise<void> {
  await pharmacy.fd.armFault({ operation: 'dispense', phase: 'before-commit', drop: true, count: 20 });
  const outcome = await counter.bridge.call('submitDispense', { prescriptionId: prescription.taskId, entries: withLot(detail, lot) });
  expect(outcome).toMatchObject({ ok: false, error: { code: 'queued' } });
  expect(await pharmacy.fd.storedDispenses(prescription)).toEqual([]);
}

describe('two counters on one PostgreSQL', () => {
  it('share one pharmacy: the case, who holds it, one owed operation completed once, and the background work taken over when its owner dies', { timeout: TEST_TIMEOUT_MS * 2 }, async () => {
    const kasse1 = await startCounter('Kasse 1', 'AB');
    const kasse2 = await startCounter('Kasse 2', 'CD');

    // counter 1 accepts, counter 2 sees the case with the patient's name (same pharmacy key, §5) and who holds it
    const first = await pharmacy.fd.createPrescription();
    const detail = await accept(kasse1, first);
    const seen = await kasse2.bridge.getCase(first.taskId);
    expect(seen.prescription?.patient.name).toBe(detail.prescription?.patient.name);
    expect((await kasse2.bridge.listCases()).map((c) => c.prescriptionId)).toContain(first.taskId);
    expect(await kasse1.bridge.invoke<CaseLease>('holdCase', { prescriptionId: first.taskId })).toMatchObject({ mine: true });
    expect(await kasse2.bridge.invoke<CaseLease>('holdCase', { prescriptionId: first.taskId })).toEqual({ mine: false, counter: 'Kasse 1', staff: 'AB', busy: false });
    expect(await kasse2.bridge.call('submitDispense', { prescriptionId: first.taskId, entries: withLot(seen, 'K2') })).toMatchObject({ ok: false, error: { code: 'case-leased' } });

    // an owed $dispense, completed once while both counters run: only the background owner (counter 1) resumes it
    await owedDispense(kasse1, first, detail, 'OWED-1');
    await pharmacy.fd.clearFaults();
    const ops = await settled(kasse1, first.taskId);
    expect(ops.every((op) => op.state === 'done')).toBe(true);
    expect(await pharmacy.fd.storedDispenses(first)).toEqual([expect.objectContaining({ lot: 'OWED-1' })]);
    expect(pharmacy.sim.requests.statuses(first.taskId, '$dispense').filter((s) => s === 204)).toHaveLength(1);
    // counter 2 learns it from the store, not from its own call
    expect((await kasse2.bridge.getCase(first.taskId)).status).toBe('dispensed');

    // counter 1 dies with an operation owed; counter 2 takes the background work over and completes it
    const second = await pharmacy.fd.createPrescription();
    const secondDetail = await accept(kasse1, second);
    await owedDispense(kasse1, second, secondDetail, 'OWED-2');
    // killed while the Fachdienst still fails: whatever completes the operation afterwards is counter 2
    await kasse1.process.kill('SIGKILL');
    await pharmacy.fd.clearFaults();
    const taken = await settled(kasse2, second.taskId);
    expect(taken.every((op) => op.state === 'done')).toBe(true);
    expect(await pharmacy.fd.storedDispenses(second)).toEqual([expect.objectContaining({ lot: 'OWED-2' })]);
    expect(pharmacy.sim.requests.statuses(second.taskId, '$dispense').filter((s) => s === 204)).toHaveLength(1);
  });
});
