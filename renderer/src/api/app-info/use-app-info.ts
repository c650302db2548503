import { useQuery } from '@tanstack/react-query';
import type { StaffMember } from '../../../../shared/ipc/contract';
import { useBridge } from '../../lib/bridge-context';
import { appInfoQueryOptions } from './app-info-query';

export function useAppInfo() {
  return useQuery(appInfoQueryOptions(useBridge()));
}

/** The staff member every state-changing action is done as (architecture §2), or null when none is chosen. */
export function useCurrentStaff(): StaffMember | null {
  return useAppInfo().data?.staff ?? null;
}
