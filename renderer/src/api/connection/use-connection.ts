import { useQuery } from '@tanstack/react-query';
import { useBridge } from '../../lib/bridge-context';
import { connectionQueryOptions, pendingOperationsQueryOptions } from './connection-query';

/** The connection to the Fachdienst as main sees it (spec §9.3, A_23815). */
export function useConnection() {
  return useQuery(connectionQueryOptions(useBridge()));
}

/** Pending operations first, then the recent ones the app finished on its own (main's order). */
export function usePendingOperations(enabled = true) {
  return useQuery({ ...pendingOperationsQueryOptions(useBridge()), enabled });
}
