/**
 * Who works on an open case (issue 18 item 4, docs/multi-counter.md §4): the lease query. Holding IS asking —
 * `holdCase` takes a free (or expired) case for this counter and renews its own, and answers who holds it — so the
 * query's refetch is the renewal: every 20 s while the case view is open (a lease lives 60 s without one), and
 * whenever main reports a change of holder (`case-changed` for the case, app/bridge-events.ts). With one counter main
 * always answers `mine: true`.
 */
import { queryOptions, type QueryClient } from '@tanstack/react-query';
import type { CaseLease, ErxBridge } from '../../../../shared/ipc/contract';
import { invoke } from '../../lib/invoke';
import { caseKeys } from '../cases/case-query';

export const leaseKeys = {
  all: ['case-lease'] as const,
  case: (prescriptionId: string) => [...leaseKeys.all, prescriptionId] as const,
};

/** §4: renewed every 20 s while the case is open; main lets a lease expire 60 s after the last renewal. */
export const leaseRenewMs = 20_000;
/**
 * While the other counter is sending, „Übernehmen“ waits. Its end is announced by no event (main notifies a change of
 * holder, not the end of a busy mark), so the renderer asks more often until the holder is done.
 */
const busyRecheckMs = 5_000;

export const caseLeaseQueryOptions = (bridge: ErxBridge, queryClient: QueryClient, prescriptionId: string) =>
  queryOptions({
    queryKey: leaseKeys.case(prescriptionId),
    queryFn: async (): Promise<CaseLease> => {
      const before = queryClient.getQueryData<CaseLease>(leaseKeys.case(prescriptionId));
      const lease = await invoke(bridge, 'holdCase', { prescriptionId });
      // The case became this counter's (the other one left or its lease ran out): the editor unlocks with the list
      // the other counter saved last, so the detail is read again before the answer is shown.
      if (before?.mine === false && lease.mine) await refreshCaseDetail(queryClient, prescriptionId);
      return lease;
    },
    refetchInterval: (query) => (query.state.data?.busy === true && !query.state.data.mine ? busyRecheckMs : leaseRenewMs),
    // a hidden or minimised window keeps its case: the renewal must not pause with it
    refetchIntervalInBackground: true,
    // an answer is true only for the moment it was given; left behind it would show an old holder on the next visit
    gcTime: 0,
  });

/** Reads the case detail again now (a failure leaves the cached one; the case view shows its own errors). */
export async function refreshCaseDetail(queryClient: QueryClient, prescriptionId: string): Promise<void> {
  await queryClient.refetchQueries({ queryKey: caseKeys.detail(prescriptionId), exact: true });
}

/** Ask again who holds the case: main reported a change, or refused a write because another counter holds it. */
export function invalidateCaseLease(queryClient: QueryClient, prescriptionId: string): void {
  void queryClient.invalidateQueries({ queryKey: leaseKeys.case(prescriptionId), exact: true });
}
