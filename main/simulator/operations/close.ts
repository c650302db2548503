/**
 * POST /Task/{id}/$close?secret= — close the workflow and get the receipt (spec §3.5).
 * Check order as in FD 1.22 (spec §3.1, CloseTaskHandler): 404 → 410 cancelled → 403 status ≠ in-progress
 * ("Task has to be in progress, but is: <status>", A_19231-02) → 403 secret → with body: 400 body checks
 * (A_19248-05); without body or without rxDispensation: a stored $dispense is required, else 403 (A_24287-01).
 * Effects: with body the set is replaced (A_26481), lastMedicationDispense (A_26337) and owner (A_28411)
 * updated; status completed (A_19232); receipt created, signed, stored in Task.output (A_19233-06).
 * 200 → the receipt Bundle itself.
 */
import { dispenseSetFromParameters } from '../dispense-set';
import { FachdienstError } from '../operation-outcome';
import { createReceipt } from '../receipt';
import { checkedParameters } from './body-checks';
import { findTask, type OperationRequest, type OperationResult, type SimulatorState } from './context';
import { requireSecret } from './secret';

export const NO_DISPENSE_DATA =
  'Abschluss des Workflows konnte nicht durchgeführt werden. Dispensierinformationen wurden nicht bereitgestellt.';

export async function closeTask(state: SimulatorState, request: OperationRequest): Promise<OperationResult> {
  const task = findTask(state.repository, request.taskId);
  if (task.status === 'cancelled') throw new FachdienstError(410, 'Task has already been deleted');
  if (task.status !== 'in-progress') {
    throw new FachdienstError(403, `Task has to be in progress, but is: ${task.status}`);
  }
  requireSecret(task, request);
  const now = state.clock.now();
  const instant = now.toISOString();

  const submitted =
    request.body.length > 0
      ? dispenseSetFromParameters(checkedParameters(request, task, 'close', now), task.id, () => state.ids.uuid())
      : [];
  if (submitted.length === 0) {
    if (task.dispenses.length === 0) throw new FachdienstError(403, NO_DISPENSE_DATA);
  } else {
    task.dispenses = submitted;
    task.owner = request.caller.idNummer;
    task.lastMedicationDispense = instant;
  }
  if (!task.prescription) throw new FachdienstError(500, 'No matching prescription found.');

  const receipt = await createReceipt(
    {
      prescriptionId: task.id,
      receiptId: state.ids.uuid(),
      beneficiary: request.caller.idNummer,
      inProgressAt: task.lastStatusChange,
      completedAt: now,
      prescriptionDigest: task.prescription.messageDigest,
      baseUrl: request.baseUrl,
    },
    state.ids,
    state.pki,
  );
  task.status = 'completed';
  task.receipt = receipt;
  task.lastModified = instant;
  task.lastStatusChange = instant;
  state.repository.put(task);
  return { status: 200, resource: receipt };
}
