/**
 * Benchmark "simulator-cycles": complete pharmacy cycles against the simulator — `$accept` → `$dispense` with
 * 3 entries → `$close` with the same complete list (as the app closes, docs/reliability.md: it cannot prove which
 * list the Fachdienst holds) — by N concurrent clients, persistence on (SQLite in a fresh temporary data dir), the
 * simulator in this process on 127.0.0.1 (loopback only).
 *
 * Prescriptions, access tokens and request bodies are made up front through the control API (the one control client,
 * main/simulator-client/client.ts) and are not timed.
 * Before measuring, every client runs WARMUP_CYCLES_PER_CLIENT unmeasured cycles (the first requests of a fresh
 * process — server and client thread — are slow while the JIT compiles), and the simulator gets two quiet seconds
 * so the setup's writes are checkpointed: the measurement is of the steady state, not of the start-up.
 * Each client is its own pharmacy (Telematik-ID) and works its share of the prescriptions one cycle after the
 * other (cycle-clients.ts, in a worker thread); the run ends after `maxIterations` cycles or `maxSeconds`,
 * whichever comes first.
 *
 * Figures: cycles per second (sustained, see stats.ts) with the target ≥ 500, and the latency of each operation
 * (request sent → whole answer received) with the target p99 < 25 ms (on the 2-core reference machine,
 * docs/performance.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { berlinDate } from '../../shared/erezept/dates';
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import { buildCloseParameters, buildDispenseParameters } from '../../shared/fhir/dispense/build';
import { fetchChannel, SimulatorControlClient, type PrescriptionTask } from '../../main/simulator-client/client';
import { startSimulatorServer } from '../../main/simulator/server';
import {
  runCycleClients,
  type CycleClientsInput,
  type CycleClientsOutput,
  type CycleWork,
} from './cycle-clients';
import { latencyFigure, throughputFigure } from './stats';
import { mainThreadCpuMs } from './thread-cpu';
import type { BenchOptions, Benchmark, Figure } from './types';
import type { WorkerMessage, WorkerRequest } from './worker';
import { runBareClients, startBareServer, type BareClientsOutput } from './bare-http';

const CYCLE_TARGET_PER_SECOND = 500;
const LATENCY_TARGET_MS = 25;
const WARMUP_CYCLES_PER_CLIENT = 2;
const SETTLE_MS = 2000;
/** issue 20: a cycle (three requests) at ≥ 7 % of the bare request rate */
const SHARE_OF_BARE_TARGET_PERCENT = 7;
const BARE_WARMUP_MS = 1000;
const BARE_MEASURE_MS = 3000;

type Prescription = PrescriptionTask;

/** Three items handed over together (e.g. a substitution split), built with the app's own builders. */
const ITEMS: readonly { pzn: string; name: string }[] = [
  { pzn: '06313728', name: 'Sumatriptan-1a Pharma 100 mg Tabletten' },
  { pzn: '14186244', name: 'Ibuprofen AL 400 mg Filmtabletten' },
  { pzn: '05454378', name: 'Metformin Atid 500 mg Filmtabletten' },
];

const telematikIdOf = (client: number): string => `3-SMC-B-Bench-${String(client + 1).padStart(2, '0')}`;

/** The $dispense and the $close body of one cycle: the same complete list, as the app does (docs/reliability.md). */
function cycleBodies(p: Prescription, telematikId: string, today: string): { dispenseBody: string; closeBody: string } {
  const entries: DispenseEntry[] = ITEMS.map((item, index) => ({
    key: `item-${index + 1}`,
    medication: {
      kind: 'pzn',
      pzn: item.pzn,
      name: item.name,
      ingredients: [],
      category: '00',
      vaccine: false,
    },
    packs: 1,
    batch: { lot: `CH${index + 1}2345`, expiry: '2028-12-31' },
    serials: [],
    whenHandedOver: today,
  }));
  const context = { prescriptionId: p.taskId as PrescriptionId, kvnr: p.kvnr, telematikId };
  const dispense = buildDispenseParameters(entries, context);
  if (!dispense.ok) throw new Error(`dispense body: ${dispense.error.map((f) => f.message).join('; ')}`);
  const close = buildCloseParameters(entries, context);
  if (!close.ok) throw new Error(`close body: ${close.error.map((f) => f.message).join('; ')}`);
  return { dispenseBody: JSON.stringify(dispense.data), closeBody: JSON.stringify(close.data) };
}

async function createPrescriptions(
  control: SimulatorControlClient,
  total: number,
  log: (line: string) => void,
): Promise<Prescription[]> {
  const created: Prescription[] = [];
  const requests = Math.ceil(total / 3);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests) {
      next++;
      const answer = await control.createPrescription({ flowType: '160', count: Math.min(3, total) });
      created.push(...(answer.prescriptions ?? [answer]));
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: 4 }, worker));
  log(
    `  ${created.length} Rezepte angelegt in ${((performance.now() - started) / 1000).toFixed(1)} s (nicht gemessen)`,
  );
  return created.slice(0, total);
}

async function tokensFor(control: SimulatorControlClient, clients: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < clients; i++) tokens.push(await control.pharmacyToken(telematikIdOf(i)));
  return tokens;
}

/** Runs `request` in a worker thread of the bench entry, or here when there is none (tests). */
function inWorker<T>(
  request: WorkerRequest,
  here: () => Promise<T>,
  workerEntry: URL | undefined,
  onMeasuring: () => void = () => undefined,
): Promise<T> {
  if (!workerEntry) return here();
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerEntry, { workerData: request });
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'measuring') return onMeasuring();
      // the role decides the output's shape (worker.ts)
      if (message.ok) resolve(message.output as T);
      else reject(new Error(message.error));
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`Client-Thread endete mit Code ${code}`));
    });
  });
}

const runClients = (input: CycleClientsInput, workerEntry: URL | undefined, onMeasuring: () => void): Promise<CycleClientsOutput> =>
  inWorker({ role: 'cycle-clients', input }, () => runCycleClients(input, onMeasuring), workerEntry, onMeasuring);

/**
 * The machine's bare `node:http` rate with the same clients (bare-http.ts), measured right before the cycles:
 * the simulator's share of it is the figure that does not depend on how fast or busy the machine is.
 */
async function measureBareHttp(clients: number, measureMs: number, workerEntry: URL | undefined): Promise<BareClientsOutput> {
  const server = await startBareServer();
  try {
    const input = { baseUrl: server.url, clients, warmupMs: BARE_WARMUP_MS, measureMs };
    return await inWorker({ role: 'bare-http-clients', input }, () => runBareClients(input), workerEntry);
  } finally {
    await server.close();
  }
}

/** cycles/s as a share (%) of the bare requests/s, per statistic (both sustained rates, stats.ts). */
function shareOfBare(cycles: Figure, bare: Figure): Figure {
  const share = (stat: 'p50' | 'p95' | 'p99'): number => (bare[stat] > 0 ? Math.round((cycles[stat] / bare[stat]) * 1000) / 10 : 0);
  return {
    name: 'simulator.cycles.share-of-bare-http',
    unit: '%',
    samples: cycles.samples,
    p50: share('p50'),
    p95: share('p95'),
    p99: share('p99'),
    target: { stat: 'p50', op: '>=', value: SHARE_OF_BARE_TARGET_PERCENT },
  };
}

export const simulatorCycles: Benchmark = {
  name: 'simulator-cycles',
  description:
    '$accept → $dispense (3 Positionen) → $close gegen den Simulator, parallele Clients, SQLite-Persistenz',
  async run(options: BenchOptions): Promise<Figure[]> {
    const dataDir = mkdtempSync(join(tmpdir(), 'erx-bench-'));
    const simulator = await startSimulatorServer({ port: 0, dataDir });
    const control = new SimulatorControlClient(fetchChannel(simulator.url));
    try {
      const warmup = WARMUP_CYCLES_PER_CLIENT * options.clients;
      const prescriptions = await createPrescriptions(control, warmup + options.maxIterations, options.log);
      const tokens = await tokensFor(control, options.clients);
      const today = berlinDate(await control.now());
      const work: CycleWork[] = prescriptions.map((p, index) => ({
        taskId: p.taskId,
        accessCode: p.accessCode,
        client: index % options.clients,
        ...cycleBodies(p, telematikIdOf(index % options.clients), today),
      }));

      const bareMs = Math.min(BARE_MEASURE_MS, options.maxSeconds * 1000);
      const bare = await measureBareHttp(options.clients, bareMs, options.workerEntry);
      const bareFigure = throughputFigure('simulator.bare-http', 'requests/s', bare.started, bare.completions, null);
      options.log(
        `  nackter node:http-Server, gleiche Clients: ${(bare.completions.length / (bareMs / 1000)).toFixed(0)} Anfragen/s im Mittel`,
      );

      let cpuBefore: number | undefined;
      const output = await runClients(
        {
          baseUrl: simulator.url,
          tokens,
          warmup: work.slice(0, warmup),
          settleMs: SETTLE_MS,
          work: work.slice(warmup),
          maxMs: options.maxSeconds * 1000,
        },
        options.workerEntry,
        () => {
          cpuBefore = mainThreadCpuMs();
        },
      );
      const cpuAfter = mainThreadCpuMs();
      const seconds = (Math.max(output.started, ...output.completions) - output.started) / 1000;
      options.log(
        `  ${output.completions.length} Zyklen in ${seconds.toFixed(1)} s = ${(output.completions.length / seconds).toFixed(0)} Zyklen/s im Mittel, ` +
          `${options.clients} Clients${options.workerEntry ? ' (eigener Thread)' : ''}`,
      );
      // With the clients in their own thread, the main thread is the simulator: its CPU time per cycle is the
      // figure a busy machine moves least (the rates above depend on what else runs).
      const cpuFigures: Figure[] = [];
      if (
        options.workerEntry &&
        cpuBefore !== undefined &&
        cpuAfter !== undefined &&
        output.completions.length > 0
      ) {
        const perCycle = Math.round(((cpuAfter - cpuBefore) / output.completions.length) * 100) / 100;
        options.log(`  Simulator-Thread: ${perCycle.toFixed(2)} ms CPU je Zyklus`);
        cpuFigures.push({ name: 'simulator.cpu-per-cycle', unit: 'ms', samples: 1, p50: perCycle, p95: perCycle, p99: perCycle, target: null });
      }

      const latencyTarget = { stat: 'p99', op: '<', value: LATENCY_TARGET_MS } as const;
      const cyclesFigure = throughputFigure('simulator.cycles', 'cycles/s', output.started, output.completions, {
        stat: 'p50',
        op: '>=',
        value: CYCLE_TARGET_PER_SECOND,
      });
      return [
        cyclesFigure,
        bareFigure,
        shareOfBare(cyclesFigure, bareFigure),
        ...cpuFigures,
        latencyFigure('simulator.accept.latency', output.latencies.accept, latencyTarget),
        latencyFigure('simulator.dispense.latency', output.latencies.dispense, latencyTarget),
        latencyFigure('simulator.close.latency', output.latencies.close, latencyTarget),
      ];
    } finally {
      await simulator.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
