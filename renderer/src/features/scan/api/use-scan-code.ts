import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useBridge } from '../../../app/bridge-context';
import { invoke } from '../../../lib/invoke';
import { recordAppTime } from '../../app-info/api/app-clock';
import { caseKeys } from '../../cases/api/case-query';
import { clearRetry } from '../../connection/api/retry-progress';

/** Sends what the scanner delivered to main, which parses the 1–3 E-Rezept-Tokens (spec §2) and accepts them. */
export function useScanCode() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (text: string) => invoke(bridge, 'scanCode', { text }),
    onSuccess: async ({ results }) => {
      // a case accepted just now carries main's time (the simulator's in training)
      const accepted = results.find((r) => r.ok && r.outcome === 'accepted');
      if (accepted?.ok) recordAppTime(queryClient, accepted.case.acceptedAt);
      // $accept created or re-opened cases: every list and the touched details are stale.
      const touched = results.flatMap((r) => (r.ok ? [r.prescriptionId] : []));
      // a lost `retry-ended` must not leave a „wird erneut versucht“ of this scan standing
      for (const r of results) if (r.prescriptionId) clearRetry(queryClient, r.prescriptionId);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: caseKeys.lists() }),
        ...touched.map((id) => queryClient.invalidateQueries({ queryKey: caseKeys.detail(id) })),
      ]);
    },
  });
}
