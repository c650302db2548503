import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useBridge } from '../../lib/bridge-context';
import { invoke } from '../../lib/invoke';
import { appInfoKeys } from './app-info-query';

/** Switches the current staff member; main answers with the updated AppInfo, which replaces the cached one. */
export function useSetStaff() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (kuerzel: string) => invoke(bridge, 'setStaff', { kuerzel }),
    onSuccess: (appInfo) => queryClient.setQueryData(appInfoKeys.info(), appInfo),
  });
}
