/**
 * POST /Task/{id}/$dispense?secret= — provide or replace the dispense information without closing
 * (spec §3.4). Check order as in FD 1.22 (spec §3.1, DispenseTaskHandler): 404 → 403 secret (A_24280) →
 * 403 "Task not in-progress." (A_24298) → 400 body (A_24281-02) → store → 204 empty.
 * Effects: the stored set is replaced (A_26482, ids rewritten A_26527), lastMedicationDispense = now
 * (A_24285-01), owner = caller (A_28410); the status stays in-progress (A_24284).
 */
import { dispenseSetFromParameters } from '../dispense-set';
import { FachdienstError } from '../operation-outcome';
import { checkedParameters } from './body-checks';
import { findTask, type OperationRequest, type OperationResult, type SimulatorState } from './context';
import { requireSecret } from './secret';

export async function dispenseTask(state: SimulatorState, request: OperationRequest): Promise<OperationResult> {
  const task = findTask(state.repository, request.taskId);
  requireSecret(task, request);
  if (task.status !== 'in-progress') throw new FachdienstError(403, 'Task not in-progress.');
  const now = state.clock.now();
  const parameters = checkedParameters(request, task, 'dispense', now);

  const instant = now.toISOString();
  task.dispenses = dispenseSetFromParameters(parameters, task.id, () => state.ids.uuid());
  task.lastMedicationDispense = instant;
  task.owner = request.caller.idNummer;
  task.lastModified = instant;
  state.repository.put(task);
  return { status: 204 };
}
