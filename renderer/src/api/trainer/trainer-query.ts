/**
 * The trainer panel's server state (training mode only — main refuses these channels
 * otherwise, architecture §2): the scenario deck, the scenario loaded last, the patient's view of a
 * prescription (the insurant's read of Task and MedicationDispense, spec §3.9–3.10), which `case-changed`
 * events invalidate, and the pharmacies' replies the patient's app received (spec §3.11), which `messages-changed`
 * events invalidate (app/bridge-events.ts).
 */
import { queryOptions } from '@tanstack/react-query';
import type { ErxBridge } from '../../../../shared/ipc/contract';
import { invoke } from '../../lib/invoke';

export const trainerKeys = {
  all: ['trainer'] as const,
  scenarios: () => [...trainerKeys.all, 'scenarios'] as const,
  current: () => [...trainerKeys.all, 'current'] as const,
  patientViews: () => [...trainerKeys.all, 'patient-view'] as const,
  patientView: (prescriptionId: string) => [...trainerKeys.patientViews(), prescriptionId] as const,
  allPatientReplies: () => [...trainerKeys.all, 'patient-replies'] as const,
  patientReplies: (prescriptionId: string) => [...trainerKeys.allPatientReplies(), prescriptionId] as const,
};

export const scenariosQueryOptions = (bridge: ErxBridge) =>
  queryOptions({
    queryKey: trainerKeys.scenarios(),
    queryFn: () => invoke(bridge, 'trainerListScenarios', {}),
    // The deck is repository data: it changes only with a new app version.
    staleTime: Infinity,
  });

export const currentScenarioQueryOptions = (bridge: ErxBridge) =>
  queryOptions({
    queryKey: trainerKeys.current(),
    queryFn: () => invoke(bridge, 'trainerCurrentScenario', {}),
    // Changes only through load and reset, whose answers replace it.
    staleTime: Infinity,
  });

export const patientViewQueryOptions = (bridge: ErxBridge, prescriptionId: string) =>
  queryOptions({
    queryKey: trainerKeys.patientView(prescriptionId),
    queryFn: () => invoke(bridge, 'trainerPatientView', { prescriptionId }),
    // What the patient sees changes with every step at the counter; events and „Aktualisieren“ refetch it.
    staleTime: 0,
  });

export const patientRepliesQueryOptions = (bridge: ErxBridge, prescriptionId: string) =>
  queryOptions({
    queryKey: trainerKeys.patientReplies(prescriptionId),
    queryFn: () => invoke(bridge, 'trainerPatientReplies', { prescriptionId }),
    // a reply sent at the counter arrives with `messages-changed`; „Aktualisieren“ of the patient view refetches too
    staleTime: 0,
  });
