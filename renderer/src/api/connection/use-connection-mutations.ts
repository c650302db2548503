/**
 * What the pharmacist can do about the connection (A_23815, docs/reliability.md): „Jetzt erneut versuchen“ (main checks
 * the connection and runs every due pending operation; 429 ones wait their hour, A_25460), „Verwerfen“ of a
 * queued operation, and „Abbrechen“ of a running automatic retry.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { PendingOperation } from '../../../../shared/ipc/contract';
import { useBridge } from '../../lib/bridge-context';
import { invoke } from '../../lib/invoke';
import { caseKeys } from '../cases/case-query';
import { connectionKeys } from './connection-query';
import { clearRetry } from './retry-progress';

export function useResumePendingOperations() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => invoke(bridge, 'resumePendingOperations', {}),
    onSuccess: (operations) => {
      queryClient.setQueryData(connectionKeys.pending(), operations);
      // The check changed the connection state; completed operations changed their cases.
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: connectionKeys.status() }),
        queryClient.invalidateQueries({ queryKey: caseKeys.all }),
      ]);
    },
  });
}

/** Only queued operations (offline / rate-limited); main refuses one whose outcome is unknown. The draft stays. */
export function useCancelPendingOperation() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => invoke(bridge, 'cancelPendingOperation', { id }),
    onSuccess: (cancelled) => {
      queryClient.setQueryData<PendingOperation[]>(connectionKeys.pending(), (old) => old?.map((op) => (op.id === cancelled.id ? cancelled : op)));
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: connectionKeys.pending() }),
        queryClient.invalidateQueries({ queryKey: connectionKeys.status() }),
      ]);
    },
  });
}

/**
 * Stops the automatic retries of this prescription's running call; the call then fails with code `cancelled`
 * and its own error display says so. The notice goes at once — whether main still had a retry to stop or not.
 */
export function useCancelRetry() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (prescriptionId: string) => invoke(bridge, 'cancelRetry', { prescriptionId }),
    onSuccess: (_answer, prescriptionId) => clearRetry(queryClient, prescriptionId),
  });
}

/**
 * „Verbindung prüfen“: main walks every hop to the Fachdienst (Konnektor, SMC-B, IDP, VAU, Fachdienst; docs/ti.md).
 * The walk also tells the connection indicator what it found.
 */
export function useConnectionDiagnosis() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => invoke(bridge, 'diagnoseConnection', {}),
    onSettled: () => queryClient.invalidateQueries({ queryKey: connectionKeys.status() }),
  });
}
