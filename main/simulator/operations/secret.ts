/**
 * The Secret check shared by $dispense, $close, $reject, $abort and GET ?secret: query `secret` must equal the
 * stored one, else 403 with `VAU-Error-Code: brute_force` (A_20703, spec §3.1). The FD text differs per
 * operation, so the caller passes it.
 */
import { BRUTE_FORCE_HEADERS, FachdienstError } from '../operation-outcome';
import type { TaskRecord } from '../task-record';
import type { OperationRequest } from './context';

export const SECRET_MISMATCH = 'No or invalid secret provided for Task';

export function requireSecret(task: TaskRecord, request: OperationRequest, text = SECRET_MISMATCH): void {
  const secret = request.query('secret');
  if (secret === undefined || task.secret === null || secret !== task.secret) {
    throw new FachdienstError(403, text, { headers: BRUTE_FORCE_HEADERS });
  }
}
