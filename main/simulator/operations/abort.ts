/**
 * POST /Task/{id}/$abort — delete the prescription (spec §3.8, §4; FD AbortTaskHandler).
 * 404 → 410 → 403 draft → (insurant, 169/209: only when completed, A_22102-01) →
 * pharmacy: 403 status ≠ in-progress (A_19146) → 403 secret (A_19224);
 * others: 403 when in-progress (A_19145-01); insurant with own KVNR passes (A_20546-03); a doctor needs a
 * ready Task; everyone else needs the AccessCode (A_20547, A_19120-3) → 204.
 * Effects: cancelled; AccessCode, Secret, owner, input/output, dispenses, lastMedicationDispense and the Task's
 * Communications removed — only the KVNR stays (A_19027-06, FD AbortTaskHandler deleteCommunicationsForTask).
 */
import { ProfessionOids } from '../../../shared/fhir/profiles';
import { PHARMACY_OIDS } from '../auth';
import { BRUTE_FORCE_HEADERS, FachdienstError } from '../operation-outcome';
import { findTask, type OperationRequest, type OperationResult, type SimulatorState } from './context';
import { requireSecret } from './secret';

export async function abortTask(state: SimulatorState, request: OperationRequest): Promise<OperationResult> {
  const task = findTask(state.repository, request.taskId);
  if (task.status === 'cancelled') throw new FachdienstError(410, 'Task has already been deleted');
  if (task.status === 'draft') throw new FachdienstError(403, 'Abort not expected for newly created Task');
  const role = request.caller.professionOID;
  if (role === ProfessionOids.insurant && (task.flowType === '169' || task.flowType === '209') && task.status !== 'completed') {
    throw new FachdienstError(403, 'Abort for patient in workflow types 169 / 209 only allowed for completed Task');
  }
  if (PHARMACY_OIDS.includes(role)) {
    if (task.status !== 'in-progress') {
      throw new FachdienstError(403, `Task must be in progress for user pharmacy, is: ${task.status}`);
    }
    requireSecret(task, request, 'No or invalid secret provided for user pharmacy');
  } else {
    if (task.status === 'in-progress') {
      throw new FachdienstError(403, `Task must not be in progress for users other than pharmacy, but is: ${task.status}`);
    }
    const ownTask = role === ProfessionOids.insurant && request.caller.idNummer === task.kvnr;
    if (!ownTask) {
      if (role !== ProfessionOids.insurant && task.status !== 'ready') {
        throw new FachdienstError(403, `Task must be ready for doctor, but is: ${task.status}`);
      }
      const accessCode = request.query('ac') ?? request.header('X-AccessCode');
      if (task.accessCode === null || accessCode !== task.accessCode) {
        throw new FachdienstError(403, 'AccessCode mismatch', { headers: BRUTE_FORCE_HEADERS });
      }
    }
  }
  const instant = state.clock.now().toISOString();
  task.status = 'cancelled';
  task.accessCode = null;
  task.secret = null;
  task.owner = null;
  task.prescription = null;
  task.dispenses = [];
  task.receipt = null;
  task.lastMedicationDispense = null;
  task.mvo = null;
  task.lastModified = instant;
  task.lastStatusChange = instant;
  state.repository.put(task);
  state.repository.deleteCommunicationsOfTask(task.id);
  return { status: 204 };
}
