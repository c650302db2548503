import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useBridge } from '../../lib/bridge-context';
import { invoke } from '../../lib/invoke';
import { appInfoKeys } from './app-info-query';

/** Stores how long a Zuweisung never accepted is kept (docs/messages.md); main answers with the updated AppInfo. */
export function useSetMessageRetention() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (days: number) => invoke(bridge, 'setMessageRetentionDays', { days }),
    onSuccess: (appInfo) => queryClient.setQueryData(appInfoKeys.info(), appInfo),
  });
}
