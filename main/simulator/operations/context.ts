/**
 * What every Fachdienst operation gets: the caller (verified token claims), the request parts it may read,
 * and the simulator's state. Operations return a result or throw a FachdienstError (operation-outcome.ts).
 */
import { parsePrescriptionId } from '../../../shared/erezept/identifiers';
import type { FhirResourceJson } from '../../../shared/fhir/xml';
import type { AccessClaims } from '../auth';
import type { SimClock } from '../clock';
import type { IdSource } from '../ids';
import { FachdienstError } from '../operation-outcome';
import type { TestPki } from '../pki';
import type { TaskRepository } from '../repository';
import type { SubscriptionHub } from '../subscriptions';
import type { TaskRecord } from '../task-record';

export interface SimulatorState {
  repository: TaskRepository;
  clock: SimClock;
  ids: IdSource;
  pki: TestPki;
  /** the pharmacies' subscriptions for new Communications and their bound sockets (spec §3.11) */
  subscriptions: SubscriptionHub;
}

export interface OperationRequest {
  /** the `{id}` path segment as sent */
  taskId: string;
  caller: AccessClaims;
  query(name: string): string | undefined;
  header(name: string): string | undefined;
  /** the raw body (already size- and BOM-checked); empty when none was sent */
  body: Uint8Array;
  contentType: string | undefined;
  /** e.g. http://127.0.0.1:1234 — for fullUrls and links */
  baseUrl: string;
}

export interface OperationResult {
  status: number;
  resource?: FhirResourceJson;
  headers?: Record<string, string>;
}

export const TASK_NOT_FOUND = 'Task not found for prescription id';

/** The Task of a `/Task/{id}` path: malformed id or wrong check digit ⇒ 404 like an unknown id (spec §1.3). */
export function findTask(repository: TaskRepository, taskId: string, notFoundText = TASK_NOT_FOUND): TaskRecord {
  requireValidTaskId(taskId);
  const task = repository.get(taskId);
  if (!task) throw new FachdienstError(404, notFoundText);
  return task;
}

/** FD ErpRequestHandler::parseId: format and Mod-97 check digits, else 404. */
export function requireValidTaskId(taskId: string): void {
  if (!parsePrescriptionId(taskId).ok) {
    throw new FachdienstError(404, 'Failed to parse prescription ID from URL parameter');
  }
}
