/**
 * Load a scenario and reset the training store (issue 7 item 2). Both empty the app's cases on main's side,
 * so everything cached about cases goes too: case details, lists, pending operations, local draft copies,
 * the patient views; the counter shows the inbox. Loading also moves the app's clock to the scenario's.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { LoadedScenario } from '../../../../../shared/ipc/contract';
import { useBridge } from '../../../app/bridge-context';
import { useCurrentCase } from '../../../app/current-case';
import { invoke } from '../../../lib/invoke';
import { recordAppTime } from '../../app-info/api/app-clock';
import { caseKeys } from '../../cases/api/case-query';
import { connectionKeys } from '../../connection/api/connection-query';
import { clearAllLocalDrafts } from '../../dispense/forms/local-draft';
import { trainerKeys } from './trainer-query';

function useForgetTrainingData() {
  const queryClient = useQueryClient();
  const { showInbox } = useCurrentCase();
  return useCallback(
    (scenario: LoadedScenario | null) => {
      queryClient.setQueryData(trainerKeys.current(), scenario);
      queryClient.removeQueries({ queryKey: trainerKeys.patientViews() });
      // A scenario loaded again brings the same PrescriptionIDs: nothing of the old cases may reappear.
      queryClient.removeQueries({ queryKey: caseKeys.details() });
      clearAllLocalDrafts();
      showInbox();
      void queryClient.invalidateQueries({ queryKey: caseKeys.lists() });
      void queryClient.invalidateQueries({ queryKey: connectionKeys.pending() });
      void queryClient.invalidateQueries({ queryKey: connectionKeys.status() });
      // In training the app's "now" is the simulator's (architecture §2); the scenario may have set it.
      if (scenario) recordAppTime(queryClient, scenario.now);
    },
    [queryClient, showInbox],
  );
}

export function useLoadScenario() {
  const bridge = useBridge();
  const forget = useForgetTrainingData();
  return useMutation({
    mutationFn: (name: string) => invoke(bridge, 'trainerLoadScenario', { name }),
    onSuccess: (scenario) => forget(scenario),
  });
}

export function useResetTraining() {
  const bridge = useBridge();
  const forget = useForgetTrainingData();
  return useMutation({
    mutationFn: () => invoke(bridge, 'trainerReset', {}),
    onSuccess: () => forget(null),
  });
}

/** Whether the app holds any case now — loading a scenario asks first only then. A failed look counts as yes. */
export function useHasCases(): () => Promise<boolean> {
  const bridge = useBridge();
  return useCallback(async () => {
    try {
      return (await invoke(bridge, 'listCases', {})).length > 0;
    } catch {
      return true;
    }
  }, [bridge]);
}
