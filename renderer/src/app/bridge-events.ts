/**
 * The ONE place that listens to main's events (architecture §4): they only invalidate or update
 * react-query caches, so every screen shows the new state through its own queries. The app shell wires them
 * up: which caches an event touches is decided here, with the key factories and cache writes of api/.
 */
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { appEventSchema, type AppEvent, type ConnectionStatus, type ErxBridge } from '../../../shared/ipc/contract';
import { appInfoKeys } from '../api/app-info/app-info-query';
import { articleKeys } from '../api/articles/article-queries';
import { caseKeys } from '../api/cases/case-query';
import { afterOwnWrite, invalidateChangedCase } from '../api/cases/case-writes';
import { connectionKeys } from '../api/connection/connection-query';
import { clearRetry, recordRetry } from '../api/connection/retry-progress';
import { invalidateCaseLease, leaseKeys } from '../api/leases/lease-query';
import { messageKeys } from '../api/messages/messages-query';
import { trainerKeys } from '../api/trainer/trainer-query';
import { useBridge } from '../lib/bridge-context';

export function applyAppEvent(queryClient: QueryClient, event: AppEvent): void {
  switch (event.type) {
    case 'case-changed':
      // the echo of our own write does not refetch the detail its answer already put in the cache
      invalidateChangedCase(queryClient, event.prescriptionId);
      void queryClient.invalidateQueries({ queryKey: caseKeys.lists() });
      // the rest is asked again once the answer of a write of ours is on screen (case-writes.ts)
      afterOwnWrite(queryClient, event.prescriptionId, () => {
        // a case's operation may have been queued or completed with it
        void queryClient.invalidateQueries({ queryKey: connectionKeys.pending() });
        // training: the trainer's patient view shows what the Fachdienst holds now (spec §3.9–3.10)
        void queryClient.invalidateQueries({ queryKey: trainerKeys.patientView(event.prescriptionId) });
        // the case's messages go with its personal data ($reject/$abort, A_19251); the inbox is left alone (every
        // $dispense sends this event, and the inbox has its own `messages-changed`)
        void queryClient.invalidateQueries({ queryKey: messageKeys.thread(event.prescriptionId) });
        // another counter took the case, left it or its lease ran out (docs/multi-counter.md §4): ask who holds it now
        invalidateCaseLease(queryClient, event.prescriptionId);
      });
      return;
    case 'cases-changed':
      // also sent by the browser bridge after a reconnect: anything may have been missed meanwhile
      void queryClient.invalidateQueries({ queryKey: caseKeys.all });
      void queryClient.invalidateQueries({ queryKey: connectionKeys.status() });
      void queryClient.invalidateQueries({ queryKey: connectionKeys.pending() });
      // a scenario may have been loaded elsewhere (e.g. by a QA fixture through the same bridge)
      void queryClient.invalidateQueries({ queryKey: trainerKeys.current() });
      void queryClient.invalidateQueries({ queryKey: trainerKeys.patientViews() });
      void queryClient.invalidateQueries({ queryKey: trainerKeys.allPatientReplies() });
      void queryClient.invalidateQueries({ queryKey: messageKeys.all });
      void queryClient.invalidateQueries({ queryKey: leaseKeys.all });
      // an import at another counter may have been missed as well: the next lookups ask main again
      void queryClient.invalidateQueries({ queryKey: articleKeys.all });
      return;
    case 'connection': {
      // The pushed status is newer than any `getConnection` still on its way: that fetch is cancelled, or its
      // older answer (e.g. „noch nicht geprüft“ from just before the first check) would overwrite this one until
      // the next poll. Cancelling reverts the query asynchronously, so the status is set again afterwards.
      const set = () => queryClient.setQueryData<ConnectionStatus>(connectionKeys.status(), event.status);
      set();
      void queryClient.cancelQueries({ queryKey: connectionKeys.status() }).then(set);
      return;
    }
    case 'retrying':
      recordRetry(queryClient, event.progress);
      return;
    case 'retry-ended':
      clearRetry(queryClient, event.prescriptionId);
      return;
    case 'pending-changed':
      void queryClient.invalidateQueries({ queryKey: connectionKeys.pending() });
      // the indicator's count comes with the status
      void queryClient.invalidateQueries({ queryKey: connectionKeys.status() });
      return;
    case 'messages-changed':
      // new Zuweisungen fetched, one accepted or dismissed, a reply sent or deleted (spec §3.11): the inbox with
      // its badge, and every open thread — a reply from another counter belongs to a case shown here
      void queryClient.invalidateQueries({ queryKey: messageKeys.all });
      // training: what the patient's app received (the trainer's patient view) — a reply sent or deleted here
      void queryClient.invalidateQueries({ queryKey: trainerKeys.allPatientReplies() });
      return;
    case 'app-info-changed':
      void queryClient.invalidateQueries({ queryKey: appInfoKeys.info() });
      return;
    case 'articles-changed':
      // an article master was imported here or at another counter (docs/article-master.md): every cached lookup and
      // the settings' „Artikelstamm“ (articleKeys.info, below `all`) ask main again
      void queryClient.invalidateQueries({ queryKey: articleKeys.all });
      return;
  }
}

/** Subscribes to the bridge's events; returns the unsubscribe function (for a useEffect cleanup). */
export function subscribeBridgeEvents(bridge: ErxBridge, queryClient: QueryClient): () => void {
  return bridge.onEvent((raw) => {
    // Events cross a process boundary: check their shape instead of trusting it.
    const parsed = appEventSchema.safeParse(raw);
    if (parsed.success) applyAppEvent(queryClient, parsed.data);
  });
}

/** Keeps react-query in step with main's events for as long as the app is mounted. */
export function useBridgeEvents(): void {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  useEffect(() => subscribeBridgeEvents(bridge, queryClient), [bridge, queryClient]);
}
