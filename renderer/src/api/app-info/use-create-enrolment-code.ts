import { useMutation } from '@tanstack/react-query';
import { useBridge } from '../../lib/bridge-context';
import { invoke } from '../../lib/invoke';

/**
 * „Kasse hinzufügen“ (issue 18 item 6, docs/multi-counter.md §5): main makes a one-time code that lets a new counter
 * take the pharmacy keys. The code is a secret, so it lives only in this mutation's result while the screen shows it:
 * no query key, no cache write, and `gcTime: 0` drops the finished mutation from react-query's mutation cache as soon
 * as no component watches it any more (`reset()` on „Verbergen“, or the settings closed).
 */
export function useCreateEnrolmentCode() {
  const bridge = useBridge();
  return useMutation({
    mutationFn: () => invoke(bridge, 'createEnrolmentCode', { confirmed: true }),
    gcTime: 0,
  });
}
