/**
 * Every write to one open case goes through this hook: $dispense („Abgabe übermitteln“), $close, $reject
 * („Rezept zurückgeben“), $abort („Rezept löschen“), the receipt re-fetch (GET ?secret, spec §3.6) and the Secret
 * recovery (GET ?ac, spec §3.3). Each answers with the whole updated case, so they share one life cycle:
 *
 * - while the call runs, main's `case-changed` echo does not refetch the detail (case-writes.ts);
 * - the answer replaces the cached detail without a second `getCase`, and every list is marked stale (status,
 *   dates and search fields changed);
 * - a confirmed $dispense carries main's time, which the renderer's "today" follows (app-clock.ts, A_27660);
 * - when a call that main may have repeated on its own (spec §8 backoff: $dispense, $close's reconciliation,
 *   GET ?secret, GET ?ac) is over, no „wird erneut versucht“ outlives it — even if its `retry-ended` got lost.
 *   $reject and $abort are never repeated automatically, so they leave any notice about the case alone.
 * - main refused the write because another counter holds the case (`case-leased`, docs/multi-counter.md §4 — it
 *   took the case over meanwhile): the error is shown where the call started, and the lease is asked again so the
 *   case view says who holds it.
 */
import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { CaseDetail, SubmitOutcome } from '../../../../shared/ipc/contract';
import type { BridgeData, BridgeRequest } from '../../lib/bridge';
import { useBridge } from '../../lib/bridge-context';
import { appErrorOf, invoke } from '../../lib/invoke';
import { recordAppTime } from '../app-info/app-clock';
import { clearRetry } from '../connection/retry-progress';
import { invalidateCaseLease } from '../leases/lease-query';
import { beginCaseWrite, endCaseWrite, storeCaseDetail } from './case-writes';

/** Whether main may have retried the call by itself (and so may have reported „wird erneut versucht“). */
const retriedByMain = {
  submitDispense: true,
  closeCase: true,
  refetchReceipt: true,
  recoverSecret: true,
  rejectCase: false,
  abortCase: false,
} as const;

type CaseWriteMethod = keyof typeof retriedByMain;

/** What every case write answers: the case, for $dispense with what happened to the list. */
type CaseWriteAnswer = CaseDetail | SubmitOutcome;

function storeAnswer(queryClient: QueryClient, answer: CaseWriteAnswer): void {
  if (!('outcome' in answer)) {
    storeCaseDetail(queryClient, answer);
    return;
  }
  const { outcome, notice: _notice, ...detail } = answer;
  // only a list that really went out carries the Fachdienst's time of now (unchanged/reconciled: an older one)
  if (outcome === 'sent') recordAppTime(queryClient, detail.lastDispenseAt);
  storeCaseDetail(queryClient, detail);
}

/** The mutation for one kind of case write; `mutate` takes the channel's request, which names the case. */
export function useCaseWrite<M extends CaseWriteMethod>(method: M) {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation<BridgeData<M>, Error, BridgeRequest<M>>({
    mutationFn: (req) => invoke(bridge, method, req),
    onMutate: (req) => beginCaseWrite(queryClient, prescriptionIdOf(req)),
    onSuccess: (answer) => storeAnswer(queryClient, answer),
    onError: (error, req) => {
      if (appErrorOf(error).code === 'case-leased') invalidateCaseLease(queryClient, prescriptionIdOf(req));
    },
    onSettled: (_answer, _error, req) => {
      const prescriptionId = prescriptionIdOf(req);
      endCaseWrite(queryClient, prescriptionId);
      if (retriedByMain[method]) clearRetry(queryClient, prescriptionId);
    },
  });
}

/** Every case write's request names its case (the contract's `byPrescription`). */
const prescriptionIdOf = (req: BridgeRequest<CaseWriteMethod>): string => req.prescriptionId;
