/**
 * What the pharmacist does with the messages (spec erezept-pharmacy §3.11): „Aktualisieren“ (GET /Communication now),
 * „Annehmen“ of a Zuweisung ($accept with its AccessCode, which stays in main — like a scan), „Verwerfen“ (nothing is
 * claimed, A_23152), and per case a reply sent or deleted. Every answer goes straight into the cache.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CaseMessages, ReplyInput } from '../../../../shared/ipc/contract';
import { useBridge } from '../../lib/bridge-context';
import { invoke } from '../../lib/invoke';
import { recordAppTime } from '../app-info/app-clock';
import { caseKeys } from '../cases/case-query';
import { storeCaseAnswer } from '../cases/case-writes';
import { clearRetry } from '../connection/retry-progress';
import { messageKeys } from './messages-query';

export function useRefreshMessages() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => invoke(bridge, 'refreshMessages', {}),
    onSuccess: (inbox) => queryClient.setQueryData(messageKeys.inbox(), inbox),
  });
}

/**
 * „Annehmen“: the answer is a scan's outcome. A claimed (or already local, A_23801) case goes into the cache before
 * the caller opens it; a refusal (`ok: false`) is the caller's to show at its Zuweisung.
 */
export function useAcceptMessage() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (communicationId: string) => invoke(bridge, 'acceptMessage', { communicationId }),
    onSuccess: (outcome) => {
      // a lost `retry-ended` must not leave a „wird erneut versucht“ of this $accept standing
      if (outcome.prescriptionId) clearRetry(queryClient, outcome.prescriptionId);
      if (outcome.ok) {
        if (outcome.outcome === 'accepted') recordAppTime(queryClient, outcome.case.acceptedAt);
        if (outcome.detail) storeCaseAnswer(queryClient, outcome.detail);
        else void queryClient.invalidateQueries({ queryKey: caseKeys.detail(outcome.prescriptionId) });
        void queryClient.invalidateQueries({ queryKey: caseKeys.lists() });
      }
      // the Zuweisung is „angenommen“ now (or still „neu“ after a refusal); main's event says so, too
      void queryClient.invalidateQueries({ queryKey: messageKeys.all });
    },
  });
}

export function useDismissMessage() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (communicationId: string) => invoke(bridge, 'dismissMessage', { communicationId }),
    onSuccess: (inbox) => queryClient.setQueryData(messageKeys.inbox(), inbox),
  });
}

/** The reply's answer is the prescription's thread with it; main checks the text again before sending. */
export function useSendReply(prescriptionId: string) {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (reply: Omit<ReplyInput, 'prescriptionId'>) =>
      invoke(bridge, 'sendReply', { ...reply, prescriptionId }),
    onSuccess: (thread) => queryClient.setQueryData<CaseMessages>(messageKeys.thread(prescriptionId), thread),
  });
}

/** Deletes a sent reply at the Fachdienst; the answer (the thread) carries no id, so the hook knows its case. */
export function useDeleteReply(prescriptionId: string) {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (communicationId: string) => invoke(bridge, 'deleteReply', { communicationId }),
    onSuccess: (thread) => queryClient.setQueryData<CaseMessages>(messageKeys.thread(prescriptionId), thread),
  });
}
