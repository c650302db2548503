/**
 * The 400 stage of $dispense and $close (spec §3.1, §3.4, A_24281-02, A_19248-05): parse the body (format.ts:
 * 400/415) and run the Fachdienst's body rules from shared/fhir/checks/fachdienst-checks.ts — the one rule set
 * the simulator and the pharmacy's pre-flight share, so the simulator is never stricter than the Fachdienst.
 * The FD answers with one issue: the first finding (the one it meets first); the others go into diagnostics.
 */
import { fachdienstChecks, fachdienstDetailsText } from '../../../shared/fhir/checks/fachdienst-checks';
import type { FhirResourceJson } from '../../../shared/fhir/xml';
import { parseFhirBody } from '../format';
import { FachdienstError } from '../operation-outcome';
import type { TaskRecord } from '../task-record';
import type { OperationRequest } from './context';

export function checkedParameters(
  request: OperationRequest,
  task: TaskRecord,
  operation: 'dispense' | 'close',
  now: Date,
): FhirResourceJson {
  const parameters = parseFhirBody(request.body, request.contentType);
  const errors = fachdienstChecks(parameters, {
    operation,
    prescriptionId: task.id,
    kvnr: task.kvnr,
    telematikId: request.caller.idNummer,
    now,
  }).filter((finding) => finding.severity === 'error');
  const first = errors[0];
  if (first) {
    const diagnostics = errors.map((f) => (f.path ? `${f.path}: ${f.message}` : f.message)).join(' | ');
    throw new FachdienstError(400, fachdienstDetailsText(first), { diagnostics });
  }
  return parameters;
}
