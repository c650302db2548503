/**
 * Mutations of the dispense editor. $dispense and $close answer with the updated case, which replaces the
 * cached detail without a second `getCase` (case-writes.ts: main's `case-changed` echo does not refetch);
 * lists are invalidated because status and dates changed.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { DispenseEntry } from '../../../../../shared/erezept/dispense-entry';
import type { CaseDetail } from '../../../../../shared/ipc/contract';
import { useBridge } from '../../../lib/bridge-context';
import { invoke } from '../../../lib/invoke';
import { recordAppTime } from '../../app-info/api/app-clock';
import { caseKeys } from '../../cases/api/case-query';
import { clearRetry } from '../../connection/api/retry-progress';
import { caseWriteCallbacks, storeCaseDetail } from '../../cases/api/case-writes';

interface ListRequest {
  prescriptionId: string;
  entries: DispenseEntry[];
}

const idOf = (req: ListRequest) => req.prescriptionId;

/**
 * $dispense with the COMPLETE list — the Fachdienst replaces what it had (A_26482). Main does not send a list
 * equal to the last confirmed one (outcome `unchanged`) and reconciles a lost answer first (`reconciled`).
 */
export function useSubmitDispense() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  const writes = caseWriteCallbacks(queryClient, idOf);
  return useMutation({
    mutationFn: (req: ListRequest) => invoke(bridge, 'submitDispense', req),
    onMutate: writes.onMutate,
    onSuccess: ({ outcome, notice: _notice, ...detail }) => {
      if (outcome === 'sent') recordAppTime(queryClient, detail.lastDispenseAt);
      storeCaseDetail(queryClient, detail);
    },
    // The call is over: no „wird erneut versucht“ may outlive it, even if its `retry-ended` got lost.
    onSettled: (data, error, req) => {
      writes.onSettled(data, error, req);
      clearRetry(queryClient, req.prescriptionId);
    },
  });
}

/** $close with the list (A_26481: it overwrites the stored dispense data, too); the answer holds the receipt. */
export function useCloseCase() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  const writes = caseWriteCallbacks(queryClient, idOf);
  return useMutation({
    mutationFn: (req: ListRequest) => invoke(bridge, 'closeCase', req),
    onMutate: writes.onMutate,
    onSuccess: (detail) => storeCaseDetail(queryClient, detail),
    onSettled: (data, error, req) => {
      writes.onSettled(data, error, req);
      clearRetry(queryClient, req.prescriptionId);
    },
  });
}

/** Autosaves the local draft; the cached case gets the same draft so that reopening it shows the latest. */
export function useSaveDraft() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (req: ListRequest) => invoke(bridge, 'saveDraft', req),
    onSuccess: (saved, req) => {
      recordAppTime(queryClient, saved.savedAt);
      queryClient.setQueryData<CaseDetail>(caseKeys.detail(req.prescriptionId), (old) =>
        old ? { ...old, draft: req.entries } : old,
      );
    },
  });
}

/** What the patient will see in the E-Rezept app for this list — built by main, nothing is sent. */
export function usePatientPreview() {
  const bridge = useBridge();
  return useMutation({
    mutationFn: (req: { prescriptionId: string; entries?: DispenseEntry[] }) => invoke(bridge, 'previewPatientView', req),
  });
}
