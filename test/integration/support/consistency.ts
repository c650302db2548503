/**
 * "Every cell ends consistent, nothing lost, nothing duplicated" as one assertion: the app's
 * local case (through its IPC handlers or the browser bridge) against the Fachdienst's own state (as the
 * patient's app reads it):
 * - status: accepted/dispensed ⇔ Task `in-progress`, closed ⇔ `completed` (spec §3.1);
 * - the list the Fachdienst stores is exactly the app's last confirmed list (A_26482: full replace — an entry
 *   twice would show a duplicated submission);
 * - a receipt is stored locally iff the Task is completed (spec §7);
 * - exactly one local case for the prescription; no owed operation left `pending`, no submission whose
 *   outcome is still unknown; an open case keeps its draft.
 */
import { expect } from 'vitest';
import { parsePrescriptionId, type PrescriptionId } from '../../../shared/erezept/identifiers';
import type { CaseDetail, CaseSummary, PendingOperation } from '../../../shared/ipc/contract';
import type { HandlerTable } from '../../../main/ipc/types';
import { dispensedItems, sortedItems, type CreatedPrescription, type DispensedItem, type FachdienstSide, type TaskStatus } from './fachdienst-side';

/** What a test reads from the running app — in-process handlers or the browser bridge. */
export interface AppView {
  getCase(prescriptionId: string): Promise<CaseDetail>;
  listCases(): Promise<CaseSummary[]>;
  listPendingOperations(): Promise<PendingOperation[]>;
}

export function prescriptionIdOf(taskId: string): PrescriptionId {
  const parsed = parsePrescriptionId(taskId);
  if (!parsed.ok) throw new Error(`not a PrescriptionID: ${taskId}`);
  return parsed.data;
}

/** The in-process handler table as an AppView. */
export function handlerView(handlers: HandlerTable): AppView {
  return {
    getCase: (id) => handlers['erx:getCase']({ prescriptionId: prescriptionIdOf(id) }),
    listCases: async () => (await handlers['erx:listCases']({ limit: 1000 })).cases,
    listPendingOperations: () => handlers['erx:listPendingOperations']({}),
  };
}

const expectedTaskStatus: Record<CaseDetail['status'], TaskStatus> = {
  accepted: 'in-progress',
  dispensed: 'in-progress',
  closed: 'completed',
  rejected: 'ready',
  aborted: 'cancelled',
};

export interface ConsistentState {
  detail: CaseDetail;
  taskStatus: TaskStatus;
  stored: DispensedItem[];
  operations: PendingOperation[];
}

export async function expectConsistent(app: AppView, fd: FachdienstSide, prescription: CreatedPrescription): Promise<ConsistentState> {
  const id = prescription.taskId;
  const cases = (await app.listCases()).filter((c) => c.prescriptionId === id);
  expect(cases, 'exactly one local case for the prescription').toHaveLength(1);

  const detail = await app.getCase(id);
  const taskStatus = await fd.taskStatus(prescription);
  expect(taskStatus, `Task status for local status ${detail.status}`).toBe(expectedTaskStatus[detail.status]);

  const stored = await fd.storedDispenses(prescription);
  expect(sortedItems(stored), 'the Fachdienst stores exactly the last confirmed list').toEqual(sortedItems(dispensedItems(detail.confirmedEntries ?? [])));

  expect(detail.receipt !== null, 'receipt stored locally iff the Task is completed').toBe(taskStatus === 'completed');
  if (detail.receipt) expect(detail.receipt.prescriptionId).toBe(id);

  const operations = (await app.listPendingOperations()).filter((op) => op.prescriptionId === id);
  expect(operations.filter((op) => op.state === 'pending'), 'no operation still owed').toEqual([]);
  expect(detail.outcomeUnknown, 'no submission with an unknown outcome').toBe(false);
  expect(detail.submissions.filter((s) => s.state === 'pending')).toEqual([]);
  expect(detail.secretMissing).toBe(false);
  if (!detail.readOnly) expect(detail.draft, 'an open case keeps its draft').not.toBeNull();
  return { detail, taskStatus, stored, operations };
}
