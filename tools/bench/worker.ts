/**
 * What a benchmark worker thread does: the bench entry starts itself as a worker (`workerData.role`) and lands
 * here. Sends `{ kind: 'measuring' }` when the measured phase begins, then one answer:
 * `{ kind: 'done', ok: true, output }` or `{ kind: 'done', ok: false, error }`.
 */
import type { MessagePort } from 'node:worker_threads';
import { runCycleClients, type CycleClientsInput, type CycleClientsOutput } from './cycle-clients';

export interface WorkerRequest {
  role: 'cycle-clients';
  input: CycleClientsInput;
}

export type WorkerMessage =
  | { kind: 'measuring' }
  | { kind: 'done'; ok: true; output: CycleClientsOutput }
  | { kind: 'done'; ok: false; error: string };

export function isWorkerRequest(value: unknown): value is WorkerRequest {
  return (
    typeof value === 'object' && value !== null && (value as { role?: unknown }).role === 'cycle-clients'
  );
}

export async function runBenchWorker(request: WorkerRequest, port: MessagePort): Promise<void> {
  try {
    const output = await runCycleClients(request.input, () => port.postMessage({ kind: 'measuring' }));
    port.postMessage({ kind: 'done', ok: true, output });
  } catch (error) {
    port.postMessage({
      kind: 'done',
      ok: false,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
