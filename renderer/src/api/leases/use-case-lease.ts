/**
 * The case view's side of „one owner per case“ (issue 18 item 4, docs/multi-counter.md §4): hold the open case while
 * the view shows it (renewed by the lease query, lease-query.ts), free it when the view goes — another case opened,
 * back to the inbox, or the case closed here — and „Übernehmen“ after the pharmacist confirmed it.
 */
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { CaseLease, ErxBridge } from '../../../../shared/ipc/contract';
import { useBridge } from '../../lib/bridge-context';
import { invoke } from '../../lib/invoke';
import { afterNextFrame } from '../cases/case-writes';
import { caseLeaseQueryOptions, leaseKeys, refreshCaseDetail } from './lease-query';

/**
 * Holds the case while `enabled` (an open case: a closed or ended one has nobody to work on it). `data` is undefined
 * until main answered; `mine: false` means another counter holds it.
 */
export function useCaseLease(prescriptionId: string, enabled: boolean) {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  const query = useQuery({ ...caseLeaseQueryOptions(bridge, queryClient, prescriptionId), enabled });
  useEffect(() => {
    if (!enabled) return;
    // Not fetching: leaving the case is an effect of the view going away, and it frees the case for the others
    // at once instead of after 60 s (§4) — once the view that replaces it is on screen: a scan opening the next case
    // does not wait for this round trip (docs/performance.md, scan-overhead).
    return () => afterNextFrame(() => releaseCase(bridge, queryClient, prescriptionId));
  }, [bridge, queryClient, prescriptionId, enabled]);
  return query;
}

function releaseCase(bridge: ErxBridge, queryClient: QueryClient, prescriptionId: string): void {
  invoke(bridge, 'releaseCase', { prescriptionId })
    // a release that fails changes nothing here: the lease runs out on its own after 60 s (§4)
    .catch(() => undefined)
    .finally(() => {
      // The same case is on screen again (reopened at once, or React's development double mount): the release
      // may have landed after its hold, so it is held again now.
      const lease = queryClient.getQueryCache().find({ queryKey: leaseKeys.case(prescriptionId), exact: true });
      if (lease && lease.getObserversCount() > 0) void queryClient.invalidateQueries({ queryKey: lease.queryKey, exact: true });
    });
}

/** „Übernehmen“: only after the confirmation (`confirmed: true`); main refuses it while the holder is sending. */
export function useTakeOverCase() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation<CaseLease, Error, { prescriptionId: string }>({
    mutationFn: async ({ prescriptionId }) => {
      const lease = await invoke(bridge, 'takeOverCase', { prescriptionId, confirmed: true });
      // the editor unlocks with the list the other counter saved last
      await refreshCaseDetail(queryClient, prescriptionId);
      return lease;
    },
    onSuccess: (lease, { prescriptionId }) => queryClient.setQueryData(leaseKeys.case(prescriptionId), lease),
  });
}
