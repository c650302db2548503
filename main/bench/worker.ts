/**
 * What a benchmark worker thread does: the bench entry starts itself as a worker (`workerData.role`) and lands
 * here. Answers one message: `{ ok: true, output }` or `{ ok: false, error }`.
 */
import type { MessagePort } from 'node:worker_threads';
import { runCycleClients, type CycleClientsInput } from './cycle-clients';

export interface WorkerRequest {
  role: 'cycle-clients';
  input: CycleClientsInput;
}

export function isWorkerRequest(value: unknown): value is WorkerRequest {
  return typeof value === 'object' && value !== null && (value as { role?: unknown }).role === 'cycle-clients';
}

export async function runBenchWorker(request: WorkerRequest, port: MessagePort): Promise<void> {
  try {
    port.postMessage({ ok: true, output: await runCycleClients(request.input) });
  } catch (error) {
    port.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) });
  }
}
