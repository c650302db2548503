/**
 * What a benchmark worker thread does: the bench entry starts itself as a worker (`workerData.role`) and lands
 * here. The cycle clients send `{ kind: 'measuring' }` when the measured phase begins; every role ends with one
 * answer: `{ kind: 'done', ok: true, output }` or `{ kind: 'done', ok: false, error }`.
 */
import type { MessagePort } from 'node:worker_threads';
import { runBareClients, type BareClientsInput, type BareClientsOutput } from './bare-http';
import { runCycleClients, type CycleClientsInput, type CycleClientsOutput } from './cycle-clients';

export type WorkerRequest =
  | { role: 'cycle-clients'; input: CycleClientsInput }
  /** the machine's bare HTTP rate beside the simulator (bare-http.ts) */
  | { role: 'bare-http-clients'; input: BareClientsInput };

export type WorkerMessage =
  | { kind: 'measuring' }
  | { kind: 'done'; ok: true; output: CycleClientsOutput | BareClientsOutput }
  | { kind: 'done'; ok: false; error: string };

const ROLES: ReadonlySet<unknown> = new Set(['cycle-clients', 'bare-http-clients']);

export function isWorkerRequest(value: unknown): value is WorkerRequest {
  return typeof value === 'object' && value !== null && ROLES.has((value as { role?: unknown }).role);
}

export async function runBenchWorker(request: WorkerRequest, port: MessagePort): Promise<void> {
  try {
    const output =
      request.role === 'cycle-clients'
        ? await runCycleClients(request.input, () => port.postMessage({ kind: 'measuring' }))
        : await runBareClients(request.input);
    port.postMessage({ kind: 'done', ok: true, output });
  } catch (error) {
    port.postMessage({
      kind: 'done',
      ok: false,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
