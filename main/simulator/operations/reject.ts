/**
 * POST /Task/{id}/$reject?secret= — the pharmacy hands the prescription back (spec §3.7; FD RejectTaskHandler):
 * 404 → 410 → 403 "Task not in status in progress, is: <status>" (A_19171-03) → 403 secret → 204.
 * Effects: Secret and owner deleted, status ready (A_19172-01, A_24175), stored dispenses and
 * lastMedicationDispense deleted (A_24286-02).
 */
import { FachdienstError } from '../operation-outcome';
import { findTask, type OperationRequest, type OperationResult, type SimulatorState } from './context';
import { requireSecret } from './secret';

export async function rejectTask(state: SimulatorState, request: OperationRequest): Promise<OperationResult> {
  const task = findTask(state.repository, request.taskId);
  if (task.status === 'cancelled') throw new FachdienstError(410, 'Task has already been deleted');
  if (task.status !== 'in-progress') {
    throw new FachdienstError(403, `Task not in status in progress, is: ${task.status}`);
  }
  requireSecret(task, request, 'No or invalid secret');
  const instant = state.clock.now().toISOString();
  task.secret = null;
  task.owner = null;
  task.status = 'ready';
  task.dispenses = [];
  task.lastMedicationDispense = null;
  task.lastModified = instant;
  task.lastStatusChange = instant;
  state.repository.put(task);
  return { status: 204 };
}
