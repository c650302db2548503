/**
 * Benchmark "counters-6" (issue 18 item 10, docs/multi-counter.md §3, §7): six counters of one pharmacy on ONE
 * PostgreSQL and ONE simulator, all working at once. Each counter is a whole app core (`createCore`, the handler
 * table the page calls) in this process with its own data folder, joined to the shared store by the enrolment
 * passphrase (§5), named „Kasse 1“ … „Kasse 6“, a staff member signed in. Each counter works its own cases one after
 * the other, as a pharmacist does: accept (scan the token: $accept) → dispense (the draft with a batch: $dispense) →
 * correction (the same list with another batch: $dispense again, A_26482 replaces it) → close ($close with the
 * corrected list).
 *
 * Set-up (not measured): a throwaway cluster (test/integration/support/postgres-cluster.ts; without a PostgreSQL
 * server the benchmark is skipped with that reason), the simulator in this process with SQLite persistence (as
 * `simulator-cycles`), the counters started one after the other (the first creates the pharmacy keys), the
 * prescriptions created through the control API. Each counter first works WARMUP_CASES_PER_COUNTER cases that are
 * checked but not in the figures.
 *
 * Figures:
 * - `counters-6.cases`: closed cases per second across all counters (sustained, stats.ts); no target.
 * - `counters-6.<operation>.latency`: handler call → answer, per operation; no target.
 * - `counters-6.propagation`: from the moment counter A's call returned to the moment each other counter's EventHub
 *   delivered the `case-changed` of that operation's last notification (§3: target p95 < 1 s). How a notification is
 *   attributed to its operation: after every operation A notifies a marker (a PrescriptionID of its own that no case
 *   has) on the same channel and waits for the commit before it goes on; PostgreSQL delivers notifications to each
 *   listener in commit order, so at counter B the case's notifications between two of A's markers are exactly that
 *   operation's. One that reached B before A's call returned counts 0 ms.
 * - `counters-6.propagation.missed`, `counters-6.lost-operations`, `counters-6.failed-operations`,
 *   `counters-6.duplicated-operations`: counts with the target ≤ 0. An operation is in effect when the Fachdienst
 *   shows it at the end (the patient's read: Task completed, exactly the corrected list stored; the simulator's
 *   request log: each call answered with success). Lost: confirmed by the counter but not in effect, or owed and still
 *   pending. Failed: not in effect and not confirmed — the counter refused or failed it (or an earlier operation of
 *   the case, which ends the case). Duplicated: $accept, $dispense or $close sent more often than the counters asked.
 *
 * Size: DEFAULT_CASES_PER_COUNTER per counter (≲ 60 s on the 2-core reference machine), `--cases-per-counter N` for
 * the big run (1,000); `--iterations` and `--seconds` do not apply — every case is run and checked.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import { parsePrescriptionId, type PrescriptionId } from '../../shared/erezept/identifiers';
import { NamingSystems } from '../../shared/fhir/profiles';
import type { AppEvent, CaseDetail } from '../../shared/ipc/contract';
import { createCore, type Core } from '../../main/core';
import {
  fetchChannel,
  SimulatorControlClient,
  type PrescriptionTask,
} from '../../main/simulator-client/client';
import { startSimulatorServer } from '../../main/simulator/server';
import { CASE_CHANGED } from '../../main/store/postgres/notify';
import { parseStoreUrl, readPassfilePassword, type PostgresLocation } from '../../main/store/store-location';
import { startPostgresCluster, type PostgresCluster } from '../../test/integration/support/postgres-cluster';
import { BenchClient } from './http-client';
import { BenchmarkSkipped } from './skipped';
import { latencyFigure, throughputFigure } from './stats';
import type { BenchOptions, Benchmark, Figure } from './types';

const COUNTER_COUNT = 6;
/** so that the whole benchmark, set-up included, takes ≲ 60 s on the reference machine (docs/performance.md) */
export const DEFAULT_CASES_PER_COUNTER = 25;
const WARMUP_CASES_PER_COUNTER = 2;
/** docs/multi-counter.md §3: another counter shows a change within a second */
const PROPAGATION_TARGET_MS = 1000;
/** how long the last notifications may take to reach every counter after the last operation */
const DRAIN_TIMEOUT_MS = 15_000;
const VERIFY_CONCURRENCY = 8;
const CREATE_CONCURRENCY = 4;
const PROBLEMS_SHOWN = 5;
const PASSPHRASE =
  'Benchmark-Apotheke: gemeinsame Anmelde-Passphrase aller sechs Kassen, nur für diesen Lauf';

export const OPERATIONS = ['accept', 'dispense', 'correction', 'close'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** The Fachdienst calls one case asks for: $accept once, $dispense twice (the list and its correction), $close once. */
const ASKED_CALLS = { $accept: 1, $dispense: 2, $close: 1 } as const;
type TaskCall = keyof typeof ASKED_CALLS;

// ------------------------------------------------------------------------------------------------
// The size (run.ts passes `--cases-per-counter` beside the common options)
// ------------------------------------------------------------------------------------------------

export function casesPerCounterOf(options: BenchOptions): number {
  return 'casesPerCounter' in options && typeof options.casesPerCounter === 'number'
    ? options.casesPerCounter
    : DEFAULT_CASES_PER_COUNTER;
}

// ------------------------------------------------------------------------------------------------
// Propagation: which notification belongs to which operation
// ------------------------------------------------------------------------------------------------

/** One handler call of a counter; times are `performance.now()` of this process (all counters live here). */
export interface OperationRecord {
  operation: Operation;
  prescriptionId: string;
  startedAt: number;
  returnedAt: number;
  /** answered as expected; a failed operation is reported as lost, not as a propagation */
  ok: boolean;
  /** a warm-up case: checked, not in the figures */
  warmup: boolean;
}

/** A `case-changed` the counter's EventHub delivered. */
export interface DeliveredChange {
  prescriptionId: string;
  at: number;
}

export type Propagation = number | 'missed' | 'failed';

/**
 * For each operation of counter A (in the order A ran them), how long after A's call returned counter B delivered
 * the operation's last notification: B's changes of the operation's case between A's marker before and after the
 * operation are the operation's (commit order, see the module comment). Negative when it reached B before A's call
 * returned (the figure counts that as 0); `missed` when B delivered none in that window or the closing marker never
 * reached B; `failed` for an operation that failed.
 */
export function propagationDelays(
  operations: readonly OperationRecord[],
  marker: string,
  delivered: readonly DeliveredChange[],
): Propagation[] {
  const delays: Propagation[] = [];
  let last: number | undefined;
  for (const change of delivered) {
    const operation = operations[delays.length];
    if (operation === undefined) break;
    if (change.prescriptionId === marker) {
      delays.push(!operation.ok ? 'failed' : last === undefined ? 'missed' : last - operation.returnedAt);
      last = undefined;
    } else if (change.prescriptionId === operation.prescriptionId) {
      last = change.at;
    }
  }
  for (const operation of operations.slice(delays.length)) delays.push(operation.ok ? 'missed' : 'failed');
  return delays;
}

// ------------------------------------------------------------------------------------------------
// What the Fachdienst received and holds
// ------------------------------------------------------------------------------------------------

/** One line of the simulator's request log (`METHOD /path → status`, queries never logged). */
const REQUEST_LINE = /^POST \/Task\/([^/\s]+)\/(\$accept|\$dispense|\$close) → (\d{3})$/;

interface CallCount {
  sent: number;
  succeeded: number;
}

/** The $accept, $dispense and $close calls the simulator answered, per Task, from its request log. */
export class FachdienstLedger {
  private readonly calls = new Map<string, CallCount>();

  /** For `SimulatorOptions.log`. */
  readonly record = (line: string): void => {
    const match = REQUEST_LINE.exec(line.trim());
    if (!match) return;
    const key = `${match[1]!} ${match[2]!}`;
    const count = this.calls.get(key) ?? { sent: 0, succeeded: 0 };
    count.sent += 1;
    if (match[3]!.startsWith('2')) count.succeeded += 1;
    this.calls.set(key, count);
  };

  of(taskId: string, call: TaskCall): CallCount {
    return this.calls.get(`${taskId} ${call}`) ?? { sent: 0, succeeded: 0 };
  }
}

/** One case at the end: what its counter confirmed and corrected to (and closed with) beside what the patient's app reads. */
export interface CaseAtFachdienst {
  taskId: string;
  /** the operations the counter answered as done */
  confirmed: readonly Operation[];
  correctedLots: readonly string[];
  /** Task status as the insurant reads it; undefined when the read failed */
  taskStatus: string | undefined;
  storedLots: readonly string[];
}

export interface OperationAudit {
  /** operations checked: four per case */
  checked: number;
  /** confirmed by the counter, yet not in effect at the Fachdienst; or owed and still pending */
  lost: number;
  /** not done and not confirmed: the counter refused or failed it, or an earlier operation of the case did */
  failed: number;
  duplicated: number;
  /** German, one line each (PrescriptionIDs only: no secret, no personal data) */
  problems: string[];
}

const sameLots = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

const OPERATION_WORDS: Record<Operation, string> = {
  accept: 'Annahme',
  dispense: 'Abgabe',
  correction: 'Korrektur',
  close: 'Abschluss',
};

/**
 * Lost, failed and duplicated operations (all must be 0). An operation is in effect when the Fachdienst shows it:
 * accept and dispense each need a call answered with success; the correction a second successful $dispense and
 * exactly the corrected list stored; the close a successful $close and the Task completed. Not in effect although the
 * counter confirmed it: lost; not in effect and not confirmed: failed (the pharmacist saw a refusal). Every owed
 * operation still pending counts as lost, too (the counters believe it will be sent; nothing sends it). Duplicated:
 * every call beyond what the case asked for (ASKED_CALLS), whatever its answer.
 */
export function auditOperations(
  cases: readonly CaseAtFachdienst[],
  ledger: Pick<FachdienstLedger, 'of'>,
  owedPending: number,
): OperationAudit {
  const audit: OperationAudit = {
    checked: cases.length * OPERATIONS.length,
    lost: owedPending,
    failed: 0,
    duplicated: 0,
    problems: [],
  };
  if (owedPending > 0) audit.problems.push(`${owedPending} geschuldete Operation(en) noch offen`);
  for (const c of cases) {
    const dispensed = ledger.of(c.taskId, '$dispense').succeeded;
    const inEffect: Record<Operation, boolean> = {
      accept: ledger.of(c.taskId, '$accept').succeeded >= 1,
      dispense: dispensed >= 1,
      correction: dispensed >= 2 && sameLots(c.storedLots, c.correctedLots),
      close: ledger.of(c.taskId, '$close').succeeded >= 1 && c.taskStatus === 'completed',
    };
    const undone = OPERATIONS.filter((operation) => !inEffect[operation]);
    const lost = undone.filter((operation) => c.confirmed.includes(operation));
    audit.lost += lost.length;
    audit.failed += undone.length - lost.length;
    if (lost.length > 0)
      audit.problems.push(
        `${c.taskId}: bestätigt, aber beim Fachdienst nicht wirksam: ${lost.map((o) => OPERATION_WORDS[o]).join(', ')}`,
      );
    if (undone.length > lost.length) {
      audit.problems.push(
        `${c.taskId}: nicht ausgeführt: ${undone
          .filter((o) => !lost.includes(o))
          .map((o) => OPERATION_WORDS[o])
          .join(', ')}`,
      );
    }
    for (const [call, asked] of Object.entries(ASKED_CALLS) as [TaskCall, number][]) {
      const extra = ledger.of(c.taskId, call).sent - asked;
      if (extra <= 0) continue;
      audit.duplicated += extra;
      audit.problems.push(`${c.taskId}: ${call} ${extra}× öfter gesendet als verlangt`);
    }
  }
  return audit;
}

interface FhirResource {
  resourceType?: string;
  id?: string;
  status?: string;
  medicationReference?: { reference?: string };
  batch?: { lotNumber?: string };
}

const resourcesOf = (bundleJson: string): FhirResource[] =>
  ((JSON.parse(bundleJson) as { entry?: { resource?: FhirResource }[] }).entry ?? []).flatMap((e) =>
    e.resource ? [e.resource] : [],
  );

/** The Task's status in the insurant's `GET /Task/{id}` bundle. */
export function taskStatusOf(bundleJson: string): string | undefined {
  return resourcesOf(bundleJson).find((r) => r.resourceType === 'Task')?.status;
}

/**
 * The batch of each dispensed item in the insurant's `GET /MedicationDispense` bundle: each MedicationDispense names
 * its Medication (by `urn:uuid:` or `Medication/` reference), which carries the batch.
 */
export function storedLotsOf(bundleJson: string): string[] {
  const resources = resourcesOf(bundleJson);
  const medications = new Map(
    resources.filter((r) => r.resourceType === 'Medication' && r.id).map((m) => [m.id!, m]),
  );
  return resources
    .filter((r) => r.resourceType === 'MedicationDispense')
    .map((d) => {
      const id = (d.medicationReference?.reference ?? '')
        .replace(/^urn:uuid:/, '')
        .replace(/^Medication\//, '');
      return medications.get(id)?.batch?.lotNumber ?? '';
    });
}

// ------------------------------------------------------------------------------------------------
// Where the CPU goes: this process (six counters and the simulator) beside the PostgreSQL server
// ------------------------------------------------------------------------------------------------

/** clock ticks per second of /proc (USER_HZ, 100 on Linux) */
const TICKS_PER_SECOND = 100;

/**
 * CPU ms in a /proc/<pid>/stat line: utime + stime, and with `reaped` also cutime + cstime (children that have
 * ended and were waited for — a PostgreSQL backend whose connection closed).
 */
export function cpuMsOfStat(stat: string, reaped: boolean): number {
  // fields after "(comm) ": state is [0], utime [11], stime [12], cutime [13], cstime [14]
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  const ticks = fields[11]! + fields[12]! + (reaped ? fields[13]! + fields[14]! : 0);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** The PostgreSQL server's CPU ms so far: the postmaster, its ended and its running backends (Linux); else undefined. */
function serverCpuMs(postmasterPid: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${postmasterPid}/task/${postmasterPid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    let ms = cpuMsOfStat(readFileSync(`/proc/${postmasterPid}/stat`, 'utf8'), true);
    for (const child of children) {
      // a backend that ended between the two reads is in the postmaster's reaped time next time
      ms += (() => {
        try {
          return cpuMsOfStat(readFileSync(`/proc/${child}/stat`, 'utf8'), false);
        } catch {
          return 0;
        }
      })();
    }
    return ms;
  } catch {
    return undefined;
  }
}

const processCpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** A count that must be 0 (target ≤ 0), in the Figure shape: every percentile is the count. */
export function countFigure(name: string, count: number, samples: number): Figure {
  return {
    name,
    unit: 'operations',
    samples,
    p50: count,
    p95: count,
    p99: count,
    target: { stat: 'p99', op: '<=', value: 0 },
  };
}

// ------------------------------------------------------------------------------------------------
// The run
// ------------------------------------------------------------------------------------------------

interface BenchCase {
  task: PrescriptionTask;
  id: PrescriptionId;
  warmup: boolean;
  /** the batch of the first list and of its correction */
  lots: readonly [string, string];
}

interface Counter {
  name: string;
  core: Core;
  /** a PrescriptionID no case has: notified after each of this counter's operations (propagation, above) */
  marker: string;
  operations: OperationRecord[];
  delivered: DeliveredChange[];
  /** how many markers of each counter this one delivered (draining) */
  markersSeen: Map<string, number>;
  resyncs: number;
}

interface CaseResult {
  closedAt: number;
  correctedLots: string[];
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function prescriptionIdOf(taskId: string): PrescriptionId {
  const parsed = parsePrescriptionId(taskId);
  if (!parsed.ok) throw new Error(`bench: keine PrescriptionID: ${taskId}`);
  return parsed.data;
}

/**
 * The reason to skip when the cluster could not start because this machine has no PostgreSQL server: the helper's
 * every such failure names the package (postgres-binaries.ts); any other failure (initdb, start-up) is an error.
 */
export function skipReasonOf(error: unknown): string | undefined {
  return /apt-get install postgresql/.test(messageOf(error))
    ? 'kein PostgreSQL-Server auf diesem Rechner (Debian-Paket: apt-get install postgresql)'
    : undefined;
}

async function startCluster(): Promise<PostgresCluster> {
  try {
    return await startPostgresCluster();
  } catch (error) {
    const reason = skipReasonOf(error);
    throw reason === undefined ? error : new BenchmarkSkipped(reason);
  }
}

/** `total` fresh flow-160 PZN prescriptions, three per request (one patient each), a few requests at a time. */
async function createPrescriptions(
  control: SimulatorControlClient,
  total: number,
): Promise<PrescriptionTask[]> {
  const created: PrescriptionTask[] = [];
  let requested = 0;
  const worker = async (): Promise<void> => {
    while (requested < total) {
      const count = Math.min(3, total - requested);
      requested += count;
      const answer = await control.createPrescription({ flowType: '160', medication: 'pzn', count });
      created.push(...(answer.prescriptions ?? [answer]));
    }
  };
  await Promise.all(Array.from({ length: CREATE_CONCURRENCY }, worker));
  return created.slice(0, total);
}

async function startCounter(
  index: number,
  simulatorUrl: string,
  store: PostgresLocation,
  cluster: PostgresCluster,
  passphraseFile: string,
  dataDir: string,
): Promise<Counter> {
  const core = await createCore({
    dataDir,
    fachdienstUrl: simulatorUrl,
    store,
    enrolPassphraseFile: passphraseFile,
    storeEnvironment: { env: { PGPASSFILE: cluster.passfile } },
    seedDemoPrescriptions: false,
  });
  try {
    const name = `Kasse ${index + 1}`;
    const setup = await core.handlers['erx:getPharmacySetup']({});
    const saved = await core.handlers['erx:savePharmacySetup']({
      staff: setup.staff,
      counterName: name,
      pharmacy: setup.pharmacy,
    });
    if (!saved.saved)
      throw new Error(
        `bench: ${name} nicht eingerichtet: ${saved.problems.map((p) => p.message).join('; ')}`,
      );
    const active = setup.staff.filter((member) => member.active);
    const staff = active[index % active.length];
    if (!staff) throw new Error('bench: keine aktive Person in der Personalliste');
    await core.handlers['erx:setStaff']({ kuerzel: staff.kuerzel });
    return { name, core, marker: '', operations: [], delivered: [], markersSeen: new Map(), resyncs: 0 };
  } catch (error) {
    await core.close();
    throw error;
  }
}

/** Records what this counter's EventHub delivers: cases changed (the propagation) and reloads after a lost listener. */
function listen(counter: Counter, markers: ReadonlySet<string>): () => void {
  return counter.core.events.subscribe((event: AppEvent) => {
    if (event.type === 'cases-changed') counter.resyncs += 1;
    if (event.type !== 'case-changed') return;
    counter.delivered.push({ prescriptionId: event.prescriptionId, at: performance.now() });
    if (markers.has(event.prescriptionId))
      counter.markersSeen.set(event.prescriptionId, (counter.markersSeen.get(event.prescriptionId) ?? 0) + 1);
  });
}

const withLot = (entries: readonly DispenseEntry[], lot: string, expiry: string): DispenseEntry[] =>
  entries.map((entry) => ({ ...entry, batch: { lot, expiry } }));

/**
 * One case at one counter, operation after operation; after each, the counter's marker (awaited: the next operation
 * commits after it). A failed operation ends the case (its problem is kept); the audit counts what it left undone.
 */
async function workCase(
  counter: Counter,
  c: BenchCase,
  expiry: string,
  notifyMarker: (marker: string) => Promise<void>,
  problems: string[],
): Promise<CaseResult | undefined> {
  const handlers = counter.core.handlers;
  const step = async <T>(
    operation: Operation,
    call: () => Promise<T>,
    check: (answer: T) => string | undefined,
  ): Promise<T | undefined> => {
    const startedAt = performance.now();
    let answer: T | undefined;
    let problem: string | undefined;
    try {
      answer = await call();
      problem = check(answer);
    } catch (error) {
      problem = messageOf(error);
    }
    const returnedAt = performance.now();
    counter.operations.push({
      operation,
      prescriptionId: c.id,
      startedAt,
      returnedAt,
      ok: problem === undefined,
      warmup: c.warmup,
    });
    await notifyMarker(counter.marker);
    if (problem === undefined) return answer;
    problems.push(`${counter.name}, ${operation} ${c.id}: ${problem}`);
    return undefined;
  };

  const scanned = await step(
    'accept',
    () => handlers['erx:scanCode']({ text: c.task.token }),
    ({ results }) => {
      const outcome = results[0];
      if (outcome && !outcome.ok) return outcome.error.message;
      return outcome?.outcome === 'accepted' && outcome.detail?.draft?.length
        ? undefined
        : `nicht angenommen (${outcome?.outcome ?? 'keine Antwort'})`;
    },
  );
  const first = scanned?.results[0];
  const detail: CaseDetail | undefined = first?.ok ? first.detail : undefined;
  if (!detail?.draft) return undefined;
  const sent = (answer: { outcome: string }): string | undefined =>
    answer.outcome === 'sent' ? undefined : `nicht gesendet (${answer.outcome})`;
  const list = withLot(detail.draft, c.lots[0], expiry);
  if (
    !(await step(
      'dispense',
      () => handlers['erx:submitDispense']({ prescriptionId: c.id, entries: list }),
      sent,
    ))
  )
    return undefined;
  const corrected = withLot(detail.draft, c.lots[1], expiry);
  if (
    !(await step(
      'correction',
      () => handlers['erx:submitDispense']({ prescriptionId: c.id, entries: corrected }),
      sent,
    ))
  )
    return undefined;
  const closed = await step(
    'close',
    () => handlers['erx:closeCase']({ prescriptionId: c.id, entries: corrected }),
    (answer) => (answer.status === 'closed' ? undefined : `nicht abgeschlossen (${answer.status})`),
  );
  if (!closed) return undefined;
  return {
    closedAt: counter.operations.at(-1)!.returnedAt,
    correctedLots: corrected.map((e) => e.batch?.lot ?? ''),
  };
}

/** Waits until every counter delivered every other counter's last marker (or the drain timeout passed). */
async function drain(counters: readonly Counter[]): Promise<void> {
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  const complete = (): boolean =>
    counters.every((b) =>
      counters.every((a) => a === b || (b.markersSeen.get(a.marker) ?? 0) >= a.operations.length),
    );
  while (!complete() && performance.now() < deadline) await sleep(50);
}

/** What the counters said of one case. */
type CaseClaim = Pick<CaseAtFachdienst, 'confirmed' | 'correctedLots'> & { c: BenchCase };

/** What the patient's app reads for each case (spec §3.10: only the insurant may read the stored list). */
async function readAtFachdienst(
  simulatorUrl: string,
  control: SimulatorControlClient,
  cases: readonly CaseClaim[],
): Promise<CaseAtFachdienst[]> {
  const client = new BenchClient(simulatorUrl, VERIFY_CONCURRENCY);
  const read = async ({ c, confirmed, correctedLots }: CaseClaim): Promise<CaseAtFachdienst> => {
    const headers = {
      authorization: `Bearer ${await control.insurantToken(c.task.kvnr)}`,
      accept: 'application/fhir+json',
    };
    const task = await client.send('GET', `/Task/${c.task.taskId}`, headers);
    const query = encodeURIComponent(`${NamingSystems.prescriptionId}|${c.task.taskId}`);
    const dispenses = await client.send('GET', `/MedicationDispense?identifier=${query}`, headers);
    return {
      taskId: c.task.taskId,
      confirmed,
      correctedLots,
      taskStatus: task.status === 200 ? taskStatusOf(task.body) : undefined,
      storedLots: dispenses.status === 200 ? storedLotsOf(dispenses.body) : [],
    };
  };
  try {
    const results: CaseAtFachdienst[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < cases.length) results.push(await read(cases[next++]!));
    };
    await Promise.all(Array.from({ length: VERIFY_CONCURRENCY }, worker));
    return results;
  } finally {
    client.close();
  }
}

/**
 * The propagation figure (a change that reached the other counter before the call returned counts 0: that counter
 * already showed it when the pharmacist at A saw the answer) and the notifications that never arrived.
 */
function propagationFigures(counters: readonly Counter[], log: (line: string) => void): Figure[] {
  const samples: number[] = [];
  let missed = 0;
  let checked = 0;
  for (const a of counters) {
    for (const b of counters) {
      if (a === b) continue;
      propagationDelays(a.operations, a.marker, b.delivered).forEach((delay, i) => {
        if (a.operations[i]!.warmup) return;
        checked += 1;
        if (typeof delay === 'number') samples.push(delay);
        else if (delay === 'missed') missed += 1;
      });
    }
  }
  const early = samples.filter((ms) => ms <= 0).sort((a, b) => a - b);
  if (samples.length > 0) {
    log(
      `  Weitergabe: ${((early.length / samples.length) * 100).toFixed(1)} % der Änderungen waren an der anderen Kasse, bevor der Aufruf zurückkam` +
        (early.length > 0
          ? ` (im Median ${(-early[Math.floor(early.length / 2)]!).toFixed(1)} ms davor)`
          : ''),
    );
  }
  return [
    latencyFigure(
      'counters-6.propagation',
      samples.map((ms) => Math.max(0, ms)),
      { stat: 'p95', op: '<', value: PROPAGATION_TARGET_MS },
    ),
    countFigure('counters-6.propagation.missed', missed, checked),
  ];
}

export const sharedStoreCounters: Benchmark = {
  name: 'counters-6',
  description:
    'sechs Kassen auf einer PostgreSQL-Datenbank: Annahme → Abgabe → Korrektur → Abschluss, gleichzeitig',
  async run(options: BenchOptions): Promise<Figure[]> {
    const casesPerCounter = casesPerCounterOf(options);
    const cleanups: (() => unknown)[] = [];
    const tempDir = (prefix: string): string => {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return dir;
    };
    try {
      const setupStarted = performance.now();
      const cluster = await startCluster();
      cleanups.push(() => cluster.stop());
      const ledger = new FachdienstLedger();
      const simulator = await startSimulatorServer({
        port: 0,
        dataDir: tempDir('erx-bench-counters-sim-'),
        log: ledger.record,
      });
      cleanups.push(() => simulator.close());
      const control = new SimulatorControlClient(fetchChannel(simulator.url));

      const passphraseFile = join(tempDir('erx-bench-counters-secret-'), 'passphrase');
      writeFileSync(passphraseFile, `${PASSPHRASE}\n`, { mode: 0o600 });
      chmodSync(passphraseFile, 0o600);
      const environment = { env: { PGPASSFILE: cluster.passfile } };
      const location = parseStoreUrl(cluster.connectionString, environment);
      if (!location.ok) throw new Error(`bench: Datenbank-Adresse abgelehnt: ${location.problem.de}`);

      const counters: Counter[] = [];
      // one after the other: the first creates the pharmacy keys on the empty store, the others join with them (§5)
      for (let i = 0; i < COUNTER_COUNT; i++) {
        const counter = await startCounter(
          i,
          simulator.url,
          location.location,
          cluster,
          passphraseFile,
          tempDir('erx-bench-counter-'),
        );
        cleanups.push(() => counter.core.close());
        counters.push(counter);
      }
      const markers = new MarkerChannel(location.location, environment);
      cleanups.push(() => markers.end());

      const perCounter = WARMUP_CASES_PER_COUNTER + casesPerCounter;
      const created = await createPrescriptions(control, COUNTER_COUNT * perCounter + COUNTER_COUNT);
      const expiry = `${(await control.now()).getUTCFullYear() + 2}-12-31`;
      counters.forEach((counter, i) => (counter.marker = created[COUNTER_COUNT * perCounter + i]!.taskId));
      const markerIds = new Set(counters.map((c) => c.marker));
      for (const counter of counters) cleanups.push(listen(counter, markerIds));
      const casesOf = counters.map((_, n) =>
        created.slice(n * perCounter, (n + 1) * perCounter).map((task, i): BenchCase => {
          const lot = `K${n + 1}N${String(i).padStart(5, '0')}`;
          return {
            task,
            id: prescriptionIdOf(task.taskId),
            warmup: i < WARMUP_CASES_PER_COUNTER,
            lots: [`${lot}A`, `${lot}B`],
          };
        }),
      );
      options.log(
        `  ${COUNTER_COUNT} Kassen bereit, ${created.length} Rezepte angelegt in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s (nicht gemessen)`,
      );

      const problems: string[] = [];
      const finished: { c: BenchCase; correctedLots: readonly string[] }[] = [];
      const completions: number[] = [];
      const phase = (warmup: boolean): Promise<void[]> =>
        Promise.all(
          counters.map(async (counter, n) => {
            for (const c of casesOf[n]!.filter((x) => x.warmup === warmup)) {
              const result = await workCase(counter, c, expiry, (marker) => markers.notify(marker), problems);
              if (result) finished.push({ c, correctedLots: result.correctedLots });
              if (result && !warmup) completions.push(result.closedAt);
            }
          }),
        );
      await phase(true);
      const measuredFrom = performance.now();
      const cpuBefore = { here: processCpuMs(), server: serverCpuMs(cluster.pid) };
      await phase(false);
      const cpuAfter = { here: processCpuMs(), server: serverCpuMs(cluster.pid) };
      const seconds = (Math.max(measuredFrom, ...completions) - measuredFrom) / 1000;
      options.log(
        `  ${completions.length} Vorgänge in ${seconds.toFixed(1)} s = ${(completions.length / Math.max(seconds, 0.001)).toFixed(1)} Vorgänge/s im Mittel, ${COUNTER_COUNT} Kassen, ${casesPerCounter} je Kasse`,
      );
      if (completions.length > 0) {
        const perCase = (ms: number): string => (ms / completions.length).toFixed(1);
        const server =
          cpuBefore.server !== undefined && cpuAfter.server !== undefined
            ? `, PostgreSQL ${perCase(cpuAfter.server - cpuBefore.server)} ms`
            : '';
        options.log(
          `  CPU je Vorgang: dieser Prozess (6 Kassen, Simulator) ${perCase(cpuAfter.here - cpuBefore.here)} ms${server}`,
        );
      }
      await drain(counters);

      // the shared store holds every counter's owed operations: one counter's list is all of them
      const ops = await counters[0]!.core.handlers['erx:listPendingOperations']({});
      const owed = ops.filter((op) => op.state === 'pending');
      for (const op of owed)
        problems.push(
          `geschuldet und offen: ${op.operation} ${op.prescriptionId} (${op.reason}, ${op.attempts} Versuche)`,
        );
      // without faults nothing should become owed: a settled one is the background owner's work on another counter's call
      for (const op of ops.filter((o) => o.state !== 'pending')) {
        problems.push(
          `im Hintergrund erledigt: ${op.operation} ${op.prescriptionId} (${op.state}${op.message ? `: ${op.message}` : ''})`,
        );
      }
      const owedPending = owed.length;
      const correctedOf = new Map(finished.map((f) => [f.c, f.correctedLots]));
      const confirmedOf = new Map<string, Operation[]>();
      for (const op of counters.flatMap((counter) => counter.operations)) {
        if (op.ok)
          confirmedOf.set(op.prescriptionId, [...(confirmedOf.get(op.prescriptionId) ?? []), op.operation]);
      }
      const claims = casesOf
        .flat()
        .map((c): CaseClaim => ({
          c,
          confirmed: confirmedOf.get(c.id) ?? [],
          correctedLots: correctedOf.get(c) ?? [c.lots[1]],
        }));
      const atFachdienst = await readAtFachdienst(simulator.url, control, claims);
      const audit = auditOperations(atFachdienst, ledger, owedPending);
      const resyncs = counters.reduce((sum, c) => sum + c.resyncs, 0);
      if (resyncs > 0)
        problems.push(`${resyncs}× Verbindung einer Kasse zur Datenbank verloren (alles neu geladen)`);
      options.log(
        `  geprüft: ${audit.checked} Operationen beim Fachdienst, verloren ${audit.lost}, nicht ausgeführt ${audit.failed}, doppelt ${audit.duplicated}`,
      );
      for (const line of [...problems, ...audit.problems].slice(0, PROBLEMS_SHOWN))
        options.log(`  Problem: ${line}`);

      const measured = counters.flatMap((c) => c.operations).filter((op) => !op.warmup && op.ok);
      return [
        throughputFigure('counters-6.cases', 'cases/s', measuredFrom, completions, null),
        ...OPERATIONS.map((operation) =>
          latencyFigure(
            `counters-6.${operation}.latency`,
            measured.filter((op) => op.operation === operation).map((op) => op.returnedAt - op.startedAt),
            null,
          ),
        ),
        ...propagationFigures(counters, options.log),
        countFigure('counters-6.lost-operations', audit.lost, audit.checked),
        countFigure('counters-6.failed-operations', audit.failed, audit.checked),
        countFigure('counters-6.duplicated-operations', audit.duplicated, audit.checked),
      ];
    } finally {
      // everything is stopped even when one step fails; a failure here must not hide the run's own error
      for (const cleanup of cleanups.splice(0).reverse()) {
        await Promise.resolve()
          .then(cleanup)
          .catch((error: unknown) => options.log(`  Aufräumen fehlgeschlagen: ${messageOf(error)}`));
      }
    }
  },
};

/** The benchmark's own connections for the markers: the store's address and passfile, as the counters use them (§2). */
class MarkerChannel {
  private readonly pool: pg.Pool;

  constructor(location: PostgresLocation, environment: { env: NodeJS.ProcessEnv }) {
    this.pool = new pg.Pool({
      host: location.host,
      port: location.port,
      user: location.user,
      database: location.database,
      password: async () => (await readPassfilePassword(location, environment)) ?? '',
      max: COUNTER_COUNT,
    });
  }

  /** Resolves once committed: every notification this counter sends afterwards comes after it, at every listener. */
  async notify(marker: string): Promise<void> {
    await this.pool.query('SELECT pg_notify($1, $2)', [CASE_CHANGED, marker]);
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}
