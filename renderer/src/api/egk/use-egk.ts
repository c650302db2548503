/**
 * The eGK path (spec erezept-pharmacy §3.9): while the dialog is open the card terminal is asked every second
 * whether a card is inserted (no callback listener — nothing listens off loopback), the inserted card is read and
 * the patient's prescriptions listed, and the ticked ones are claimed like scanned codes.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useBridge } from '../../lib/bridge-context';
import { invoke } from '../../lib/invoke';
import { recordAppTime } from '../app-info/app-clock';
import { caseKeys } from '../cases/case-query';
import { storeCaseAnswer } from '../cases/case-writes';

const POLL_MS = 1_000;

export function useEgkPoll(enabled: boolean) {
  const bridge = useBridge();
  return useQuery({
    queryKey: ['egk', 'card'],
    queryFn: () => invoke(bridge, 'egkPoll', {}),
    enabled,
    refetchInterval: enabled ? POLL_MS : false,
    // a Konnektor that cannot be reached is shown, and asked again with the next poll
    retry: false,
    gcTime: 0,
  });
}

export function useEgkLookup() {
  const bridge = useBridge();
  return useMutation({ mutationFn: () => invoke(bridge, 'egkLookup', {}) });
}

export function useEgkAccept() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: { lookupId: string; prescriptionIds: string[] }) =>
      invoke(bridge, 'egkAccept', request),
    onSuccess: ({ results }) => {
      const accepted = results.find((r) => r.ok && r.outcome === 'accepted');
      if (accepted?.ok) recordAppTime(queryClient, accepted.case.acceptedAt);
      for (const r of results) if (r.ok && r.detail) storeCaseAnswer(queryClient, r.detail);
      void queryClient.invalidateQueries({ queryKey: caseKeys.lists() });
    },
  });
}
