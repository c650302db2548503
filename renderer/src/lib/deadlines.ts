import type { CaseDetail } from '../../../shared/ipc/contract';

/**
 * A_23800: after the Einlösefrist nothing may be supplied. Main reports it as an error finding by its clock (the
 * simulator's in training); the prescription view shows it, the dispense editor sends nothing then.
 */
export const isExpired = (caseDetail: CaseDetail): boolean => caseDetail.deadlineFindings.some((f) => f.severity === 'error');
