/** Store records → the DTOs of the IPC contract. */
import type { CaseDetail, CaseSummary, ReceiptSummary, Submission } from '../../shared/ipc/contract';
import type { CaseRecord } from '../store/cases';
import type { DraftRecord } from '../store/drafts';
import type { ReceiptRecord } from '../store/receipts';
import type { SubmissionRecord } from '../store/submissions';

export function caseSummary(r: CaseRecord): CaseSummary {
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
    lastDispenseAt: r.lastDispenseAt,
    closedAt: r.closedAt,
  };
}

export function submissionView(s: SubmissionRecord): Submission {
  return {
    id: s.id,
    operation: s.operation,
    state: s.state,
    staff: s.staff,
    createdAt: s.createdAt,
    completedAt: s.completedAt,
    entries: s.entries,
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

export function caseDetail(
  record: CaseRecord,
  draft: DraftRecord | undefined,
  submissions: SubmissionRecord[],
  receipt: ReceiptRecord | undefined,
): CaseDetail {
  return {
    ...caseSummary(record),
    prescription: record.prescription ?? null,
    prescriptionError: record.prescriptionError,
    draft: draft?.entries ?? null,
    submissions: submissions.map(submissionView),
    receipt: receipt ? receiptView(receipt) : null,
  };
}
