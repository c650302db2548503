import { queryOptions } from '@tanstack/react-query';
import type { ErxBridge } from '../../../../shared/ipc/contract';
import { invoke } from '../../lib/invoke';

export const appInfoKeys = {
  all: ['app-info'] as const,
  info: () => [...appInfoKeys.all, 'info'] as const,
};

export const appInfoQueryOptions = (bridge: ErxBridge) =>
  queryOptions({
    queryKey: appInfoKeys.info(),
    queryFn: () => invoke(bridge, 'getAppInfo', {}),
    // Backend, pharmacy and staff list change only through setStaff or a restart.
    staleTime: Infinity,
  });
