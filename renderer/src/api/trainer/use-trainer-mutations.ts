/**
 * Load a scenario and reset the training store (docs/simulator.md, the training deck). Both empty the app's cases on
 * main's side, so everything cached about cases goes too: case details, lists, pending operations, local draft
 * copies, the patient views; the counter shows the inbox. Loading also moves the app's clock to the scenario's.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { LoadedScenario } from '../../../../shared/ipc/contract';
import { useBridge } from '../../lib/bridge-context';
import { useCurrentCase } from '../../lib/current-case';
import { invoke } from '../../lib/invoke';
import { clearAllLocalDrafts } from '../../lib/local-draft';
import { recordAppTime } from '../app-info/app-clock';
import { caseKeys } from '../cases/case-query';
import { connectionKeys } from '../connection/connection-query';
import { trainerKeys } from './trainer-query';

/** „Simulatorzeit +1 Stunde“: the wait a 429 imposes (A_25460), which the deck's 429 scenario skips. */
export const ONE_HOUR = 'PT1H';

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
      return (await invoke(bridge, 'listCases', { limit: 1 })).total > 0;
    } catch {
      return true;
    }
  }, [bridge]);
}

/**
 * „eGK des Patienten stecken“ (`trainerInsertEgk`, spec erezept-pharmacy §3.9): the simulator puts the card of this
 * prescription's patient into the terminal of the app's workplace; „Rezepte per Gesundheitskarte“ (Alt+G) polls the
 * terminal and reads it by itself, so nothing is invalidated here.
 */
export function useInsertEgk() {
  const bridge = useBridge();
  return useMutation({
    mutationFn: (request: { prescriptionId: string; staleCard: boolean }) => invoke(bridge, 'trainerInsertEgk', request),
  });
}

/**
 * „Simulatorzeit vorstellen“ (`trainerAdvanceClock`): the simulator's clock moves and main's with it (training only,
 * architecture §2). Main then emits `cases-changed`, which reloads cases and pending operations (app/bridge-events.ts);
 * they are invalidated here as well, so deadlines and a 429 wait now over show at once even while the event stream
 * reconnects. The answer's `now` becomes the renderer's "today" (app-clock.ts, A_27660).
 */
export function useAdvanceClock() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (duration: string) => invoke(bridge, 'trainerAdvanceClock', { duration }),
    onSuccess: ({ now }) => {
      recordAppTime(queryClient, now);
      void queryClient.invalidateQueries({ queryKey: caseKeys.all });
      void queryClient.invalidateQueries({ queryKey: connectionKeys.pending() });
      void queryClient.invalidateQueries({ queryKey: connectionKeys.status() });
      void queryClient.invalidateQueries({ queryKey: trainerKeys.patientViews() });
    },
  });
}
