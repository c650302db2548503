/**
 * GET /Task/{id} (spec §3.3, §3.6; FD GetTaskHandler):
 * - pharmacy with `?secret=` — receipt re-fetch (UC 4.8): 404 → 410 → 403 secret. No owner check (spec §12.9).
 *   Bundle: Task (Secret, no AccessCode) + the receipt when completed.
 * - pharmacy with `?ac=` (or X-AccessCode) — secret recovery (UC 4.17): 403 when neither is given → 404 → 410 →
 *   403 AccessCode (A_24177-01) → 412 status ∉ {in-progress, completed} (A_24178-02) → 412 owner ≠ caller
 *   (A_24176-01). Bundle: Task (Secret, no AccessCode) + the QES Binary.
 * - insurant: own Task by KVNR, or someone else's with the AccessCode (representative, not for 169/209);
 *   never the Secret, no AccessCode for 169/209 (A_21360-01).
 */
import { ProfessionOids } from '../../../shared/fhir/profiles';
import { BRUTE_FORCE_HEADERS, FachdienstError } from '../operation-outcome';
import { prescriptionBinary, taskResource } from '../task-resource';
import type { TaskRecord } from '../task-record';
import { findTask, requireValidTaskId, type OperationRequest, type OperationResult, type SimulatorState } from './context';
import { listTasksForPharmacy } from './egk-task-list';
import { requireSecret } from './secret';
import { searchsetBundle } from './paging';

const NOT_FOUND_IN_DB = 'Task not found in DB';
const DELETED = 'Task has already been deleted';

export async function getTask(state: SimulatorState, request: OperationRequest): Promise<OperationResult> {
  if (request.caller.professionOID === ProfessionOids.insurant) return getTaskAsInsurant(state, request);
  const secret = request.query('secret');
  const accessCode = request.query('ac') ?? request.header('X-AccessCode');
  if (secret !== undefined) return receiptRefetch(state, request);
  // FD: the parameter check comes before the Task is loaded (only the id was parsed).
  requireValidTaskId(request.taskId);
  if (accessCode === undefined) {
    throw new FachdienstError(403, 'Neither AccessCode(ac) nor secret provided as URI-Parameter.');
  }
  return secretRecovery(state, request, accessCode);
}

function receiptRefetch(state: SimulatorState, request: OperationRequest): OperationResult {
  const task = findTask(state.repository, request.taskId, NOT_FOUND_IN_DB);
  if (task.status === 'cancelled') throw new FachdienstError(410, DELETED);
  requireSecret(task, request, 'No or invalid secret provided for user pharmacy');
  const withReceipt = task.status === 'completed' && task.receipt !== null;
  const selfLink = `${request.baseUrl}/Task/${task.id}`;
  const entry: Record<string, unknown>[] = [
    {
      fullUrl: selfLink,
      resource: taskResource(task, { accessCode: false, secret: true, prescriptionInput: false, receiptOutput: withReceipt }),
    },
  ];
  if (withReceipt && task.receipt) entry.push({ fullUrl: `urn:uuid:${String(task.receipt['id'])}`, resource: task.receipt });
  return { status: 200, resource: collection(state, selfLink, entry) };
}

function secretRecovery(state: SimulatorState, request: OperationRequest, accessCode: string): OperationResult {
  const task = findTask(state.repository, request.taskId, NOT_FOUND_IN_DB);
  if (task.status === 'cancelled') throw new FachdienstError(410, DELETED);
  if (task.accessCode === null || accessCode !== task.accessCode) {
    throw new FachdienstError(403, 'AccessCode mismatch', { headers: BRUTE_FORCE_HEADERS });
  }
  if (task.status !== 'in-progress' && task.status !== 'completed') {
    throw new FachdienstError(412, 'Task must be in-progress or completed.');
  }
  if (task.owner !== request.caller.idNummer) {
    throw new FachdienstError(412, "Task.owner doesn't match idNumberClaim in ACCESS_TOKEN");
  }
  const selfLink = `${request.baseUrl}/Task/${task.id}`;
  const entry: Record<string, unknown>[] = [
    {
      fullUrl: selfLink,
      resource: taskResource(task, { accessCode: false, secret: true, prescriptionInput: true, receiptOutput: false }),
    },
  ];
  const binary = prescriptionBinary(task);
  if (binary) entry.push({ fullUrl: `urn:uuid:${String(binary['id'])}`, resource: binary });
  return { status: 200, resource: collection(state, selfLink, entry) };
}

const isDirectAssignment = (task: TaskRecord): boolean => task.flowType === '169' || task.flowType === '209';

function getTaskAsInsurant(state: SimulatorState, request: OperationRequest): OperationResult {
  const task = findTask(state.repository, request.taskId, NOT_FOUND_IN_DB);
  if (task.status === 'draft') throw new FachdienstError(403, 'Status draft is not allowed for this operation');
  if (task.status === 'cancelled') throw new FachdienstError(410, DELETED);
  if (task.kvnr !== request.caller.idNummer) {
    // A_19116-01: a representative needs the AccessCode; A_26148: not for directly assigned Tasks.
    const accessCode = request.query('ac') ?? request.header('X-AccessCode');
    if (task.accessCode === null || accessCode !== task.accessCode) {
      throw new FachdienstError(403, 'AccessCode mismatch', { headers: BRUTE_FORCE_HEADERS });
    }
    if (isDirectAssignment(task)) {
      throw new FachdienstError(403, 'Insurant representatives may not access directly assigned tasks');
    }
  }
  const selfLink = `${request.baseUrl}/Task/${task.id}`;
  const resource = taskResource(task, {
    accessCode: !isDirectAssignment(task),
    secret: false,
    prescriptionInput: false,
    receiptOutput: false,
  });
  return { status: 200, resource: collection(state, selfLink, [{ fullUrl: selfLink, resource }]) };
}

/** GET /Task — the insurant's list (A_19115-01); a pharmacy's list by eGK proof is egk-task-list.ts (spec §3.9). */
export async function listTasks(state: SimulatorState, request: OperationRequest): Promise<OperationResult> {
  if (request.caller.professionOID !== ProfessionOids.insurant) return listTasksForPharmacy(state, request);
  const tasks = state.repository
    .listForKvnr(request.caller.idNummer)
    .filter((task) => task.status !== 'draft')
    .sort((a, b) => a.authoredOn.localeCompare(b.authoredOn));
  const entry = tasks.map((task) => ({
    fullUrl: `${request.baseUrl}/Task/${task.id}`,
    resource: taskResource(task, { accessCode: !isDirectAssignment(task), secret: false, prescriptionInput: false, receiptOutput: false }),
    search: { mode: 'match' },
  }));
  return { status: 200, resource: searchsetBundle(state, tasks.length, [{ relation: 'self', url: `${request.baseUrl}/Task` }], entry) };
}

function collection(state: SimulatorState, selfLink: string, entry: Record<string, unknown>[]): Record<string, unknown> & {
  resourceType: string;
} {
  return {
    resourceType: 'Bundle',
    id: state.ids.uuid(),
    type: 'collection',
    timestamp: state.clock.now().toISOString(),
    link: [{ relation: 'self', url: selfLink }],
    entry,
  };
}
