/**
 * Two counters, one pharmacy (issue 18 item 9, docs/multi-counter.md): two browser-mode processes with their own data
 * folders on ONE throwaway PostgreSQL and ONE external simulator, driven through their HTTP bridges like the page —
 * counter 1 accepts, counter 2 sees the case (decrypted with the pharmacy key it got by enrolment) and who holds it;
 * an owed $dispense is completed exactly once while both run (only the background owner resumes it); the owner is
 * killed (SIGKILL) and the other counter takes the background work over and completes what was left owed.
 *
 * Needs `npm run build` (npm test builds first) and the Debian package `postgresql`.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetail, CaseLease, PendingOperation, PharmacySetup, ScanOutcome } from '../../shared/ipc/contract';
import { BridgeClient } from './support/bridge-client';
import { FachdienstSide, type CreatedPrescription } from './support/fachdienst-side';
import { pollUntil } from './support/poll';
import { startPostgresCluster, type PostgresCluster } from './support/postgres-cluster';
import { requireBuild, startNode, startSimulatorProcess, stopAll, WEB_ENTRY, type NodeProcess, type SimulatorProcess } from './support/processes';

const TEST_TIMEOUT_MS = 60_000;
/** fast retries and probes: the owed operation waits for a healed simulator, not for minutes */
const NETWORK_ARGS = ['--request-timeout-ms', '1500', '--retry-base-ms', '5', '--retry-max-delay-ms', '20', '--max-attempts', '2', '--probe-interval-ms', '100'];

const dirs: string[] = [];
const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

let cluster: PostgresCluster;
let sim: SimulatorProcess;
let fd: FachdienstSide;
let passphraseFile: string;

interface Counter {
  process: NodeProcess;
  bridge: BridgeClient;
}

beforeAll(async () => {
  requireBuild();
  cluster = await startPostgresCluster();
  sim = await startSimulatorProcess(tempDir('erx-two-sim-'));
  fd = new FachdienstSide(sim.url);
  passphraseFile = join(tempDir('erx-two-secret-'), 'passphrase');
  writeFileSync(passphraseFile, 'Apotheke am Markt – gemeinsame Passphrase 2026\n', { mode: 0o600 });
  chmodSync(passphraseFile, 0o600);
}, TEST_TIMEOUT_MS);

afterAll(async () => {
  await stopAll();
  await cluster?.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function startCounter(name: string, kuerzel: string): Promise<Counter> {
  const args = ['--port', '0', '--data', tempDir('erx-two-app-'), '--fachdienst', sim.url, '--store', cluster.connectionString];
  args.push('--enrol-passphrase-file', passphraseFile, '--background-retry-ms', '200', ...NETWORK_ARGS);
  const { process, match } = await startNode(WEB_ENTRY, args, /^app: (http:\/\/127\.0\.0\.1:\d+\/)\s*$/, {
    env: { ...globalThis.process.env, PGPASSFILE: cluster.passfile },
    timeoutMs: 30_000,
  });
  // the store's address is printed without any password (§2)
  expect(process.output()).toContain(`store: postgres://erx@127.0.0.1:${cluster.port}/erx_test`);
  const bridge = await BridgeClient.connect(match);
  const setup = await bridge.invoke<PharmacySetup>('getPharmacySetup', {});
  await bridge.invoke('savePharmacySetup', { staff: setup.staff, counterName: name, pharmacy: setup.pharmacy });
  await bridge.invoke('setStaff', { kuerzel });
  return { process, bridge };
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
  await fd.armFault({ operation: 'dispense', phase: 'before-commit', drop: true, count: 20 });
  const outcome = await counter.bridge.call('submitDispense', { prescriptionId: prescription.taskId, entries: withLot(detail, lot) });
  expect(outcome).toMatchObject({ ok: false, error: { code: 'queued' } });
  expect(await fd.storedDispenses(prescription)).toEqual([]);
}

describe('two counters on one PostgreSQL', () => {
  it('share one pharmacy: the case, who holds it, one owed operation completed once, and the background work taken over when its owner dies', { timeout: TEST_TIMEOUT_MS * 2 }, async () => {
    const kasse1 = await startCounter('Kasse 1', 'AB');
    const kasse2 = await startCounter('Kasse 2', 'CD');

    // counter 1 accepts, counter 2 sees the case with the patient's name (same pharmacy key, §5) and who holds it
    const first = await fd.createPrescription();
    const detail = await accept(kasse1, first);
    const seen = await kasse2.bridge.getCase(first.taskId);
    expect(seen.prescription?.patient.name).toBe(detail.prescription?.patient.name);
    expect((await kasse2.bridge.listCases()).map((c) => c.prescriptionId)).toContain(first.taskId);
    expect(await kasse1.bridge.invoke<CaseLease>('holdCase', { prescriptionId: first.taskId })).toMatchObject({ mine: true });
    expect(await kasse2.bridge.invoke<CaseLease>('holdCase', { prescriptionId: first.taskId })).toEqual({ mine: false, counter: 'Kasse 1', staff: 'AB', busy: false });
    expect(await kasse2.bridge.call('submitDispense', { prescriptionId: first.taskId, entries: withLot(seen, 'K2') })).toMatchObject({ ok: false, error: { code: 'case-leased' } });

    // an owed $dispense, completed once while both counters run: only the background owner (counter 1) resumes it
    await owedDispense(kasse1, first, detail, 'OWED-1');
    await fd.clearFaults();
    const ops = await settled(kasse1, first.taskId);
    expect(ops.every((op) => op.state === 'done')).toBe(true);
    expect(await fd.storedDispenses(first)).toEqual([expect.objectContaining({ lot: 'OWED-1' })]);
    expect(sim.requests.statuses(first.taskId, '$dispense').filter((s) => s === 204)).toHaveLength(1);
    // counter 2 learns it from the store, not from its own call
    expect((await kasse2.bridge.getCase(first.taskId)).status).toBe('dispensed');

    // counter 1 dies with an operation owed; counter 2 takes the background work over and completes it
    const second = await fd.createPrescription();
    const secondDetail = await accept(kasse1, second);
    await owedDispense(kasse1, second, secondDetail, 'OWED-2');
    // killed while the Fachdienst still fails: whatever completes the operation afterwards is counter 2
    await kasse1.process.kill('SIGKILL');
    await fd.clearFaults();
    const taken = await settled(kasse2, second.taskId);
    expect(taken.every((op) => op.state === 'done')).toBe(true);
    expect(await fd.storedDispenses(second)).toEqual([expect.objectContaining({ lot: 'OWED-2' })]);
    expect(sim.requests.statuses(second.taskId, '$dispense').filter((s) => s === 204)).toHaveLength(1);
  });
});
