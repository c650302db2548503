import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useBridge } from '../../lib/bridge-context';
import { invoke } from '../../lib/invoke';
import { recordAppTime } from '../app-info/app-clock';
import { caseKeys } from '../cases/case-query';
import { beginCaseWrite, endCaseWrite, storeCaseAnswer } from '../cases/case-writes';
import { clearRetry } from '../connection/retry-progress';

/**
 * Sends what the scanner delivered to main, which parses the 1–3 E-Rezept-Tokens (spec §2) and accepts them. A
 * successful outcome may carry the whole case (docs/performance.md, scan-overhead): it goes into the cache before the
 * counter navigates, so opening the case needs no second `getCase` round trip.
 */
export function useScanCode() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (text: string) => invoke(bridge, 'scanCode', { text }),
    onMutate: () => beginCaseWrite(queryClient, null),
    onSuccess: ({ results }) => {
      // a case accepted just now carries main's time (the simulator's in training)
      const accepted = results.find((r) => r.ok && r.outcome === 'accepted');
      if (accepted?.ok) recordAppTime(queryClient, accepted.case.acceptedAt);
      for (const r of results) {
        // a lost `retry-ended` must not leave a „wird erneut versucht“ of this scan standing
        if (r.prescriptionId) clearRetry(queryClient, r.prescriptionId);
        if (!r.ok) continue;
        // $accept created or re-opened the case: its detail is the answer's, or stale without one
        if (r.detail) storeCaseAnswer(queryClient, r.detail);
        else void queryClient.invalidateQueries({ queryKey: caseKeys.detail(r.prescriptionId) });
      }
      // not awaited: navigating to the case must not wait for a list refetch
      void queryClient.invalidateQueries({ queryKey: caseKeys.lists() });
    },
    onSettled: () => endCaseWrite(queryClient, null),
  });
}
