/**
 * Case-level actions (issue 5 items 6, 7): $reject („Rezept zurückgeben“), $abort („Rezept löschen“), the
 * receipt re-fetch (GET ?secret) and the Secret recovery (GET ?ac). Each answers with the updated case, which
 * replaces the cached detail without a second `getCase` (case-writes.ts); the lists are invalidated because
 * status and search fields changed.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useBridge } from '../../../lib/bridge-context';
import { invoke } from '../../../lib/invoke';
import { clearRetry } from '../../connection/api/retry-progress';
import { caseWriteCallbacks, storeCaseDetail } from './case-writes';

export { storeCaseDetail } from './case-writes';

const idOf = (prescriptionId: string) => prescriptionId;

/** $reject after the pharmacist confirmed it (A_19241); main erases the local data afterwards (A_19251). */
export function useRejectCase() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (prescriptionId: string) => invoke(bridge, 'rejectCase', { prescriptionId, confirmed: true }),
    ...caseWriteCallbacks(queryClient, idOf),
    onSuccess: (detail) => storeCaseDetail(queryClient, detail),
  });
}

/** $abort on the patient's request, after the pharmacist confirmed it (A_19242, A_19245). */
export function useAbortCase() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (prescriptionId: string) => invoke(bridge, 'abortCase', { prescriptionId, confirmed: true }),
    ...caseWriteCallbacks(queryClient, idOf),
    onSuccess: (detail) => storeCaseDetail(queryClient, detail),
  });
}

/** „Quittung erneut abrufen“ (spec §3.6, §9.4: possible up to 100 days after completion). */
export function useRefetchReceipt() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  const writes = caseWriteCallbacks(queryClient, idOf);
  return useMutation({
    mutationFn: (prescriptionId: string) => invoke(bridge, 'refetchReceipt', { prescriptionId }),
    onMutate: writes.onMutate,
    onSuccess: (detail) => storeCaseDetail(queryClient, detail),
    // GET ?secret may have been retried: no „wird erneut versucht“ outlives the call
    onSettled: (data, error, prescriptionId) => {
      writes.onSettled(data, error, prescriptionId);
      clearRetry(queryClient, prescriptionId);
    },
  });
}

/** Gets the Secret back with the stored AccessCode (GET ?ac, spec §3.3, UC 4.17). */
export function useRecoverSecret() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  const writes = caseWriteCallbacks(queryClient, idOf);
  return useMutation({
    mutationFn: (prescriptionId: string) => invoke(bridge, 'recoverSecret', { prescriptionId }),
    onMutate: writes.onMutate,
    onSuccess: (detail) => storeCaseDetail(queryClient, detail),
    // GET ?ac may have been retried: no „wird erneut versucht“ outlives the call
    onSettled: (data, error, prescriptionId) => {
      writes.onSettled(data, error, prescriptionId);
      clearRetry(queryClient, prescriptionId);
    },
  });
}
