/**
 * The connection to the Fachdienst and the operations the app still owes it (spec §9.3, A_23814–A_23816;
 * docs/reliability.md). Both are server state in react-query: main pushes the connection with its `connection`
 * event (app/bridge-events.ts sets it), and `pending-changed` invalidates the list.
 */
import { queryOptions } from '@tanstack/react-query';
import type { ErxBridge } from '../../../../shared/ipc/contract';
import { invoke } from '../../lib/invoke';

export const connectionKeys = {
  all: ['connection'] as const,
  status: () => [...connectionKeys.all, 'status'] as const,
  pending: () => [...connectionKeys.all, 'pending'] as const,
  /** live automatic retries by PrescriptionID (see retry-progress.ts); filled by events only */
  retries: () => [...connectionKeys.all, 'retries'] as const,
};

/** Events update the status at once; the poll is the fallback should an event be lost (e.g. a dropped stream). */
const CONNECTION_POLL_MS = 15_000;

export const connectionQueryOptions = (bridge: ErxBridge) =>
  queryOptions({
    queryKey: connectionKeys.status(),
    queryFn: () => invoke(bridge, 'getConnection', {}),
    refetchInterval: CONNECTION_POLL_MS,
    staleTime: 5_000,
  });

export const pendingOperationsQueryOptions = (bridge: ErxBridge) =>
  queryOptions({
    queryKey: connectionKeys.pending(),
    queryFn: () => invoke(bridge, 'listPendingOperations', {}),
    // Changes arrive as `pending-changed` / `case-changed` events, which invalidate this list.
    staleTime: 5_000,
  });
