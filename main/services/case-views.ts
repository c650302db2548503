/** Store records → the DTOs of the IPC contract. */
import type { CaseDetail, CaseStatus, CaseSummary, ReceiptSummary, Submission } from '../../shared/ipc/contract';
import type { CaseRecord } from '../store/cases';
import type { DraftRecord } from '../store/drafts';
import type { ReceiptRecord } from '../store/receipts';
import type { SubmissionRecord } from '../store/submissions';
import { deadlineFindings } from './deadline-findings';
import { closeDeadlineState, nextWorkingDay } from './working-days';

/** Cases whose dispense list can still change (spec §3.12: locked after $close; ended after $reject/$abort). */
export const editableStatuses: readonly CaseStatus[] = ['accepted', 'dispensed'];
/** Cases the pharmacy holds (A_23801: a re-scan opens them instead of calling the Fachdienst). */
export const heldStatuses: readonly CaseStatus[] = ['accepted', 'dispensed', 'closed'];

export const isEditable = (r: Pick<CaseRecord, 'status'>): boolean => editableStatuses.includes(r.status);

/** `today` = the German date of the app's clock (the simulator's in training), for the closing deadline. */
export function caseSummary(r: CaseRecord, today: string): CaseSummary {
  // Spec §9.4: sent but not closed → close by the end of the next working day after the last handover.
  const closeDeadline = r.status === 'dispensed' && r.lastHandoverDate ? nextWorkingDay(r.lastHandoverDate) : undefined;
  return {
    prescriptionId: r.prescriptionId,
    flowType: r.flowType,
    status: r.status,
    patientName: r.patientName,
    kvnr: r.kvnr,
    medicationLabel: r.medicationLabel,
    acceptDate: r.acceptDate,
    expiryDate: r.expiryDate,
    acceptedAt: r.acceptedAt,
    acceptedBy: r.acceptedBy,
    lastDispenseAt: r.lastDispenseAt,
    closedAt: r.closedAt,
    endedAt: r.endedAt,
    endedBy: r.endedBy,
    closeDeadline,
    closeDeadlineState: closeDeadline ? closeDeadlineState(closeDeadline, today) : undefined,
    lastConfirmedAt: r.lastConfirmedAt,
    hasUnsentChanges: isEditable(r) && (r.unsentChanges ?? false),
  };
}

export function submissionView(s: SubmissionRecord, version: number): Submission {
  return {
    id: s.id,
    version,
    operation: s.operation,
    state: s.state,
    staff: s.staff,
    createdAt: s.createdAt,
    completedAt: s.completedAt,
    entries: s.entries,
    withBody: s.withBody,
    httpStatus: s.httpStatus,
    errorMessage: s.errorMessage,
  };
}

export function receiptView(r: ReceiptRecord): ReceiptSummary {
  return {
    prescriptionId: r.prescriptionId,
    bundleId: r.bundleId,
    completedAt: r.completedAt,
    pharmacyTelematikId: r.pharmacyTelematikId,
    signaturePresent: r.signaturePresent,
    receivedAt: r.receivedAt,
    staff: r.staff,
  };
}

export interface CaseDetailParts {
  record: CaseRecord;
  draft: DraftRecord | undefined;
  /** oldest first */
  submissions: SubmissionRecord[];
  /** the list the Fachdienst last confirmed for the current acceptance */
  confirmed: SubmissionRecord | undefined;
  receipt: ReceiptRecord | undefined;
  today: string;
}

export function caseDetail({ record, draft, submissions, confirmed, receipt, today }: CaseDetailParts): CaseDetail {
  const editable = isEditable(record);
  const current = submissions.filter((s) => s.createdAt >= record.acceptedAt);
  return {
    ...caseSummary(record, today),
    prescription: record.prescription ?? null,
    prescriptionError: record.prescriptionError,
    draft: draft?.entries ?? null,
    submissions: submissions.map((s, i) => submissionView(s, i + 1)),
    confirmedEntries: confirmed?.entries ?? null,
    readOnly: !editable,
    secretMissing: heldStatuses.includes(record.status) && !record.secret,
    outcomeUnknown: editable && current.some((s) => s.state === 'pending'),
    deadlineFindings: editable ? deadlineFindings(record, today) : [],
    receipt: receipt ? receiptView(receipt) : null,
  };
}
