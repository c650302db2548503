/**
 * POST /Task/{id}/$accept?ac= — the pharmacy claims the prescription (spec §3.2).
 * Check order as in FD 1.22 (spec §3.1, AcceptTaskHandler): 404 → 410 (AccessCode gone or cancelled,
 * A_19149-02) → 403 AccessCode (A_19167-04) → 409 status (A_19168-01; second issue when the caller already
 * owns it) → 403 expired (A_23539-01) → 403 MVO not yet valid (A_22635-02).
 * The role check (and the 403 for a malformed id) happens before, in the app (A_19166-02).
 * Effects (A_19169-01, A_24174): in-progress, a new Secret, owner = caller, lastModified.
 */
import { berlinDate, germanDate } from '../../../shared/erezept/dates';
import { BRUTE_FORCE_HEADERS, FachdienstError } from '../operation-outcome';
import { prescriptionBinary, taskResource } from '../task-resource';
import { findTask, type OperationRequest, type OperationResult, type SimulatorState } from './context';

export async function acceptTask(state: SimulatorState, request: OperationRequest): Promise<OperationResult> {
  const task = findTask(state.repository, request.taskId);
  const now = state.clock.now();

  if (!task.accessCode || task.status === 'cancelled') {
    throw new FachdienstError(410, 'Task meanwhile deleted for prescription id');
  }
  const accessCode = request.query('ac') ?? request.header('X-AccessCode');
  if (accessCode !== task.accessCode) {
    throw new FachdienstError(403, 'AccessCode mismatch', { headers: BRUTE_FORCE_HEADERS });
  }
  if (task.status !== 'ready') {
    const text = `Task has invalid status ${task.status}`;
    const ownedByCaller = task.status === 'in-progress' && task.owner === request.caller.idNummer;
    throw new FachdienstError(409, text, ownedByCaller ? { secondText: 'Task is processed by requesting institution' } : {});
  }
  // A_23539-01: expired once the German local date is after expiryDate.
  const today = berlinDate(now);
  if (today > task.expiryDate) {
    throw new FachdienstError(403, `Verordnung bis ${germanDate(task.expiryDate)} einlösbar.`);
  }
  const binary = prescriptionBinary(task);
  if (!binary) throw new FachdienstError(404, 'Healthcare provider prescription not found for prescription id');
  // A_22635-02: a partial prescription of an MVO may be redeemed from its period start (German local date).
  if (task.mvo && today < task.mvo.start) {
    throw new FachdienstError(
      403,
      `Teilverordnung zur Mehrfachverordnung ${task.mvo.id} ist ab ${germanDate(task.mvo.start)} einlösbar.`,
    );
  }

  const instant = now.toISOString();
  task.status = 'in-progress';
  task.secret = state.ids.secret();
  task.owner = request.caller.idNummer;
  task.lastModified = instant;
  task.lastStatusChange = instant;
  state.repository.put(task);

  const taskUrl = `${request.baseUrl}/Task/${task.id}`;
  return {
    status: 200,
    resource: {
      resourceType: 'Bundle',
      id: state.ids.uuid(),
      type: 'collection',
      timestamp: instant,
      link: [{ relation: 'self', url: `${taskUrl}/$accept/` }],
      entry: [
        {
          fullUrl: taskUrl,
          resource: taskResource(task, { accessCode: true, secret: true, prescriptionInput: true, receiptOutput: false }),
        },
        { fullUrl: `urn:uuid:${String(binary['id'])}`, resource: binary },
      ],
    },
  };
}
