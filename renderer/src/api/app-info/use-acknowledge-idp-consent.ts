import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useBridge } from '../../lib/bridge-context';
import { invoke } from '../../lib/invoke';
import { appInfoKeys } from './app-info-query';

/** „Zur Kenntnis genommen“ of the IDP's consent (backend `ti`): main answers the AppInfo without the notice. */
export function useAcknowledgeIdpConsent() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => invoke(bridge, 'acknowledgeIdpConsent', { confirmed: true }),
    onSuccess: (appInfo) => queryClient.setQueryData(appInfoKeys.info(), appInfo),
  });
}
