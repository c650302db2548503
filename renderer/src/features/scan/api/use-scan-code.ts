import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useBridge } from '../../../app/bridge-context';
import { invoke } from '../../../lib/invoke';
import { caseKeys } from '../../cases/api/case-query';

/** Sends what the scanner delivered to main, which parses the 1–3 E-Rezept-Tokens (spec §2) and accepts them. */
export function useScanCode() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (text: string) => invoke(bridge, 'scanCode', { text }),
    onSuccess: async ({ results }) => {
      // $accept created or re-opened cases: every list and the touched details are stale.
      const touched = results.flatMap((r) => (r.ok ? [r.prescriptionId] : []));
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: caseKeys.lists() }),
        ...touched.map((id) => queryClient.invalidateQueries({ queryKey: caseKeys.detail(id) })),
      ]);
    },
  });
}
