/**
 * Benchmark "main-memory": the main process's memory after 1,000 cases handled — each case
 * scanned (`scanCode`: $accept), opened (`getCase`), dispensed (`submitDispense` with its draft: $dispense) and
 * closed (`closeCase`: $close) through the bridge API by a few concurrent Node clients, not the UI (fast). No
 * target; recorded to follow it, beside its baseline: the same figures after start-up and a few cases.
 *
 * RSS is read from /proc/<pid>/status (VmRSS) of the browser-mode process. The V8 heap cannot be seen from outside,
 * so the process is started with a bench-only probe (`node --expose-gc --import data:…`, nothing in the app): on
 * SIGUSR2 it prints `bench-memory: {…}` with `process.memoryUsage()` before and after a full GC to stderr. "heap
 * after GC" is what the process holds on to; growth of it between the two snapshots is what the cases left behind.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { openAppBackend, type AppBackend } from './app-session';
import type { SimPrescription } from './simulator-control';
import type { BenchOptions, Benchmark, Figure } from './types';

export const MEMORY_CASES = 1000;
const WARMUP_CASES = 10;
const CLIENTS = 4;
const MB = 1024 * 1024;

const MEMORY_PROBE = [
  "process.on('SIGUSR2', () => {",
  '  const before = process.memoryUsage();',
  '  globalThis.gc?.();',
  '  const after = process.memoryUsage();',
  "  process.stderr.write('bench-memory: ' + JSON.stringify({ heapUsed: before.heapUsed, heapUsedAfterGc: after.heapUsed, rssAfterGc: after.rss }) + '\\n');",
  '});',
].join('\n');

export const MEMORY_NODE_ARGS = [
  '--expose-gc',
  `--import=data:text/javascript,${encodeURIComponent(MEMORY_PROBE)}`,
];

export interface MemorySnapshot {
  rssMb: number;
  heapUsedMb: number;
  heapUsedAfterGcMb: number;
}

/** VmRSS of /proc/<pid>/status, in MB; undefined when absent (not Linux). */
export function vmRssMb(status: string): number | undefined {
  const kb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
  return kb === undefined ? undefined : Number(kb) / 1024;
}

/** The last `bench-memory:` line of the output. */
export function lastMemoryLine(output: string): { heapUsed: number; heapUsedAfterGc: number } | undefined {
  const lines = output.split('\n').filter((l) => l.startsWith('bench-memory: '));
  const last = lines.at(-1);
  return last === undefined
    ? undefined
    : (JSON.parse(last.slice('bench-memory: '.length)) as { heapUsed: number; heapUsedAfterGc: number });
}

async function snapshot(backend: AppBackend): Promise<MemorySnapshot> {
  // RSS first: the probe's GC must not shrink what the process used while it worked
  const rssMb = vmRssMb(readFileSync(`/proc/${backend.web.pid}/status`, 'utf8'));
  const count = (): number =>
    backend.web
      .output()
      .split('\n')
      .filter((l) => l.startsWith('bench-memory: ')).length;
  const before = count();
  process.kill(backend.web.pid, 'SIGUSR2');
  const deadline = Date.now() + 10_000;
  while (count() === before) {
    if (Date.now() > deadline) throw new Error('bench: keine Speicherangabe vom Browser-Modus');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const heap = lastMemoryLine(backend.web.output());
  if (!heap || rssMb === undefined) throw new Error('bench: Speicher nicht lesbar');
  return { rssMb, heapUsedMb: heap.heapUsed / MB, heapUsedAfterGcMb: heap.heapUsedAfterGc / MB };
}

/** One complete case through the bridge, as the counter would do it. */
async function handleCase(backend: AppBackend, p: SimPrescription): Promise<void> {
  const scan = await backend.api.call('erx:scanCode', { text: p.token });
  const result = scan.results[0];
  if (!result?.ok)
    throw new Error(`scanCode: ${result && !result.ok ? result.error.message : 'kein Ergebnis'}`);
  const detail = await backend.api.call('erx:getCase', { prescriptionId: p.taskId });
  if (!detail.draft || detail.draft.length === 0) throw new Error('getCase: kein Entwurf nach $accept');
  const batched = detail.draft.map((e, i) => ({ ...e, batch: { lot: `MEM${i + 1}`, expiry: '2029-12-31' } }));
  await backend.api.call('erx:submitDispense', { prescriptionId: p.taskId, entries: batched });
  await backend.api.call('erx:closeCase', { prescriptionId: p.taskId });
}

async function handleAll(backend: AppBackend, prescriptions: readonly SimPrescription[]): Promise<void> {
  let next = 0;
  const client = async (): Promise<void> => {
    while (next < prescriptions.length) await handleCase(backend, prescriptions[next++]!);
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
}

const mbFigure = (name: string, mb: number): Figure => {
  const value = Number(mb.toFixed(1));
  return { name, unit: 'MB', samples: 1, p50: value, p95: value, p99: value, target: null };
};

export const mainMemory: Benchmark = {
  name: 'main-memory',
  description: 'Speicher des Hauptprozesses (RSS, V8-Heap) nach 1.000 Fällen über die Bridge-API',
  async run(options: BenchOptions): Promise<Figure[]> {
    const cases = Math.min(MEMORY_CASES, options.maxIterations);
    const backend = await openAppBackend({ nodeArgs: MEMORY_NODE_ARGS });
    try {
      const created = performance.now();
      const prescriptions = await backend.sim.createPrescriptions(WARMUP_CASES + cases);
      options.log(
        `  ${prescriptions.length} Rezepte angelegt in ${((performance.now() - created) / 1000).toFixed(1)} s (nicht gemessen)`,
      );
      await handleAll(backend, prescriptions.slice(0, WARMUP_CASES));
      const start = await snapshot(backend);
      const started = performance.now();
      await handleAll(backend, prescriptions.slice(WARMUP_CASES));
      const seconds = (performance.now() - started) / 1000;
      const after = await snapshot(backend);
      options.log(
        `  ${cases} Fälle (scanCode, getCase, submitDispense, closeCase) in ${seconds.toFixed(1)} s = ${(cases / seconds).toFixed(1)} Fälle/s, ${CLIENTS} Clients`,
      );
      return [
        mbFigure('main-memory.rss.start', start.rssMb),
        mbFigure('main-memory.rss.after-cases', after.rssMb),
        mbFigure('main-memory.heap-after-gc.start', start.heapUsedAfterGcMb),
        mbFigure('main-memory.heap-after-gc.after-cases', after.heapUsedAfterGcMb),
        mbFigure('main-memory.heap-used.after-cases', after.heapUsedMb),
      ];
    } finally {
      await backend.close();
    }
  },
};
