/**
 * The dispense editor's calls that change nothing at the Fachdienst: the draft autosave and the patient preview.
 * $dispense and $close are case writes (../cases/use-case-write.ts).
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { DispenseEntry } from '../../../../shared/erezept/dispense-entry';
import type { CaseDetail } from '../../../../shared/ipc/contract';
import { useBridge } from '../../lib/bridge-context';
import { invoke } from '../../lib/invoke';
import { recordAppTime } from '../app-info/app-clock';
import { caseKeys } from '../cases/case-query';

interface ListRequest {
  prescriptionId: string;
  entries: DispenseEntry[];
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
