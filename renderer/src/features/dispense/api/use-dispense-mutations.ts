/**
 * Mutations of the dispense editor. $dispense and $close answer with the updated case, which replaces the
 * cached detail; lists are invalidated because status and dates changed.
 */
import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { DispenseEntry } from '../../../../../shared/erezept/dispense-entry';
import type { CaseDetail } from '../../../../../shared/ipc/contract';
import { useBridge } from '../../../app/bridge-context';
import { invoke } from '../../../lib/invoke';
import { caseKeys } from '../../cases/api/case-query';

interface ListRequest {
  prescriptionId: string;
  entries: DispenseEntry[];
}

function storeCase(queryClient: QueryClient, detail: CaseDetail): Promise<void> {
  queryClient.setQueryData(caseKeys.detail(detail.prescriptionId), detail);
  return queryClient.invalidateQueries({ queryKey: caseKeys.lists() });
}

/** $dispense with the COMPLETE list — the Fachdienst replaces what it had (A_26482). */
export function useSubmitDispense() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (req: ListRequest) => invoke(bridge, 'submitDispense', req),
    onSuccess: (detail) => storeCase(queryClient, detail),
  });
}

/** $close with the list (A_26481: it overwrites the stored dispense data, too); the answer holds the receipt. */
export function useCloseCase() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (req: ListRequest) => invoke(bridge, 'closeCase', req),
    onSuccess: (detail) => storeCase(queryClient, detail),
  });
}

/** Autosaves the local draft; the cached case gets the same draft so that reopening it shows the latest. */
export function useSaveDraft() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (req: ListRequest) => invoke(bridge, 'saveDraft', req),
    onSuccess: (_saved, req) =>
      queryClient.setQueryData<CaseDetail>(caseKeys.detail(req.prescriptionId), (old) =>
        old ? { ...old, draft: req.entries } : old,
      ),
  });
}
