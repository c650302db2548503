import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { BackendKind } from '../../../../shared/ipc/contract';
import { useBridge } from '../../lib/bridge-context';
import { invoke } from '../../lib/invoke';
import { appInfoKeys } from './app-info-query';

/**
 * Chooses the backend — only after the pharmacist confirmed it (architecture §2). Main answers with the new
 * AppInfo, or refuses `ti` in a training app: the real TI is a start with `--backend ti`.
 */
export function useSelectBackend() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (backend: BackendKind) => invoke(bridge, 'selectBackend', { backend, confirmed: true }),
    onSuccess: (appInfo) => queryClient.setQueryData(appInfoKeys.info(), appInfo),
  });
}
