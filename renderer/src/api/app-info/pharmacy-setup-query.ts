/**
 * „Apotheke & Personal“ as server state (architecture §5): what main answers on `getPharmacySetup`, and the save.
 * The key sits below the AppInfo's, so main's `app-info-changed` (app/bridge-events.ts invalidates
 * `appInfoKeys.info()` and everything below it) refreshes this form too — a save in another window, or a sign-in
 * that brought the SMC-B's pharmacy.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { PharmacySetupInput } from '../../../../shared/ipc/contract';
import { appInfoKeys } from './app-info-query';
import { useBridge } from '../../lib/bridge-context';
import { invoke } from '../../lib/invoke';

const pharmacySetupKey = [...appInfoKeys.info(), 'pharmacy-setup'] as const;

export function usePharmacySetup() {
  const bridge = useBridge();
  return useQuery({ queryKey: pharmacySetupKey, queryFn: () => invoke(bridge, 'getPharmacySetup', {}), staleTime: Infinity });
}

/** Saves the whole set-up; when saved, the AppInfo (header, staff switch) is read again at once. */
export function useSavePharmacySetup() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: PharmacySetupInput) => invoke(bridge, 'savePharmacySetup', input),
    onSuccess: (result) => {
      queryClient.setQueryData(pharmacySetupKey, result.setup);
      if (!result.saved) return undefined;
      return queryClient.invalidateQueries({ queryKey: appInfoKeys.info(), exact: true });
    },
  });
}
