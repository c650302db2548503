/**
 * The TI settings (backend `ti` only; docs/ti.md „Settings“) and the SMC-Bs the Konnektor lists — server state in
 * react-query like everything main owns (architecture §5). Saving answers the new settings; the app info follows
 * (the Fachdienst's address may change with the environment).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TiSettingsInput } from '../../../../shared/ipc/contract';
import { useBridge } from '../../lib/bridge-context';
import { invoke } from '../../lib/invoke';
import { appInfoKeys } from '../app-info/app-info-query';

const tiSettingsKeys = {
  all: ['ti-settings'] as const,
  settings: () => [...tiSettingsKeys.all, 'settings'] as const,
  smcbs: () => [...tiSettingsKeys.all, 'smcbs'] as const,
};

export function useTiSettings() {
  const bridge = useBridge();
  return useQuery({ queryKey: tiSettingsKeys.settings(), queryFn: () => invoke(bridge, 'getTiSettings', {}), staleTime: Infinity });
}

export function useSaveTiSettings() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: TiSettingsInput) => invoke(bridge, 'saveTiSettings', input),
    onSuccess: (result) => {
      queryClient.setQueryData(tiSettingsKeys.settings(), result.settings);
      if (!result.saved) return undefined;
      // the SMC-B list depends on the Konnektor; the app info on the environment
      return Promise.all([queryClient.invalidateQueries({ queryKey: tiSettingsKeys.smcbs() }), queryClient.invalidateQueries({ queryKey: appInfoKeys.all })]);
    },
  });
}

/** Asked only on request („Gesteckte SMC-B anzeigen“): every call goes to the Konnektor. */
export function useSmcbList() {
  const bridge = useBridge();
  return useQuery({ queryKey: tiSettingsKeys.smcbs(), queryFn: () => invoke(bridge, 'listSmcbs', {}), enabled: false, retry: false });
}
